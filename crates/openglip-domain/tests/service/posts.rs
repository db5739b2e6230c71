//! Posts: members write, authors edit, authors and administrators delete, threads are one deep.

use openglip_domain::service::{PostInput, TeamRef};
use openglip_domain::*;

use crate::*;

fn reply(text: &str, parent: PostId) -> PostInput {
    PostInput {
        text: Some(text.into()),
        parent_post_id: Some(parent),
        ..Default::default()
    }
}

#[tokio::test]
async fn members_post_others_are_refused_without_learning_of_private_chats() {
    let w = World::new().await;
    let open = w.team(&w.ada, "Open", true, &[&w.bob]).await;
    let closed = w.team(&w.ada, "Closed", false, &[&w.bob]).await;
    let p = w.say(&w.bob, open.id, "hi ![:Person](1)").await.unwrap();
    assert_eq!(p.creator_id, w.bob.extension_id);
    // Carol sees the public team, so she is told she may not post there; the private one, and
    // every chat of another company, is simply not found.
    assert_forbidden(w.say(&w.carol, open.id, "me too").await);
    assert_not_found(w.say(&w.carol, closed.id, "me too").await, Subject::Chat);
    assert_not_found(w.say(&w.gil, open.id, "hello").await, Subject::Chat);
    assert_not_found(w.say(&w.bob, ChatId(987_654), "void").await, Subject::Chat);
    // Nothing to say is not a post.
    assert!(matches!(
        w.say(&w.bob, open.id, "   ").await,
        Err(Error::MissingParameter(_))
    ));
    // Reading takes membership too.
    assert_forbidden(w.svc.list_posts(&w.carol, open.id, None, page()).await);
    assert_not_found(w.svc.post(&w.gil, open.id, p.id).await, Subject::Chat);
    assert_not_found(
        w.svc.post(&w.bob, open.id, PostId(987_654)).await,
        Subject::Post,
    );
}

#[tokio::test]
async fn only_the_author_edits_the_author_or_an_administrator_deletes() {
    let w = World::new().await;
    let team = w.team(&w.bob, "Crew", false, &[&w.carol]).await;
    // Ada joins when Bob adds her: a system post (`PersonsAdded`).
    let ada = ids(&[&w.ada]);
    w.svc
        .change_team_members(&w.bob, TeamRef::Team(team.id), &[("members", &ada)], &[])
        .await
        .unwrap();
    let p = w.say(&w.bob, team.id, "first draft").await.unwrap();

    assert_forbidden(
        w.svc
            .update_post(&w.carol, team.id, p.id, Some("mine now".into()))
            .await,
    );
    assert_forbidden(
        w.svc
            .update_post(&w.ada, team.id, p.id, Some("admin edit".into()))
            .await,
    );
    let edited = w
        .svc
        .update_post(&w.bob, team.id, p.id, Some("final ![:Person](7)".into()))
        .await
        .unwrap();
    assert_eq!(edited.text, "final ![:Person](7)");
    // An edit needs text, and may not empty the post.
    assert!(matches!(
        w.svc.update_post(&w.bob, team.id, p.id, None).await,
        Err(Error::MissingParameter(_))
    ));
    assert!(matches!(
        w.svc
            .update_post(&w.bob, team.id, p.id, Some(" ".into()))
            .await,
        Err(Error::InvalidParameter { .. })
    ));

    // System posts cannot be edited, even by the one who caused them.
    let posts = w
        .svc
        .list_posts(&w.bob, team.id, None, page())
        .await
        .unwrap();
    let system = posts
        .items
        .iter()
        .find(|p| p.kind == PostType::PersonsAdded)
        .expect("the post of Ada's being added")
        .clone();
    assert_eq!(system.creator_id, w.bob.extension_id);
    assert_forbidden(
        w.svc
            .update_post(&w.bob, team.id, system.id, Some("rewritten".into()))
            .await,
    );

    // Deleting: not Carol; Bob his own; Ada, an administrator, anyone's.
    assert_forbidden(w.svc.delete_post(&w.carol, team.id, p.id).await);
    let other = w.say(&w.carol, team.id, "mine").await.unwrap();
    w.svc.delete_post(&w.bob, team.id, p.id).await.unwrap();
    w.svc.delete_post(&w.ada, team.id, other.id).await.unwrap();
    assert_not_found(w.svc.post(&w.bob, team.id, p.id).await, Subject::Post);
    assert_not_found(
        w.svc.delete_post(&w.bob, team.id, p.id).await,
        Subject::Post,
    );
}

#[tokio::test]
async fn replies_join_their_roots_thread_within_one_chat() {
    let w = World::new().await;
    let a = w.team(&w.bob, "A", false, &[&w.carol]).await;
    let b = w.team(&w.bob, "B", false, &[&w.carol]).await;
    let root = w.say(&w.bob, a.id, "root").await.unwrap();
    let r1 = w
        .svc
        .create_post(&w.carol, a.id, reply("one", root.id))
        .await
        .unwrap();
    assert_eq!(
        (r1.parent_post_id, r1.thread_id()),
        (Some(root.id), root.id)
    );
    // A reply to a reply lands in the root's thread.
    let r2 = w
        .svc
        .create_post(&w.bob, a.id, reply("two", r1.id))
        .await
        .unwrap();
    assert_eq!(
        (r2.parent_post_id, r2.thread_id()),
        (Some(root.id), root.id)
    );
    let thread = w
        .svc
        .list_posts(&w.bob, a.id, Some(root.id), page())
        .await
        .unwrap();
    assert_eq!(
        thread.items.iter().map(|p| p.id).collect::<Vec<_>>(),
        [r2.id, r1.id, root.id]
    );
    // A thread is named by its root, in its own chat.
    assert_not_found(
        w.svc.list_posts(&w.bob, a.id, Some(r1.id), page()).await,
        Subject::Thread,
    );
    assert_not_found(
        w.svc.list_posts(&w.bob, b.id, Some(root.id), page()).await,
        Subject::Thread,
    );
    // A parent must be a post of the same chat.
    assert_not_found(
        w.svc.create_post(&w.bob, b.id, reply("x", root.id)).await,
        Subject::ParentPost,
    );
    assert_not_found(
        w.svc
            .create_post(&w.bob, a.id, reply("x", PostId(987_654)))
            .await,
        Subject::ParentPost,
    );
}
