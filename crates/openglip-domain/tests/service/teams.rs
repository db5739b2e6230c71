//! Teams: who may join, add, remove, rename, archive and delete.

use openglip_domain::service::TeamRef;
use openglip_domain::*;

use crate::*;

#[tokio::test]
async fn public_teams_are_joined_private_ones_are_not_found() {
    let w = World::new().await;
    let open = w.team(&w.bob, "Open", true, &[]).await;
    let closed = w.team(&w.bob, "Closed", false, &[]).await;
    let joined = w.svc.join_team(&w.carol, open.id).await.unwrap();
    assert!(joined.is_member(w.carol.extension_id));
    // Joining twice changes nothing.
    assert_eq!(
        w.svc.join_team(&w.carol, open.id).await.unwrap().members,
        joined.members
    );
    assert_not_found(w.svc.join_team(&w.carol, closed.id).await, Subject::Chat);
    assert_not_found(w.svc.join_team(&w.gil, open.id).await, Subject::Chat);
    let left = w.svc.leave_team(&w.carol, open.id).await.unwrap();
    assert!(!left.is_member(w.carol.extension_id));

    // A conversation is not a team.
    let (direct, _) = w.svc.conversation(&w.bob, &ids(&[&w.carol])).await.unwrap();
    assert_not_found(w.svc.team(&w.bob, direct.id).await, Subject::Chat);
    assert_not_found(w.svc.join_team(&w.ada, direct.id).await, Subject::Chat);
}

#[tokio::test]
async fn members_add_anyone_but_only_the_creator_or_an_administrator_removes_others() {
    let w = World::new().await;
    let team = w.team(&w.bob, "Crew", false, &[&w.carol]).await;
    let add = |who: &[&Caller]| ids(who);

    // Any member adds people; someone outside cannot.
    let people = add(&[&w.ada]);
    let t = w
        .svc
        .change_team_members(
            &w.carol,
            TeamRef::Team(team.id),
            &[("members", &people)],
            &[],
        )
        .await
        .unwrap();
    assert!(t.is_member(w.ada.extension_id));
    let (direct, _) = w.svc.conversation(&w.ada, &ids(&[&w.bob])).await.unwrap();
    // Outside a public team one may see it but not add to it; a private one is not found.
    let public = w.team(&w.ada, "Public", true, &[]).await;
    assert_forbidden(
        w.svc
            .change_team_members(
                &w.carol,
                TeamRef::Team(public.id),
                &[("members", &people)],
                &[],
            )
            .await,
    );
    let private = w.team(&w.ada, "Private", false, &[]).await;
    assert_not_found(
        w.svc
            .change_team_members(
                &w.carol,
                TeamRef::Team(private.id),
                &[("members", &people)],
                &[],
            )
            .await,
        Subject::Chat,
    );

    // Carol (a plain member) may not remove Ada, but may remove herself.
    let ada = add(&[&w.ada]);
    assert_forbidden(
        w.svc
            .change_team_members(&w.carol, TeamRef::Team(team.id), &[], &[("members", &ada)])
            .await,
    );
    let carol = add(&[&w.carol]);
    let t = w
        .svc
        .change_team_members(
            &w.carol,
            TeamRef::Team(team.id),
            &[],
            &[("members", &carol)],
        )
        .await
        .unwrap();
    assert!(!t.is_member(w.carol.extension_id));
    // The creator removes others; so does an administrator.
    let t = w
        .svc
        .change_team_members(&w.bob, TeamRef::Team(team.id), &[], &[("members", &ada)])
        .await
        .unwrap();
    assert!(!t.is_member(w.ada.extension_id));
    let again = add(&[&w.carol, &w.ada]);
    w.svc
        .change_team_members(&w.bob, TeamRef::Team(team.id), &[("members", &again)], &[])
        .await
        .unwrap();
    let bob = add(&[&w.bob]);
    let t = w
        .svc
        .change_team_members(&w.ada, TeamRef::Team(team.id), &[], &[("members", &bob)])
        .await
        .unwrap();
    assert!(!t.is_member(w.bob.extension_id));

    // People of another company are refused, named by the parameter that named them.
    let gil = add(&[&w.gil]);
    let r = w
        .svc
        .change_team_members(
            &w.ada,
            TeamRef::Team(team.id),
            &[("addedPersonIds", &gil)],
            &[],
        )
        .await;
    assert!(
        matches!(&r, Err(Error::InvalidParameter { name, .. }) if name == "addedPersonIds"),
        "{r:?}"
    );

    // A conversation's members are fixed: not a team when named as one, unusable when named as
    // any chat.
    assert_not_found(
        w.svc
            .change_team_members(
                &w.ada,
                TeamRef::Team(direct.id),
                &[("members", &people)],
                &[],
            )
            .await,
        Subject::Chat,
    );
    let r = w
        .svc
        .change_team_members(
            &w.ada,
            TeamRef::Chat(direct.id),
            &[("members", &people)],
            &[],
        )
        .await;
    assert!(
        matches!(
            r,
            Err(Error::InvalidSubject {
                subject: Subject::Chat,
                ..
            })
        ),
        "{r:?}"
    );
}

#[tokio::test]
async fn the_creator_or_an_administrator_manages_a_team() {
    let w = World::new().await;
    let team = w.team(&w.bob, "Crew", false, &[&w.carol]).await;
    assert!(Service::can_manage(&w.bob, &team));
    assert!(!Service::can_manage(&w.carol, &team));

    // A plain member may not rename, archive or delete it.
    assert_forbidden(
        w.svc
            .patch_team(&w.carol, team.id, Some("Mine".into()), None, None)
            .await,
    );
    assert_forbidden(
        w.svc
            .set_team_status(&w.carol, team.id, ChatStatus::Archived)
            .await,
    );
    assert_forbidden(w.svc.delete_team(&w.carol, team.id).await);
    // The creator renames it; an administrator who is not a member of a private team does not
    // even see it.
    let renamed = w
        .svc
        .patch_team(&w.bob, team.id, Some("Renamed".into()), None, Some(true))
        .await
        .unwrap();
    assert_eq!(renamed.name.as_deref(), Some("Renamed"));
    let private = w.team(&w.bob, "Private", false, &[]).await;
    assert_not_found(w.svc.delete_team(&w.ada, private.id).await, Subject::Chat);
    // Once public, the administrator manages it without being a member.
    let t = w
        .svc
        .patch_team(&w.ada, team.id, None, Some("by the admin".into()), None)
        .await
        .unwrap();
    assert_eq!(t.description.as_deref(), Some("by the admin"));
    w.svc.delete_team(&w.ada, team.id).await.unwrap();
    assert_not_found(w.svc.team(&w.bob, team.id).await, Subject::Chat);

    // The Everyone team is changed by administrators only.
    assert_forbidden(
        w.svc
            .patch_everyone(&w.bob, Some("All of us".into()), None)
            .await,
    );
    let everyone = w
        .svc
        .patch_everyone(&w.ada, Some("All of us".into()), None)
        .await
        .unwrap();
    assert_eq!(everyone.kind, ChatType::Everyone);
    assert_eq!(everyone.name.as_deref(), Some("All of us"));
}

#[tokio::test]
async fn an_archived_team_takes_no_posts_joins_or_members_until_unarchived() {
    let w = World::new().await;
    let team = w.team(&w.bob, "Crew", true, &[&w.carol]).await;
    let archived = w
        .svc
        .set_team_status(&w.bob, team.id, ChatStatus::Archived)
        .await
        .unwrap();
    assert_eq!(archived.status, ChatStatus::Archived);
    assert_forbidden(w.say(&w.carol, team.id, "anyone?").await);
    assert_forbidden(w.svc.join_team(&w.ada, team.id).await);
    let ada = ids(&[&w.ada]);
    assert_forbidden(
        w.svc
            .change_team_members(&w.bob, TeamRef::Team(team.id), &[("members", &ada)], &[])
            .await,
    );
    // Archiving again is no change; unarchived, it works again.
    w.svc
        .set_team_status(&w.bob, team.id, ChatStatus::Archived)
        .await
        .unwrap();
    w.svc
        .set_team_status(&w.bob, team.id, ChatStatus::Active)
        .await
        .unwrap();
    w.say(&w.carol, team.id, "back").await.unwrap();
    w.svc.join_team(&w.ada, team.id).await.unwrap();
}
