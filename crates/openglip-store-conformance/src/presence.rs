//! Presence settings: defaults before anything is set, set and read back, replaced whole, an
//! unknown extension refused.

use openglip_domain::presence::{PresenceSettings, UserStatus};
use openglip_domain::*;

use crate::*;

pub async fn presence_settings_round_trip<B: Backend>() {
    let f = fixture::<B>().await;
    let bob = f.add_person("Bob", "Builder").await;
    let p = f.store.presence();
    assert_eq!(
        p.presence_settings(bob.id).await.unwrap(),
        PresenceSettings::default()
    );

    let set = p
        .set_presence_settings(
            bob.id,
            PresenceSettings {
                user_status: Some(UserStatus::Busy),
                dnd_status: Some("DoNotAcceptAnyCalls".into()),
                message: Some("In a meeting".into()),
                modified: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(set.user_status, Some(UserStatus::Busy));
    assert!(set.modified.is_some());
    assert_eq!(p.presence_settings(bob.id).await.unwrap(), set);
    // Others keep the defaults.
    assert_eq!(
        p.presence_settings(f.admin.id).await.unwrap(),
        PresenceSettings::default()
    );

    let again = p
        .set_presence_settings(
            bob.id,
            PresenceSettings {
                user_status: Some(UserStatus::Available),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (again.user_status, again.message),
        (Some(UserStatus::Available), None)
    );
    assert_eq!(count(&f.store, "SELECT count(*) FROM presence").await, 1);

    assert!(matches!(
        p.set_presence_settings(ExtensionId(999_999), PresenceSettings::default())
            .await,
        Err(Error::NotFound(Subject::Extension))
    ));
}
