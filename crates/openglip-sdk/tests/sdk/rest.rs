//! Every REST call of the SDK, its paging, its typed errors and its 429 handling.

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use openglip_sdk::wire::{CreatePostRequest, CreateTeamRequest, IdOrString, PatchTeamRequest};
use openglip_sdk::{ChatType, Client, DirectoryQuery, Error, Member, PageQuery, RetryPolicy};
use openglip_server::RateLimitConfig;

use crate::helpers::*;

#[tokio::test]
async fn account_extension_person_and_company() {
    let w = World::new().await;
    let account = w.alice.account("~").await.unwrap();
    assert_eq!(account.id.to_string(), w.acme.id.to_string());
    let me = w.alice.me().await.unwrap();
    assert_eq!(me.id.to_string(), w.alice_id);
    assert_eq!(me.contact.first_name, "Alice");
    let bob = w.alice.extension("~", &w.bob_id).await.unwrap();
    assert_eq!(bob.contact.first_name, "Bob");
    let p = w.alice.person(&w.bob_id).await.unwrap();
    assert_eq!(
        (p.first_name.as_str(), p.email.as_deref()),
        ("Bob", Some("bob@acme.test"))
    );
    assert_eq!(w.alice.person("~").await.unwrap().id, w.alice_id);
    let c = w.alice.company("~").await.unwrap();
    assert_eq!(c.name, "Acme");
}

#[tokio::test]
async fn the_directory_and_a_persons_time_zone() {
    let w = World::new().await;
    let page = w
        .bob
        .list_extensions(
            "~",
            &DirectoryQuery {
                per_page: Some(2),
                ..DirectoryQuery::people()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.records.len(), 2);
    assert_eq!(page.paging.total_elements, 3);
    assert!(page.navigation.next_page.is_some());
    // Every page, one at a time.
    let everyone = w
        .bob
        .directory(&DirectoryQuery {
            per_page: Some(1),
            ..DirectoryQuery::people()
        })
        .await
        .unwrap();
    let ids: Vec<String> = everyone.iter().map(|e| e.id.to_string()).collect();
    assert_eq!(ids, [w.alice_id.as_str(), &w.bob_id, &w.carol_id]);
    assert!(everyone[0].regional_settings.is_none());

    let me = w.bob.set_time_zone("~", "America/New_York").await.unwrap();
    let tz = me.regional_settings.unwrap().timezone.unwrap();
    assert_eq!(
        (tz.id.as_str(), tz.name.as_str()),
        ("America/New_York", "America/New_York")
    );
    let e = w.bob.set_time_zone("~", "Nowhere/Near").await.unwrap_err();
    assert_eq!(e.error_code(), Some("CMN-101"));
    let e = w
        .bob
        .set_time_zone(&w.carol_id, "Asia/Tokyo")
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(403));
}

#[tokio::test]
async fn conversations_chats_recent_and_favorites() {
    let w = World::new().await;
    let conv = w
        .alice
        .create_conversation(&[Member::Email("bob@acme.test".into())])
        .await
        .unwrap();
    assert_eq!(conv.kind, "Direct");
    let again = w
        .alice
        .create_conversation(&[Member::Id(w.bob_id.clone())])
        .await
        .unwrap();
    assert_eq!(
        again.id, conv.id,
        "conversations are idempotent on their members"
    );
    assert_eq!(w.bob.conversation(&conv.id).await.unwrap().id, conv.id);
    let page = w
        .alice
        .list_conversations(&PageQuery::count(10))
        .await
        .unwrap();
    assert!(page.records.iter().any(|c| c.id == conv.id));
    let all: Vec<_> = w.alice.conversations_stream().try_collect().await.unwrap();
    assert!(all.iter().any(|c| c.id == conv.id));

    let direct = w
        .alice
        .list_chats(&[ChatType::Direct], &PageQuery::default())
        .await
        .unwrap();
    assert_eq!(
        direct
            .records
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        [conv.id.as_str()]
    );
    let every: Vec<_> = w.alice.chats_stream(&[]).try_collect().await.unwrap();
    let kinds: Vec<&str> = every.iter().map(|c| c.kind.as_str()).collect();
    assert!(
        kinds.contains(&"Direct") && kinds.contains(&"Everyone") && kinds.contains(&"Personal"),
        "{kinds:?}"
    );
    assert_eq!(w.alice.chat(&conv.id).await.unwrap().kind, "Direct");

    w.alice.send_text(&conv.id, "hi").await.unwrap();
    let recent = w
        .alice
        .recent_chats(&[ChatType::Direct], Some(5))
        .await
        .unwrap();
    assert_eq!(recent[0].id, conv.id);

    assert!(w.alice.favorite_chats(None).await.unwrap().is_empty());
    w.alice.favorite_chat(&conv.id).await.unwrap();
    assert_eq!(
        w.alice.favorite_chats(Some(10)).await.unwrap()[0].id,
        conv.id
    );
    w.alice.unfavorite_chat(&conv.id).await.unwrap();
    assert!(w.alice.favorite_chats(None).await.unwrap().is_empty());
}

#[tokio::test]
async fn teams_and_everyone() {
    let w = World::new().await;
    let team = w
        .alice
        .create_team(&CreateTeamRequest {
            public: Some(true),
            name: Some("Rockets".into()),
            description: Some("We fly".into()),
            members: Some(vec![]),
        })
        .await
        .unwrap();
    assert_eq!((team.name.as_str(), team.public), ("Rockets", true));
    assert_eq!(w.alice.team(&team.id).await.unwrap().id, team.id);
    let page = w.alice.list_teams(&PageQuery::count(5)).await.unwrap();
    assert!(page.records.iter().any(|t| t.id == team.id));
    let renamed = w
        .alice
        .update_team(
            &team.id,
            &PatchTeamRequest {
                name: Some("Rocketeers".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(renamed.name, "Rocketeers");

    // Bob joins the public team, leaves it, is added and removed.
    w.bob.join_team(&team.id).await.unwrap();
    let mine: Vec<_> = w.bob.teams_stream().try_collect().await.unwrap();
    assert!(mine.iter().any(|t| t.id == team.id));
    w.bob.leave_team(&team.id).await.unwrap();
    assert!(
        w.bob.team(&team.id).await.is_ok(),
        "a public team stays visible"
    );
    w.alice
        .add_team_members(
            &team.id,
            &[
                Member::Id(w.bob_id.clone()),
                Member::Email("carol@acme.test".into()),
            ],
        )
        .await
        .unwrap();
    let chat = w.alice.chat(&team.id).await.unwrap();
    let ids: Vec<String> = chat.members.unwrap().into_iter().map(|m| m.id).collect();
    assert!(
        ids.contains(&w.bob_id) && ids.contains(&w.carol_id),
        "{ids:?}"
    );
    w.alice
        .remove_team_members(&team.id, &[&w.carol_id])
        .await
        .unwrap();
    let ids: Vec<String> = w
        .alice
        .chat(&team.id)
        .await
        .unwrap()
        .members
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert!(!ids.contains(&w.carol_id));

    w.alice.archive_team(&team.id).await.unwrap();
    assert_eq!(w.alice.team(&team.id).await.unwrap().status, "Archived");
    w.alice.unarchive_team(&team.id).await.unwrap();
    assert_eq!(w.alice.team(&team.id).await.unwrap().status, "Active");
    w.alice.delete_team(&team.id).await.unwrap();
    assert!(w.alice.team(&team.id).await.unwrap_err().is_not_found());

    let everyone = w.alice.everyone().await.unwrap();
    assert_eq!(everyone.kind, "Everyone");
    let changed = w
        .alice
        .update_everyone(&PatchTeamRequest {
            description: Some("All of Acme".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(changed.description.as_deref(), Some("All of Acme"));
}

#[tokio::test]
async fn posts_threads_and_paging() {
    let w = World::new().await;
    let chat = w
        .alice
        .create_conversation(&[Member::Id(w.bob_id.clone())])
        .await
        .unwrap()
        .id;
    let first = w
        .alice
        .create_post(
            &chat,
            &CreatePostRequest {
                text: Some("first".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (first.text.as_str(), first.creator_id.as_str()),
        ("first", w.alice_id.as_str())
    );
    let reply = w
        .bob
        .create_post(
            &chat,
            &CreatePostRequest {
                text: Some("a reply".into()),
                parent_post_id: Some(IdOrString::Str(first.id.clone())),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let thread = w
        .alice
        .list_thread_posts(&chat, &reply.thread_id, &PageQuery::default())
        .await
        .unwrap();
    assert!(thread.records.iter().any(|p| p.id == reply.id));
    assert_eq!(w.bob.post(&chat, &first.id).await.unwrap().text, "first");
    let edited = w
        .alice
        .update_post(&chat, &first.id, "first, edited")
        .await
        .unwrap();
    assert_eq!(edited.text, "first, edited");
    for i in 0..5 {
        w.alice.send_text(&chat, &format!("n{i}")).await.unwrap();
    }
    // 7 posts: pages of 3, by hand and as a stream.
    let p1 = w
        .alice
        .list_posts(&chat, &PageQuery::count(3))
        .await
        .unwrap();
    assert_eq!(
        p1.records
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>(),
        ["n4", "n3", "n2"]
    );
    assert!(p1.prev_page_token().is_none());
    let p2 = w
        .alice
        .list_posts(
            &chat,
            &PageQuery {
                record_count: Some(3),
                page_token: p1.next_page_token().map(String::from),
            },
        )
        .await
        .unwrap();
    assert_eq!(p2.records[0].text, "n1");
    let all: Vec<_> = w
        .alice
        .posts_stream_paged(&chat, 3)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 7);
    assert_eq!(all.last().unwrap().id, first.id);
    let all100: Vec<_> = w.bob.posts_stream(&chat).try_collect().await.unwrap();
    assert_eq!(all100, all);

    w.alice.delete_post(&chat, &first.id).await.unwrap();
    assert!(
        w.alice
            .post(&chat, &first.id)
            .await
            .unwrap_err()
            .is_not_found()
    );
    // The escape hatch for calls without a typed method: the legacy API.
    let legacy: serde_json::Value = w
        .alice
        .request_json(
            reqwest::Method::GET,
            &format!("/restapi/v1.0/glip/groups/{chat}"),
            &[],
            None::<&()>,
        )
        .await
        .unwrap();
    assert_eq!(legacy["type"], "PrivateChat");
}

#[tokio::test]
async fn ringcentral_errors_are_typed() {
    let w = World::new().await;
    let e = w.alice.chat("999999").await.unwrap_err();
    assert_eq!((e.status(), e.error_code()), (Some(404), Some("CMN-102")));
    let Error::Api { body, .. } = &w
        .alice
        .list_posts("1", &PageQuery::count(999))
        .await
        .unwrap_err()
    else {
        panic!("not an API error")
    };
    assert_eq!(body.error_code, "CMN-411");
    let e = w
        .alice
        .create_team(&CreateTeamRequest {
            public: None,
            name: None,
            description: None,
            members: None,
        })
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(400));
    assert_eq!(e.error_code(), Some("CMN-100"));
    let Error::Api { body, .. } = &e else {
        panic!()
    };
    assert_eq!(body.errors[0].parameter_name.as_deref(), Some("name"));

    let stranger = Client::with_bot_token(&w.app.base, "not-a-token").unwrap();
    let e = stranger.me().await.unwrap_err();
    assert!(e.is_unauthorized(), "{e}");
    assert!(e.error_code().unwrap().starts_with("OAU-"));

    let nobody = w.client();
    assert!(matches!(nobody.me().await, Err(Error::NotLoggedIn)));
    let e = nobody
        .login_password("alice@acme.test", "wrong password", None)
        .await
        .unwrap_err();
    assert_eq!(
        (e.status(), e.oauth_error(), e.error_code()),
        (Some(400), Some("invalid_grant"), Some("OAU-140"))
    );
}

#[tokio::test]
async fn rate_limits_are_waited_out() {
    let mut config = test_config();
    config.rate_limits =
        RateLimitConfig::parse("light=2,medium=100,heavy=100,auth=100,window=60,penalty=1")
            .unwrap();
    let w = World::with(config).await;
    let chat = w
        .alice
        .create_conversation(&[Member::Id(w.bob_id.clone())])
        .await
        .unwrap()
        .id;
    let started = Instant::now();
    for _ in 0..3 {
        w.alice.chat(&chat).await.unwrap(); // Light: the third answers 429, Retry-After: 1
    }
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "the SDK waited for Retry-After"
    );

    let impatient = Client::builder(&w.app.base)
        .app(&w.client_id, Some(w.secret.clone()))
        .retry(RetryPolicy {
            max_retries: 0,
            ..Default::default()
        })
        .build()
        .unwrap();
    impatient
        .login_password("bob@acme.test", PASSWORD, None)
        .await
        .unwrap();
    impatient.chat(&chat).await.unwrap();
    impatient.chat(&chat).await.unwrap();
    let e = impatient.chat(&chat).await.unwrap_err();
    assert!(e.is_rate_limited());
    assert_eq!(e.error_code(), Some("CMN-301"));
    let Error::Api { retry_after, .. } = e else {
        panic!()
    };
    assert_eq!(retry_after, Some(Duration::from_secs(1)));
}

#[tokio::test]
async fn adaptive_cards() {
    use openglip_sdk::wire::AdaptiveCardRequest;
    use serde_json::json;

    let w = World::new().await;
    let chat = w
        .alice
        .create_conversation(&[Member::Id(w.bob_id.clone())])
        .await
        .unwrap()
        .id;
    let card = AdaptiveCardRequest {
        body: Some(vec![json!({"type": "TextBlock", "text": "Deploy started"})]),
        fallback_text: Some("Deploy started".into()),
        ..Default::default()
    };
    let short = w.alice.create_adaptive_card(&chat, &card).await.unwrap();
    assert_eq!(
        (short.kind.as_str(), short.version.as_str()),
        ("AdaptiveCard", "1.3")
    );
    assert_eq!(short.creator.id, w.alice_id);
    assert_eq!(short.chat_ids, [chat.as_str()]);

    let read = w.bob.adaptive_card(&short.id).await.unwrap();
    assert_eq!(read.id, short.id);
    assert_eq!(read.card.body, card.body);
    assert_eq!(read.card.fallback_text.as_deref(), Some("Deploy started"));

    let mut done = card.clone();
    done.body = Some(vec![json!({"type": "TextBlock", "text": "Deploy done"})]);
    done.extra
        .insert("msteams".into(), json!({"width": "full"}));
    let updated = w
        .alice
        .update_adaptive_card(&short.id, &done)
        .await
        .unwrap();
    assert_eq!(updated.id, short.id);
    let read = w.alice.adaptive_card(&short.id).await.unwrap();
    assert_eq!(read.card.body, done.body);
    assert_eq!(read.card.extra["msteams"], json!({"width": "full"}));

    let e = w
        .bob
        .update_adaptive_card(&short.id, &card)
        .await
        .unwrap_err();
    assert_eq!((e.status(), e.error_code()), (Some(403), Some("CMN-408")));

    w.alice.delete_adaptive_card(&short.id).await.unwrap();
    let e = w.alice.adaptive_card(&short.id).await.unwrap_err();
    assert!(e.is_not_found(), "{e:?}");
}
