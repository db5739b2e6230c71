//! People's notification levels of chats (`NotifyStore`): set, changed, forgotten, per person,
//! and gone with their chat.

use openglip_domain::notify::NotificationLevel;

use crate::*;

pub async fn levels_are_kept_per_person_and_chat<B: Backend>() {
    let f = fixture::<B>().await;
    let pat = f.add_person("Pat", "Lee").await;
    let team = f.team(f.admin.id, "T", &[pat.id]).await;
    let other = f.team(f.admin.id, "U", &[pat.id]).await;
    let n = f.store.notify();
    assert!(n.notification_levels(pat.id).await.unwrap().is_empty());
    n.set_notification_level(pat.id, team.id, Some(NotificationLevel::Muted))
        .await
        .unwrap();
    n.set_notification_level(pat.id, other.id, Some(NotificationLevel::All))
        .await
        .unwrap();
    n.set_notification_level(f.admin.id, team.id, Some(NotificationLevel::All))
        .await
        .unwrap();
    let mut levels = n.notification_levels(pat.id).await.unwrap();
    levels.sort_by_key(|(c, _)| c.0);
    assert_eq!(
        levels,
        vec![
            (team.id, NotificationLevel::Muted),
            (other.id, NotificationLevel::All)
        ]
    );
    // Changed, then forgotten (the default again).
    n.set_notification_level(pat.id, team.id, Some(NotificationLevel::Mentions))
        .await
        .unwrap();
    assert!(
        n.notification_levels(pat.id)
            .await
            .unwrap()
            .contains(&(team.id, NotificationLevel::Mentions))
    );
    n.set_notification_level(pat.id, team.id, None)
        .await
        .unwrap();
    assert_eq!(
        n.notification_levels(pat.id).await.unwrap(),
        vec![(other.id, NotificationLevel::All)]
    );
    // The admin's own level is theirs; deleting the chat forgets every level of it.
    assert_eq!(
        n.notification_levels(f.admin.id).await.unwrap(),
        vec![(team.id, NotificationLevel::All)]
    );
    f.store.delete_chat(other.id).await.unwrap();
    assert!(n.notification_levels(pat.id).await.unwrap().is_empty());
}
