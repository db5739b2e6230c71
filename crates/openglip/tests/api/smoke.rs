use crate::helpers::*;

#[tokio::test]
async fn world_logs_in_and_reads_itself() {
    let w = World::new().await;
    let (s, b) = w
        .app
        .get("/restapi/v1.0/account/~/extension/~", &w.alice.token)
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["id"].as_i64(), Some(w.alice.ext.id.0));
    assert_eq!(b["type"], "User");
}
