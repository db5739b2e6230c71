//! Tests of the SQLite store through the `Store` port. Each test gets a fresh database.

mod accounts;
mod chats;
mod concurrency;
mod events;
mod platform;
mod posts;
mod subscriptions;
mod tokens;

use openglip_domain::store::*;
use openglip_domain::*;
use openglip_store_sqlite::SqliteStore;
use tempfile::TempDir;

pub struct Fixture {
    pub dir: TempDir,
    pub store: SqliteStore,
    pub account: Account,
    pub admin: Extension,
}

pub fn person(first: &str, last: &str, email: Option<&str>) -> NewExtension {
    NewExtension {
        kind: ExtensionType::User,
        status: ExtensionStatus::Enabled,
        first_name: first.into(),
        last_name: last.into(),
        email: email.map(str::to_string),
        extension_number: None,
        password_hash: Some(format!("hash-of-{first}")),
        is_admin: false,
    }
}

pub fn open() -> (TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("data")).unwrap();
    (dir, store)
}

/// A store with one account "Acme" whose admin is Ada Admin (ada@acme.test, 101).
pub async fn fixture() -> Fixture {
    let (dir, store) = open();
    let mut admin = person("Ada", "Admin", Some("ada@acme.test"));
    admin.is_admin = true;
    let (account, admin) = store.create_account("Acme".into(), admin).await.unwrap();
    Fixture {
        dir,
        store,
        account,
        admin,
    }
}

impl Fixture {
    pub async fn add_person(&self, first: &str, last: &str) -> Extension {
        let email = format!("{}@acme.test", first.to_lowercase());
        self.store
            .create_extension(self.account.id, person(first, last, Some(&email)))
            .await
            .unwrap()
    }

    pub async fn team(&self, creator: ExtensionId, name: &str, members: &[ExtensionId]) -> Chat {
        let mut all = vec![creator];
        all.extend(members.iter().copied().filter(|m| *m != creator));
        self.store
            .create_chat(NewChat {
                account_id: self.account.id,
                kind: ChatType::Team,
                name: Some(name.into()),
                description: None,
                public: true,
                creator_id: creator,
                members: all,
            })
            .await
            .unwrap()
    }
}

pub fn text_post(chat: ChatId, creator: ExtensionId, text: &str) -> NewPost {
    NewPost {
        chat_id: chat,
        creator_id: creator,
        kind: PostType::TextMessage,
        text: text.into(),
        parent_post_id: None,
        mentions: mentions::parse(text),
        added_person_ids: Vec::new(),
        removed_person_ids: Vec::new(),
        attachments: Vec::new(),
        activity: None,
        title: None,
        icon_uri: None,
        icon_emoji: None,
    }
}

pub fn first_page(limit: usize) -> PageRequest {
    PageRequest {
        cursor: None,
        direction: Direction::Older,
        limit,
    }
}

pub fn older(cursor: i64, limit: usize) -> PageRequest {
    PageRequest {
        cursor: Some(cursor),
        direction: Direction::Older,
        limit,
    }
}

pub fn newer(cursor: i64, limit: usize) -> PageRequest {
    PageRequest {
        cursor: Some(cursor),
        direction: Direction::Newer,
        limit,
    }
}

/// Counts rows with a direct connection to the database file.
pub fn count(store: &SqliteStore, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}
