//! The rules of `Service`, without HTTP: who may see and change what. Each test gets a fresh
//! SQLite store (the real one, in a temporary folder) with two companies.

mod chats;
mod posts;
mod teams;

use std::sync::Arc;

use openglip_domain::service::{MemberInput, Service, TeamInput};
use openglip_domain::store::*;
use openglip_domain::*;
use openglip_store_sqlite::SqliteStore;
use tempfile::TempDir;

/// Two companies: Acme (Ada the administrator, Bob, Carol) and Globex (Gil).
pub struct World {
    _dir: TempDir,
    pub svc: Service,
    pub ada: Caller,
    pub bob: Caller,
    pub carol: Caller,
    pub gil: Caller,
}

fn person(first: &str, admin: bool) -> NewExtension {
    NewExtension {
        kind: ExtensionType::User,
        status: ExtensionStatus::Enabled,
        first_name: first.into(),
        last_name: "Tester".into(),
        email: Some(format!("{}@test.example", first.to_lowercase())),
        extension_number: None,
        password_hash: None,
        is_admin: admin,
    }
}

/// The caller an access token of `e` would give.
fn caller(e: &Extension) -> Caller {
    Caller {
        account_id: e.account_id,
        extension_id: e.id,
        extension_type: e.kind,
        is_admin: e.is_admin,
        app_id: AppId(1),
        client_id: "service-tests".into(),
        permissions: PermissionSet::empty(),
    }
}

impl World {
    pub async fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("data")).unwrap();
        let (acme, ada) = store
            .create_account("Acme".into(), person("Ada", true))
            .await
            .unwrap();
        let bob = store
            .create_extension(acme.id, person("Bob", false))
            .await
            .unwrap();
        let carol = store
            .create_extension(acme.id, person("Carol", false))
            .await
            .unwrap();
        let (_, gil) = store
            .create_account("Globex".into(), person("Gil", true))
            .await
            .unwrap();
        World {
            _dir: dir,
            svc: Service::new(Arc::new(store)),
            ada: caller(&ada),
            bob: caller(&bob),
            carol: caller(&carol),
            gil: caller(&gil),
        }
    }

    /// A team made by `by` with `members`.
    pub async fn team(&self, by: &Caller, name: &str, public: bool, members: &[&Caller]) -> Chat {
        self.svc
            .create_team(
                by,
                TeamInput {
                    name: Some(name.into()),
                    description: None,
                    public: Some(public),
                    members: ids(members),
                },
            )
            .await
            .unwrap()
    }

    /// A text post by `by` in `chat`.
    pub async fn say(&self, by: &Caller, chat: ChatId, text: &str) -> Result<Post> {
        self.svc
            .create_post(
                by,
                chat,
                service::PostInput {
                    text: Some(text.into()),
                    ..Default::default()
                },
            )
            .await
    }
}

/// Members named by id.
pub fn ids(people: &[&Caller]) -> Vec<MemberInput> {
    people
        .iter()
        .map(|c| MemberInput::Id(c.extension_id))
        .collect()
}

/// The first page of a listing.
pub fn page() -> PageRequest {
    PageRequest {
        cursor: None,
        direction: Direction::Older,
        limit: 50,
    }
}

/// Asserts `r` failed as "not found" about `subject`.
#[track_caller]
pub fn assert_not_found<T: std::fmt::Debug>(r: Result<T>, subject: Subject) {
    match r {
        Err(Error::NotFound(s)) => assert_eq!(s, subject),
        other => panic!("expected NotFound({subject:?}), got {other:?}"),
    }
}

/// Asserts `r` failed as forbidden.
#[track_caller]
pub fn assert_forbidden<T: std::fmt::Debug>(r: Result<T>) {
    assert!(matches!(r, Err(Error::Forbidden(_))), "{r:?}");
}
