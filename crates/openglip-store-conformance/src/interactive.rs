//! Interactive messages (`InteractiveStore`): apps' settings, which app a bot belongs to, and
//! card submissions as a queue claimed with a lease, retried and finished, kept across reopening.

use openglip_domain::interactive::*;
use openglip_domain::perm::{GrantSet, Permission};

use crate::*;

async fn bot_app<B: Backend>(f: &Fixture<B>) -> (App, Extension) {
    let app = f
        .store
        .create_app(NewApp {
            client_id: "bot-client".into(),
            client_secret_hash: None,
            account_id: f.account.id,
            name: "Helper".into(),
            kind: AppKind::Bot,
            public_client: false,
            grants: GrantSet::default(),
            permissions: [Permission::TeamMessaging].into_iter().collect(),
            redirect_uris: vec![],
            access_ttl_secs: 3600,
            refresh_ttl_secs: 0,
        })
        .await
        .unwrap();
    let mut bot = person("Helper", "", None);
    bot.kind = ExtensionType::Bot;
    bot.password_hash = None;
    let install = f
        .store
        .platform()
        .install_bot(app.id, f.account.id, f.admin.id, bot)
        .await
        .unwrap();
    (app, install.extension)
}

fn settings(app: AppId, enabled: bool, secret: &str) -> InteractiveSettings {
    InteractiveSettings {
        app_id: app,
        enabled,
        url: "https://bot.test/submit".into(),
        secret: secret.into(),
        modified: Timestamp(0),
    }
}

fn submitted(by: &Extension, chat: &Chat, post: &Post) -> Submitted {
    Submitted {
        uuid: "u-1".into(),
        client_id: "bot-client".into(),
        user_id: by.id,
        first_name: by.first_name.clone(),
        last_name: by.last_name.clone(),
        account_id: by.account_id,
        chat_id: chat.id,
        chat_type: chat.kind,
        chat_public: chat.public,
        chat_name: chat.name.clone(),
        post_id: post.id,
        post_created: post.created,
        post_modified: post.modified,
        data: serde_json::json!({"choice": "yes", "n": 2})
            .as_object()
            .unwrap()
            .clone(),
    }
}

pub async fn settings_are_kept_per_app_and_name_a_bots_app<B: Backend>() {
    let f = fixture::<B>().await;
    let (app, bot) = bot_app(&f).await;
    let i = f.store.interactive();
    assert_eq!(i.interactive_settings(app.id).await.unwrap(), None);
    let found = i.card_app(bot.id).await.unwrap().unwrap();
    assert_eq!(
        (found.app_id, found.client_id.as_str()),
        (app.id, "bot-client")
    );
    assert_eq!(found.settings, None);
    // People are nobody's bots.
    assert_eq!(i.card_app(f.admin.id).await.unwrap(), None);

    let saved = i
        .save_interactive_settings(settings(app.id, true, "s1"))
        .await
        .unwrap();
    assert!(saved.modified.0 > 0);
    assert_eq!(i.interactive_settings(app.id).await.unwrap(), Some(saved));
    let changed = i
        .save_interactive_settings(settings(app.id, false, "s2"))
        .await
        .unwrap();
    let read = i.interactive_settings(app.id).await.unwrap().unwrap();
    assert_eq!(read, changed);
    assert!(!read.enabled);
    assert_eq!(read.secret, "s2");
    assert_eq!(
        i.card_app(bot.id).await.unwrap().unwrap().settings,
        Some(changed)
    );
    assert!(matches!(
        i.save_interactive_settings(settings(AppId(987_654), true, "x"))
            .await,
        Err(Error::NotFound(Subject::App))
    ));
    assert_eq!(
        f.store.count("SELECT count(*) FROM app_interactive").await,
        1
    );
}

pub async fn submissions_are_claimed_once_retried_and_finished<B: Backend>() {
    let f = fixture::<B>().await;
    let (app, bot) = bot_app(&f).await;
    let pat = f.add_person("Pat", "Lee").await;
    let team = f.team(f.admin.id, "T", &[pat.id, bot.id]).await;
    let post = f
        .store
        .create_post(text_post(team.id, bot.id, "card"))
        .await
        .unwrap();
    let i = f.store.interactive();
    i.save_interactive_settings(settings(app.id, true, "s1"))
        .await
        .unwrap();
    let s = i
        .record_submission(NewSubmission {
            app_id: app.id,
            submitted: submitted(&pat, &team, &post),
        })
        .await
        .unwrap();
    assert_eq!((s.status, s.attempts), (SubmissionStatus::Pending, 0));
    assert_eq!(i.submission(s.id).await.unwrap().as_ref(), Some(&s));
    let now = Timestamp(s.created.0 + 1);
    let lease = Timestamp(now.0 + 60_000);

    // One claim at a time: the lease holds it.
    let c = i.claim_submission(now, lease).await.unwrap().unwrap();
    assert_eq!(c.submission.id, s.id);
    assert_eq!(c.submission.attempts, 1);
    assert_eq!(c.submission.submitted, s.submitted);
    assert_eq!(c.settings.as_ref().map(|x| x.secret.as_str()), Some("s1"));
    assert!(i.claim_submission(now, lease).await.unwrap().is_none());
    // The lease ran out (a worker died): another takes it over.
    let again = i
        .claim_submission(lease, Timestamp(lease.0 + 60_000))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.submission.id, again.submission.attempts), (s.id, 2));

    // A failed attempt: due again later, with its reason.
    let next = Timestamp(lease.0 + 5_000);
    i.retry_submission(s.id, next, "HTTP 503".into())
        .await
        .unwrap();
    assert!(
        i.claim_submission(Timestamp(next.0 - 1), Timestamp(next.0 + 60_000))
            .await
            .unwrap()
            .is_none()
    );
    let third = i
        .claim_submission(next, Timestamp(next.0 + 60_000))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(third.submission.last_error.as_deref(), Some("HTTP 503"));
    i.finish_submission(s.id, SubmissionStatus::Delivered, None)
        .await
        .unwrap();
    let far = Timestamp(next.0 + 10_000_000);
    assert!(
        i.claim_submission(far, Timestamp(far.0 + 1))
            .await
            .unwrap()
            .is_none()
    );
    // Finished is final: a late failure report changes nothing.
    i.finish_submission(s.id, SubmissionStatus::Failed, Some("late".into()))
        .await
        .unwrap();

    // Kept across reopening.
    let reopened = B::open(&f.place).await;
    let done = reopened
        .interactive()
        .submission(s.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.status, SubmissionStatus::Delivered);
    assert_eq!(done.attempts, 3);
    assert!(done.finished.is_some());
    assert_eq!(done.submitted, s.submitted);

    // A submission for an app that is not there is refused and leaves nothing.
    let refused = i
        .record_submission(NewSubmission {
            app_id: AppId(987_654),
            submitted: submitted(&pat, &team, &post),
        })
        .await;
    assert!(matches!(refused, Err(Error::NotFound(Subject::App))));
    assert_eq!(
        f.store.count("SELECT count(*) FROM card_submissions").await,
        1
    );
}
