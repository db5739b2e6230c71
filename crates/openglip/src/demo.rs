//! `openglip serve --demo`: a small company to try things with. Seeded once; the credentials are
//! kept in the data folder (`demo-credentials.json`) so later starts can print them again.

use std::path::Path;

use openglip_domain::service::{MemberInput, PostInput, TeamInput};
use openglip_domain::{Caller, PermissionSet};
use openglip_platform::accounts::{NewAccount, NewUser};
use openglip_platform::apps::NewAppSpec;
use openglip_server::AppState;
use serde_json::{Value, json};

const FILE: &str = "demo-credentials.json";
const PASSWORD: &str = "openglip-demo";

pub async fn seed(st: &AppState, data_dir: &Path) -> Result<Value, String> {
    let path = data_dir.join(FILE);
    if let Ok(text) = std::fs::read_to_string(&path) {
        return serde_json::from_str(&text).map_err(|e| e.to_string());
    }
    let err = |e: openglip_domain::Error| e.to_string();
    let platform = st.platform();
    let (account, alice) = platform
        .create_account(NewAccount {
            name: "Acme Inc".into(),
            admin_email: "alice@acme.example".into(),
            admin_password: PASSWORD.into(),
            admin_first_name: Some("Alice".into()),
            admin_last_name: Some("Anders".into()),
        })
        .await
        .map_err(err)?;
    let mut people = vec![alice.clone()];
    for (first, last) in [("Bob", "Baker"), ("Carol", "Chen"), ("Dan", "Diaz")] {
        let user = platform
            .create_user(NewUser {
                account_id: account.id,
                email: format!("{}@acme.example", first.to_lowercase()),
                first_name: first.into(),
                last_name: last.into(),
                password: Some(PASSWORD.into()),
                extension_number: None,
                is_admin: false,
            })
            .await
            .map_err(err)?;
        people.push(user);
    }
    let (app, secret) = platform
        .provision_app(NewAppSpec {
            account_id: account.id,
            name: "openglip demo app".into(),
            redirect_uris: vec![],
            grants: vec!["password".into(), "refresh_token".into()],
            // Enough to try every kind of client: REST, and notifications by WebSocket or WebHook.
            permissions: vec![
                "TeamMessaging".into(),
                "ReadAccounts".into(),
                "WebSocket".into(),
                "SubscriptionWebhook".into(),
            ],
            public_client: false,
        })
        .await
        .map_err(err)?;
    let caller = |e: &openglip_domain::Extension| Caller {
        account_id: e.account_id,
        extension_id: e.id,
        extension_type: e.kind,
        is_admin: e.is_admin,
        app_id: app.id,
        client_id: app.client_id.clone(),
        permissions: PermissionSet::from_bits(u32::MAX),
    };
    let svc = st.service();
    let team = svc
        .create_team(
            &caller(&alice),
            TeamInput {
                name: Some("Launch".into()),
                description: Some("Everything about the spring launch".into()),
                public: Some(true),
                members: people[1..].iter().map(|p| MemberInput::Id(p.id)).collect(),
            },
        )
        .await
        .map_err(err)?;
    let lines = [
        (
            0,
            format!(
                "Welcome to the launch team, ![:Person]({}) and ![:Person]({})!",
                people[1].id, people[2].id
            ),
        ),
        (
            1,
            "Thanks! The press kit draft is in the shared folder.".to_string(),
        ),
        (2, "I'll review it **today**.".to_string()),
        (3, "Reminder: dry run on Thursday at 10:00.".to_string()),
    ];
    for (who, text) in lines {
        svc.create_post(
            &caller(&people[who]),
            team.id,
            PostInput {
                text: Some(text),
                ..Default::default()
            },
        )
        .await
        .map_err(err)?;
    }
    let info = json!({
        "accountId": account.id.to_string(),
        "mainNumber": account.main_number,
        "clientId": app.client_id,
        "clientSecret": secret,
        "password": PASSWORD,
        "users": people.iter().map(|p| json!({"email": p.email, "extensionNumber": p.extension_number, "id": p.id.to_string()})).collect::<Vec<_>>(),
        "teamId": team.id.to_string(),
    });
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&info).unwrap_or_default(),
    )
    .map_err(|e| e.to_string())?;
    Ok(info)
}

/// What the demo printout says: who is who, where the pages are, how to log in with the app, and
/// how to start SmartFriend against this server.
pub fn how_to_log_in(info: &Value, base: &str, data_dir: &Path) -> String {
    let s = |k: &str| info[k].as_str().unwrap_or("").to_string();
    let users: Vec<String> = info["users"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|u| u["email"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default();
    let admin = users.first().cloned().unwrap_or_default();
    let data = data_dir.display();
    format!(
        "Demo company \"Acme Inc\" is ready (account {account}).\n\
         \x20 people:        {people} (password: {password})\n\
         \x20 administrator: {admin}\n\
         \x20 chat:          open {base}/ and sign in as one of them\n\
         \x20 console:       {base}/console (developer console: apps, sandbox, bots; any of them)\n\
         \x20 admin portal:  {base}/admin (people, apps, bots of the company; sign in as {admin})\n\
         \x20 app:           client id {id} / secret {secret} (REST, WebSocket and WebHook subscriptions)\n\
         \x20 log in, e.g.:  curl -s -u '{id}:{secret}' -d grant_type=password -d username={admin} -d password={password} {base}/restapi/oauth/token\n\
         \x20 SmartFriend:   BOT_TOKEN=$(openglip admin bot create --data-dir {data} --account-id {account} --name SmartFriend | sed 's/.*\"accessToken\":\"\\([^\"]*\\)\".*/\\1/') \\\n\
         \x20                OPENGLIP_SERVER={base} cargo run --release -p smartfriend   (then message SmartFriend in the chat)",
        account = s("accountId"),
        people = users.join(", "),
        password = s("password"),
        id = s("clientId"),
        secret = s("clientSecret"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 15: the printout says who the administrator is, where the console and the admin
    /// portal are and how to start SmartFriend; the demo app can subscribe to events.
    #[tokio::test]
    async fn the_demo_says_who_and_where_and_its_app_can_subscribe() {
        let app = openglip_testkit::spawn_app().await;
        let dir = tempfile::tempdir().unwrap();
        let info = seed(app.state(), dir.path()).await.unwrap();
        let text = how_to_log_in(&info, "http://127.0.0.1:8080", dir.path());
        for needed in [
            "administrator: alice@acme.example",
            "http://127.0.0.1:8080/console",
            "http://127.0.0.1:8080/admin",
            "admin bot create",
            "smartfriend",
            "OPENGLIP_SERVER=http://127.0.0.1:8080",
        ] {
            assert!(text.contains(needed), "{needed:?} in\n{text}");
        }
        let record = app
            .state()
            .platform()
            .app_record(info["clientId"].as_str().unwrap())
            .await
            .unwrap()
            .unwrap();
        let names: Vec<&str> = record
            .app
            .permissions
            .iter()
            .map(|p| p.api_name())
            .collect();
        for p in ["WebSocket", "SubscriptionWebhook", "TeamMessaging"] {
            assert!(names.contains(&p), "{p} in {names:?}");
        }
    }
}
