//! Everything the app asks the platform, through `openglip-sdk` only: who a bearer token belongs
//! to (`GET /restapi/v1.0/account/~/extension/~`, cached briefly), the company's name, people in
//! the directory (ReadAccounts), and conversations.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use openglip_sdk::wire::{ChatInfo, ExtensionInfo};
use openglip_sdk::{Client, RetryPolicy, Token};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::model::Person;

/// How long an answer about a token is trusted.
pub const IDENTITY_TTL: Duration = Duration::from_secs(60);
/// The most tokens remembered at once.
const CACHE_MAX: usize = 10_000;

/// Who a token belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub account_id: String,
    pub company_name: String,
    pub person: Person,
}

struct Cached {
    identity: Identity,
    client: Client,
    until: Instant,
}

/// The platform, as the app sees it.
pub struct Platform {
    url: String,
    cache: Mutex<HashMap<[u8; 32], Cached>>,
}

/// A person from their extension; their time zone is `regionalSettings.timezone.name` (an
/// IANA name), when they have set one.
pub fn person_of(ext: &ExtensionInfo) -> Person {
    Person {
        id: ext.id.to_string(),
        first_name: ext.contact.first_name.clone(),
        last_name: ext.contact.last_name.clone(),
        email: ext.contact.email.clone(),
        is_admin: ext.permissions.admin.enabled,
        time_zone: ext
            .regional_settings
            .as_ref()
            .and_then(|r| r.timezone.as_ref())
            .map(|t| t.name.clone())
            .filter(|n| crate::schedule::zone(n).is_ok()),
    }
}

impl Platform {
    pub fn new(url: &str) -> Platform {
        Platform {
            url: url.trim_end_matches('/').to_string(),
            cache: Mutex::new(HashMap::new()),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// A client acting with `token` (a person's, or the bot's). 429s are retried once, briefly:
    /// someone is waiting for the answer.
    pub fn client(&self, token: &str) -> Result<Client> {
        Client::builder(&self.url)
            .token(Token::bearer(token))
            .retry(RetryPolicy {
                max_retries: 1,
                default_wait: Duration::from_secs(2),
                max_wait: Duration::from_secs(5),
            })
            .user_agent(concat!("openglip-okr/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(Error::internal)
    }

    /// Who `token` belongs to, and a client acting for them. Asks the platform when the answer
    /// is not cached (or older than [`IDENTITY_TTL`]); the bool says it was asked now.
    pub async fn authenticate(&self, token: &str) -> Result<(Identity, Client, bool)> {
        let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        {
            let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(c) = cache.get(&key).filter(|c| c.until > Instant::now()) {
                return Ok((c.identity.clone(), c.client.clone(), false));
            }
        }
        let client = self.client(token)?;
        let me = client
            .me()
            .await
            .map_err(|e| Error::from_platform(e, None))?;
        if me.kind != "User" {
            return Err(Error::forbidden(
                "The OKR app is for people; bots use it through chat",
            ));
        }
        let account = client
            .account("~")
            .await
            .map_err(|e| Error::from_platform(e, None))?;
        let identity = Identity {
            account_id: me.account.id.clone(),
            company_name: account.company_name.clone(),
            person: person_of(&me),
        };
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= CACHE_MAX {
            let now = Instant::now();
            cache.retain(|_, c| c.until > now);
            if cache.len() >= CACHE_MAX {
                cache.clear();
            }
        }
        cache.insert(
            key,
            Cached {
                identity: identity.clone(),
                client: client.clone(),
                until: Instant::now() + IDENTITY_TTL,
            },
        );
        Ok((identity, client, true))
    }

    /// Forgets what is cached about a token.
    pub fn forget(&self, token: &str) {
        let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        self.cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&key);
    }
}

/// A person of the caller's company, from the directory; None when there is no such person.
pub async fn lookup_person(client: &Client, id: &str) -> Result<Option<Person>> {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    match client.extension("~", id).await {
        Ok(ext) if ext.kind == "User" => Ok(Some(person_of(&ext))),
        Ok(_) => Ok(None),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(Error::from_platform(e, None)),
    }
}

/// Looks up every id of `ids` (the parameter `param`, for errors); all must be people of the
/// company.
pub async fn lookup_people(client: &Client, param: &str, ids: &[String]) -> Result<Vec<Person>> {
    let mut out: Vec<Person> = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        if out.iter().any(|p| &p.id == id) {
            continue;
        }
        match lookup_person(client, id).await? {
            Some(p) => out.push(p),
            None => {
                return Err(Error::not_found(
                    format!("{param}[{i}]"),
                    format!("There is no person [{id}] in your company"),
                ));
            }
        }
    }
    Ok(out)
}

/// A conversation as `client` sees it; 404 when it cannot see it.
pub async fn chat(client: &Client, chat_id: &str) -> Result<ChatInfo> {
    if chat_id.is_empty() || !chat_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::not_found(
            "chatId",
            format!("There is no conversation [{chat_id}]"),
        ));
    }
    client.chat(chat_id).await.map_err(|e| {
        Error::from_platform(
            e,
            Some((
                "chatId",
                "There is no such conversation, or you are not in it",
            )),
        )
    })
}

/// Whether `person` is a member of `chat`.
pub fn is_member(chat: &ChatInfo, person: &str) -> bool {
    chat.members
        .as_ref()
        .is_some_and(|m| m.iter().any(|m| m.id == person))
}
