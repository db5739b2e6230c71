//! `DELETE /restapi/v1.0/account/{accountId}/extension/{extensionId}`: an account administrator
//! removes a person (`EditAccounts`); their posts stay, attributed; their tokens and web
//! sessions end; the audit log records the deletion (and nothing for a refused one); who may,
//! and what may not be removed.

use openglip_domain::audit::{AuditEvent, AuditFilter, AuditKind};
use serde_json::json;

use crate::helpers::*;

const EXT: &str = "/restapi/v1.0/account/~/extension";

#[tokio::test]
async fn an_administrator_removes_a_person_whose_posts_stay() {
    let w = World::new().await;
    let editing = w
        .app
        .client(
            &w.acme,
            &["password"],
            &["TeamMessaging", "ReadAccounts", "EditAccounts"],
        )
        .await;
    let alice = w.app.logged_in(&editing, w.alice.ext.clone()).await;
    let bob_editing = w.app.logged_in(&editing, w.bob.ext.clone()).await;
    let team = w.team("Ops", false, &[&w.bob, &w.carol]).await;
    let (s, post) = w
        .app
        .post(
            &format!("/team-messaging/v1/chats/{team}/posts"),
            &w.bob.token,
            json!({"text": "Handing over"}),
        )
        .await;
    assert_eq!(s, 201, "{post}");
    let bob_browser = crate::client::signed_in(&w.app, &w.bob.email).await;

    // Not Bob (no administrator), not an app without EditAccounts.
    let (s, b) = w
        .app
        .delete(&format!("{EXT}/{}", w.carol.id()), &bob_editing.token)
        .await;
    assert_rc_error(s, &b, 403, "CMN-408");
    let (s, b) = w
        .app
        .delete(&format!("{EXT}/{}", w.bob.id()), &w.alice.token)
        .await;
    assert_rc_error(s, &b, 403, "CMN-401");

    let (s, b) = w
        .app
        .delete(&format!("{EXT}/{}", w.bob.id()), &alice.token)
        .await;
    assert_eq!(s, 204, "{b}");
    let logged = deletions(&w).await;
    assert_eq!(logged.len(), 1, "{logged:?}");
    let e = &logged[0].event;
    assert_eq!(e.account_id, Some(w.acme.id));
    assert_eq!(e.actor_id, Some(w.alice.ext.id));
    assert_eq!(e.target.as_deref(), Some(w.bob.id().as_str()));
    assert_eq!(e.detail, "Bob Baker");

    // Bob's tokens and his web session are over.
    let (s, _) = w.app.get(&format!("{EXT}/~"), &w.bob.token).await;
    assert_eq!(s, 401);
    let p = bob_browser.get("/").await;
    assert!(p.has("name=\"password\""), "signed out: {}", p.body);
    // His post stays, his; he is no longer in the team.
    let (_, posts) = w
        .app
        .get(
            &format!("/team-messaging/v1/chats/{team}/posts"),
            &w.carol.token,
        )
        .await;
    let kept = posts["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == post["id"])
        .expect("the post stays");
    assert_eq!(kept["creatorId"], w.bob.id());
    let (_, chat) = w
        .app
        .get(&format!("/team-messaging/v1/chats/{team}"), &w.carol.token)
        .await;
    assert!(
        !chat["members"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == w.bob.id()),
        "{chat}"
    );

    // Once only; not oneself; not a bot (uninstalled instead); not another company's person.
    let (s, b) = w
        .app
        .delete(&format!("{EXT}/{}", w.bob.id()), &alice.token)
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, b) = w.app.delete(&format!("{EXT}/~"), &alice.token).await;
    assert_rc_error(s, &b, 400, "CMN-101");
    let (bot, _, _) = w
        .app
        .state()
        .platform()
        .create_bot(w.acme.id, "Helper")
        .await
        .unwrap();
    let (s, b) = w
        .app
        .delete(&format!("{EXT}/{}", bot.id), &alice.token)
        .await;
    assert_rc_error(s, &b, 400, "CMN-101");
    let globex = w
        .app
        .client(&w.globex, &["password"], &["ReadAccounts", "EditAccounts"])
        .await;
    let eve = w.app.logged_in(&globex, w.eve.ext.clone()).await;
    let (s, b) = w
        .app
        .delete(&format!("{EXT}/{}", w.carol.id()), &eve.token)
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, b) = w
        .app
        .delete(
            &format!(
                "/restapi/v1.0/account/{}/extension/{}",
                w.acme.id,
                w.carol.id()
            ),
            &eve.token,
        )
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, _) = w.app.get(&format!("{EXT}/~"), &w.carol.token).await;
    assert_eq!(s, 200, "Carol is untouched");
    assert_eq!(deletions(&w).await.len(), 1, "refusals record nothing");
}

/// Every company's `user_deleted` events, newest first.
async fn deletions(w: &World) -> Vec<AuditEvent> {
    w.app
        .state()
        .platform()
        .operator_audit_log(AuditFilter {
            kinds: vec![AuditKind::UserDeleted],
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
}
