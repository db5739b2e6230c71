//! Seeing chats and people: nothing crosses companies, and what one may not see is "not found".

use openglip_domain::service::MemberInput;
use openglip_domain::*;

use crate::*;

#[tokio::test]
async fn people_and_companies_are_visible_only_within_the_company() {
    let w = World::new().await;
    let bob = w.svc.person(&w.ada, w.bob.extension_id).await.unwrap();
    assert_eq!(bob.first_name, "Bob");
    assert_not_found(
        w.svc.person(&w.gil, w.bob.extension_id).await,
        Subject::Person,
    );
    assert_not_found(
        w.svc.person(&w.ada, ExtensionId(987_654)).await,
        Subject::Person,
    );
    assert_eq!(
        w.svc.company(&w.bob, w.bob.account_id).await.unwrap().name,
        "Acme"
    );
    assert_not_found(
        w.svc.company(&w.gil, w.bob.account_id).await,
        Subject::Company,
    );
    assert_not_found(
        w.svc.account(&w.gil, w.bob.account_id).await,
        Subject::Account,
    );
    // An extension is looked up within the account named, which must be the caller's.
    assert_not_found(
        w.svc
            .extension(&w.ada, w.ada.account_id, w.gil.extension_id)
            .await,
        Subject::Extension,
    );
    assert_not_found(
        w.svc
            .extension(&w.ada, w.gil.account_id, w.gil.extension_id)
            .await,
        Subject::Account,
    );
}

#[tokio::test]
async fn a_chat_is_visible_to_its_members_and_public_teams_to_the_company() {
    let w = World::new().await;
    let open = w.team(&w.ada, "Open", true, &[&w.bob]).await;
    let closed = w.team(&w.ada, "Closed", false, &[&w.bob]).await;

    // Members see both; Carol (same company, not a member) sees the public one only.
    for id in [open.id, closed.id] {
        assert!(w.svc.visible_chat(&w.bob, id).await.is_ok());
    }
    assert!(w.svc.visible_chat(&w.carol, open.id).await.is_ok());
    assert_not_found(w.svc.visible_chat(&w.carol, closed.id).await, Subject::Chat);
    // Seeing is not belonging: reading a public team's posts takes joining it.
    assert_forbidden(w.svc.member_chat(&w.carol, open.id).await);
    // Another company sees neither, not even the public one: it is not found.
    for id in [open.id, closed.id] {
        assert_not_found(w.svc.visible_chat(&w.gil, id).await, Subject::Chat);
    }
    assert_not_found(
        w.svc.visible_chat(&w.bob, ChatId(987_654)).await,
        Subject::Chat,
    );

    // Listings hold the caller's own chats only.
    let mine = w.svc.list_chats(&w.carol, vec![], page()).await.unwrap();
    assert!(
        mine.items
            .iter()
            .all(|c| c.id != open.id && c.id != closed.id)
    );
    let joinable = w.svc.joinable_teams(&w.carol, 10).await.unwrap();
    assert_eq!(joinable.iter().map(|c| c.id).collect::<Vec<_>>(), [open.id]);
    assert!(w.svc.joinable_teams(&w.gil, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn conversations_are_typed_by_size_and_found_again() {
    let w = World::new().await;
    // Everyone has a Personal chat from the start.
    let (personal, created) = w.svc.conversation(&w.bob, &ids(&[&w.bob])).await.unwrap();
    assert!(!created);
    assert_eq!(personal.kind, ChatType::Personal);
    assert_eq!(personal.members, [w.bob.extension_id]);
    let (direct, created) = w.svc.conversation(&w.bob, &ids(&[&w.carol])).await.unwrap();
    assert!(created);
    assert_eq!(direct.kind, ChatType::Direct);
    // The same people again (named the other way round): the same chat.
    let (again, created) = w.svc.conversation(&w.carol, &ids(&[&w.bob])).await.unwrap();
    assert!(!created);
    assert_eq!(again.id, direct.id);
    let (group, _) = w
        .svc
        .conversation(&w.bob, &ids(&[&w.carol, &w.ada]))
        .await
        .unwrap();
    assert_eq!(group.kind, ChatType::Group);

    // Nobody from another company, and nobody unknown, can be in one.
    for member in [
        MemberInput::Id(w.gil.extension_id),
        MemberInput::Id(ExtensionId(987_654)),
    ] {
        let r = w.svc.conversation(&w.bob, &[member]).await;
        assert!(
            matches!(&r, Err(Error::InvalidParameter { name, .. }) if name == "members"),
            "{r:?}"
        );
    }
    let by_mail = w
        .svc
        .conversation(&w.bob, &[MemberInput::Email("gil@test.example".into())])
        .await;
    assert!(
        matches!(by_mail, Err(Error::InvalidParameter { .. })),
        "{by_mail:?}"
    );
    assert!(matches!(
        w.svc.conversation(&w.bob, &[]).await,
        Err(Error::MissingParameter(_))
    ));
}

#[tokio::test]
async fn favorites_and_read_marks_take_membership() {
    let w = World::new().await;
    let open = w.team(&w.ada, "Open", true, &[&w.bob]).await;
    w.svc.set_favorite(&w.bob, open.id, true).await.unwrap();
    let favs = w.svc.favorites(&w.bob, 10).await.unwrap();
    assert_eq!(favs.iter().map(|c| c.id).collect::<Vec<_>>(), [open.id]);
    assert_forbidden(w.svc.set_favorite(&w.carol, open.id, true).await);
    assert_not_found(
        w.svc.set_favorite(&w.gil, open.id, true).await,
        Subject::Chat,
    );

    // Posts by others are unread until read; a read mark never moves back.
    let first = w.say(&w.ada, open.id, "one").await.unwrap();
    w.say(&w.ada, open.id, "two").await.unwrap();
    let count = |u: &[Unread]| u.iter().find(|x| x.chat_id == open.id).map(|x| x.count);
    assert_eq!(count(&w.svc.unread(&w.bob).await.unwrap()), Some(2));
    w.svc
        .set_read(&w.bob, open.id, true, Some(first.id))
        .await
        .unwrap();
    assert_eq!(count(&w.svc.unread(&w.bob).await.unwrap()), Some(1));
    w.svc
        .set_read(&w.bob, open.id, true, Some(PostId(1)))
        .await
        .unwrap();
    assert_eq!(count(&w.svc.unread(&w.bob).await.unwrap()), Some(1));
    w.svc.set_read(&w.bob, open.id, true, None).await.unwrap();
    assert_eq!(count(&w.svc.unread(&w.bob).await.unwrap()), None);
    assert_forbidden(w.svc.set_read(&w.carol, open.id, true, None).await);
}
