//! Subscriptions: REST management, WebHook receiver, WebSocket (WSG) with heartbeats and
//! session recovery.

use std::time::Duration;

use openglip_sdk::events::{Event, EventStream, Incoming, Notification, default_filters};
use openglip_sdk::webhook::WebhookReceiver;
use openglip_sdk::wire::{DeliveryModeRequest, SubscriptionRequest};
use openglip_sdk::{Client, Member, WsOptions};

use crate::helpers::*;

async fn next(stream: &mut EventStream) -> Incoming {
    tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .expect("an item within 10 s")
        .expect("the stream is open")
}

async fn next_notification(stream: &mut EventStream) -> Notification {
    tokio::time::timeout(Duration::from_secs(10), stream.next_notification())
        .await
        .expect("a notification within 10 s")
        .expect("the stream is open")
}

/// The next post notification (skipping chat events), as (text, creator).
async fn next_post(stream: &mut EventStream) -> (String, String) {
    loop {
        if let Event::PostAdded(p) = next_notification(stream).await.body {
            return (p.text, p.creator_id);
        }
    }
}

#[tokio::test]
async fn webhook_subscriptions_from_handshake_to_deletion() {
    let w = World::new().await;
    let token = openglip_sdk::auth::random_token(16);
    let (router, mut events) = WebhookReceiver::new(Some(token.clone())).router("/hook");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });

    // Creation runs the Validation-Token handshake against the receiver.
    let sub = w
        .alice
        .create_webhook(&default_filters(), &address, Some(&token), Some(3600))
        .await
        .unwrap();
    assert_eq!(sub.status, "Active");
    assert_eq!(sub.delivery_mode.address.as_deref(), Some(address.as_str()));
    assert_eq!(w.alice.list_subscriptions().await.unwrap()[0].id, sub.id);
    assert_eq!(
        w.alice.subscription(&sub.id).await.unwrap().expires_in,
        sub.expires_in
    );

    let chat = w
        .bob
        .create_conversation(&[Member::Id(w.alice_id.clone())])
        .await
        .unwrap()
        .id;
    let n = next_notification(&mut events).await;
    assert_eq!(n.subscription_id, sub.id);
    assert_eq!(n.owner_id, w.alice_id);
    let Event::GroupJoined(c) = n.body else {
        panic!("{:?}", n.body)
    };
    assert_eq!(c.id, chat);
    w.bob.send_text(&chat, "over the hook").await.unwrap();
    assert_eq!(
        next_post(&mut events).await,
        ("over the hook".into(), w.bob_id.clone())
    );

    // Deliveries without the token are refused by the receiver.
    let r = reqwest::Client::new()
        .post(&address)
        .json(&n.raw)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    let updated = w
        .alice
        .update_subscription(
            &sub.id,
            &SubscriptionRequest {
                event_filters: Some(vec!["/team-messaging/v1/posts".into()]),
                delivery_mode: Some(DeliveryModeRequest {
                    transport_type: Some("WebHook".into()),
                    address: Some(address.clone()),
                    verification_token: Some(token.clone()),
                    encryption: None,
                }),
                expires_in: Some(7200.into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.event_filters, ["/team-messaging/v1/posts"]);
    assert!(
        (7190..=7200).contains(&updated.expires_in),
        "{}",
        updated.expires_in
    );
    let renewed = w.alice.renew_subscription(&sub.id).await.unwrap();
    assert_eq!(renewed.id, sub.id);
    w.alice.delete_subscription(&sub.id).await.unwrap();
    assert!(
        w.alice
            .subscription(&sub.id)
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(w.alice.list_subscriptions().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_webhook_that_fails_the_handshake_is_refused() {
    let w = World::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}/nothing-here", listener.local_addr().unwrap());
    let router = axum::Router::new();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let e = w
        .alice
        .create_webhook(&default_filters(), &address, None, None)
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(400), "{e}");
    assert!(e.error_code().unwrap().starts_with("SUB-"), "{e}");
}

#[tokio::test]
async fn websocket_subscriptions_deliver_and_heartbeat() {
    let w = World::new().await;
    let token = w.alice.ws_token().await.unwrap();
    assert!(token.uri.starts_with("ws://"), "{}", token.uri);
    assert!(token.expires_in > 0);

    let mut opts = WsOptions::new(default_filters());
    opts.heartbeat_after = Duration::from_millis(300);
    // Without the server's echo the client would reconnect after this.
    opts.heartbeat_timeout = Duration::from_millis(700);
    let (sub, mut events) = w.alice.subscribe_ws(opts).await.unwrap();
    let info = sub.info().unwrap();
    assert_eq!(info.delivery_mode.transport_type, "WebSocket");
    assert!(sub.is_connected());
    let details = sub.connection_details().unwrap();
    assert!(details["recoveryTimeout"].as_u64().is_some(), "{details}");
    assert!(sub.wsc().is_some());

    let chat = w
        .bob
        .create_conversation(&[Member::Email("alice@acme.test".into())])
        .await
        .unwrap()
        .id;
    let Event::GroupJoined(c) = next_notification(&mut events).await.body else {
        panic!()
    };
    assert_eq!(c.id, chat);
    // Quiet for several heartbeat periods: the connection stays up.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        sub.connections(),
        1,
        "heartbeats were answered: {:?}",
        sub.last_error()
    );
    w.bob.send_text(&chat, "over the socket").await.unwrap();
    assert_eq!(
        next_post(&mut events).await,
        ("over the socket".into(), w.bob_id.clone())
    );

    // One subscription per connection, visible through REST.
    let listed = w.alice.list_subscriptions().await.unwrap();
    assert!(listed.iter().any(|s| s.id == info.id));
    sub.close().await;
    assert!(
        w.alice
            .subscription(&info.id)
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn websocket_sessions_recover_after_a_network_outage() {
    let w = World::new().await;
    let proxy = Proxy::start(&w.app.base).await;
    let alice = Client::builder(proxy.url())
        .app(&w.client_id, Some(w.secret.clone()))
        .build()
        .unwrap();
    alice
        .login_password("alice@acme.test", PASSWORD, None)
        .await
        .unwrap();
    let (sub, mut events) = alice
        .subscribe_ws(WsOptions::new(default_filters()))
        .await
        .unwrap();
    let id = sub.info().unwrap().id;
    let chat = w
        .bob
        .create_conversation(&[Member::Id(w.alice_id.clone())])
        .await
        .unwrap()
        .id;
    next_notification(&mut events).await; // GroupJoined

    proxy.cut();
    w.bob.send_text(&chat, "while you were away").await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    proxy.resume().await;

    // The client reconnects with `wsc`, the server recovers the session and replays.
    let mut got = Vec::new();
    while got.len() < 2 {
        match next(&mut events).await {
            Incoming::Recovered => got.push("recovered".to_string()),
            Incoming::Gap => got.push("gap".to_string()),
            Incoming::Notification(n) => {
                if let Event::PostAdded(p) = n.body {
                    got.push(p.text);
                }
            }
        }
    }
    assert_eq!(got, ["recovered", "while you were away"]);
    assert_eq!(sub.connections(), 2);
    assert_eq!(sub.info().unwrap().id, id, "the same subscription");
    w.bob.send_text(&chat, "and after").await.unwrap();
    assert_eq!(next_post(&mut events).await.0, "and after");
}

/// Issue 15: the receiver decrypts the deliveries of an encrypted subscription with its key, and
/// refuses an encrypted body it has no key for.
#[tokio::test]
async fn the_webhook_receiver_decrypts_encrypted_deliveries() {
    use openglip_sdk::webhook::DecryptionKeys;
    let w = World::new().await;
    let token = openglip_sdk::auth::random_token(16);
    let keys = DecryptionKeys::new();
    let (router, mut events) = WebhookReceiver::new(Some(token.clone()))
        .decrypting(keys.clone())
        .router("/hook");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });

    let sub = w
        .alice
        .create_subscription(&SubscriptionRequest {
            event_filters: Some(vec!["/team-messaging/v1/posts".into()]),
            delivery_mode: Some(DeliveryModeRequest {
                transport_type: Some("WebHook".into()),
                address: Some(address.clone()),
                verification_token: Some(token.clone()),
                encryption: Some(serde_json::json!(true)),
            }),
            expires_in: Some(3600.into()),
        })
        .await
        .unwrap();
    let key = sub.delivery_mode.encryption_key.clone().expect("a key");
    keys.add(&key).unwrap();
    assert!(keys.add("not a key").is_err());

    let chat = w
        .bob
        .create_conversation(&[Member::Id(w.alice_id.clone())])
        .await
        .unwrap()
        .id;
    w.bob.send_text(&chat, "secret words").await.unwrap();
    assert_eq!(
        next_post(&mut events).await,
        ("secret words".into(), w.bob_id.clone())
    );

    // An encrypted body under another key is refused (the server retries it).
    let r = reqwest::Client::new()
        .post(&address)
        .header("Verification-Token", &token)
        .body("OPu5otG1drB6dWFGfVTzTA==")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}
