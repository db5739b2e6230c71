//! Column lists and row mappers. A value the database holds that the domain cannot represent
//! becomes an error (never a panic).

use openglip_domain::perm::GrantSet;
use openglip_domain::store_rules;
use openglip_domain::*;
use postgres::Row;
use serde_json::Value;

use crate::db::get;

fn bad(idx: usize, what: impl std::fmt::Display) -> Error {
    Error::Internal(format!("postgres: column {idx}: {what}"))
}

fn parse_enum<T>(row: &Row, idx: usize, parse: fn(&str) -> Option<T>) -> Result<T> {
    let s: String = get(row, idx)?;
    parse(&s).ok_or_else(|| bad(idx, format!("unknown value {s:?}")))
}

/// A bit set kept in a BIGINT.
pub(crate) fn bits(row: &Row, idx: usize) -> Result<u32> {
    let v: i64 = get(row, idx)?;
    u32::try_from(v).map_err(|_| bad(idx, format!("{v} is not a bit set")))
}

/// A bit set as its BIGINT.
pub(crate) fn bits_value(bits: u32) -> i64 {
    i64::from(bits)
}

/// A 32-byte hash column.
pub(crate) fn hash(row: &Row, idx: usize) -> Result<[u8; 32]> {
    let v: Vec<u8> = get(row, idx)?;
    <[u8; 32]>::try_from(v.as_slice()).map_err(|_| bad(idx, "not a 32-byte hash"))
}

/// Columns of an extension, table alias `e`.
pub(crate) const EXT_COLS: &str = "e.id, e.account_id, e.extension_number, e.type, e.status, e.first_name, \
     e.last_name, e.email, e.is_admin, e.avatar, e.created, e.modified, e.time_zone, \
     e.language, e.formatting_locale";
pub(crate) const EXT_N: usize = 15;

pub(crate) fn extension(row: &Row, at: usize) -> Result<Extension> {
    Ok(Extension {
        id: ExtensionId(get(row, at)?),
        account_id: AccountId(get(row, at + 1)?),
        extension_number: get(row, at + 2)?,
        kind: parse_enum(row, at + 3, ExtensionType::parse)?,
        status: parse_enum(row, at + 4, ExtensionStatus::parse)?,
        first_name: get(row, at + 5)?,
        last_name: get(row, at + 6)?,
        email: get(row, at + 7)?,
        is_admin: get(row, at + 8)?,
        avatar: get(row, at + 9)?,
        created: Timestamp(get(row, at + 10)?),
        modified: Timestamp(get(row, at + 11)?),
        time_zone: get(row, at + 12)?,
        language: get(row, at + 13)?,
        formatting_locale: get(row, at + 14)?,
    })
}

/// Columns of an account, table alias `a`.
pub(crate) const ACCOUNT_COLS: &str = "a.id, a.name, a.main_number, a.created, a.modified";

pub(crate) fn account(row: &Row) -> Result<Account> {
    Ok(Account {
        id: AccountId(get(row, 0)?),
        name: get(row, 1)?,
        main_number: get::<Option<String>>(row, 2)?.unwrap_or_default(),
        created: Timestamp(get(row, 3)?),
        modified: Timestamp(get(row, 4)?),
    })
}

/// Columns of a chat without its members, table alias `c`.
pub(crate) const CHAT_COLS: &str = "c.id, c.account_id, c.type, c.name, c.description, c.is_public, c.status, c.creator_id, c.created, c.modified";

pub(crate) fn chat(row: &Row) -> Result<Chat> {
    Ok(Chat {
        id: ChatId(get(row, 0)?),
        account_id: AccountId(get(row, 1)?),
        kind: parse_enum(row, 2, ChatType::parse)?,
        name: get(row, 3)?,
        description: get(row, 4)?,
        public: get(row, 5)?,
        status: parse_enum(row, 6, ChatStatus::parse)?,
        creator_id: get::<Option<i64>>(row, 7)?.map(ExtensionId),
        members: Vec::new(),
        created: Timestamp(get(row, 8)?),
        modified: Timestamp(get(row, 9)?),
    })
}

/// Columns of a post, table alias `p`.
pub(crate) const POST_COLS: &str = "p.id, p.chat_id, p.creator_id, p.type, p.text, p.parent_post_id, p.mentions, \
     p.added_person_ids, p.removed_person_ids, p.attachments, p.activity, p.title, p.icon_uri, p.icon_emoji, \
     p.created, p.modified";

/// A JSON list column, read with the store rules' decoder.
fn json_col<T>(
    row: &Row,
    idx: usize,
    parse: fn(Option<&str>) -> std::result::Result<T, String>,
) -> Result<T> {
    parse(get::<Option<String>>(row, idx)?.as_deref()).map_err(|e| bad(idx, e))
}

pub(crate) fn post(row: &Row) -> Result<Post> {
    Ok(Post {
        id: PostId(get(row, 0)?),
        chat_id: ChatId(get(row, 1)?),
        creator_id: ExtensionId(get(row, 2)?),
        kind: parse_enum(row, 3, PostType::parse)?,
        text: get(row, 4)?,
        parent_post_id: get::<Option<i64>>(row, 5)?.map(PostId),
        mentions: json_col(row, 6, store_rules::parse_mentions)?,
        added_person_ids: json_col(row, 7, store_rules::parse_ids)?,
        removed_person_ids: json_col(row, 8, store_rules::parse_ids)?,
        attachments: json_col(row, 9, store_rules::json_array)?,
        activity: get(row, 10)?,
        title: get(row, 11)?,
        icon_uri: get(row, 12)?,
        icon_emoji: get(row, 13)?,
        created: Timestamp(get(row, 14)?),
        modified: Timestamp(get(row, 15)?),
    })
}

/// Columns of an app, table alias `a`.
pub(crate) const APP_COLS: &str = "a.id, a.client_id, a.client_secret_hash, a.account_id, a.name, a.kind, \
     a.public_client, a.grants, a.permissions, a.redirect_uris, a.access_ttl_secs, a.refresh_ttl_secs, a.created";
pub(crate) const APP_N: usize = 13;

pub(crate) fn app(row: &Row, at: usize) -> Result<App> {
    let uris: String = get(row, at + 9)?;
    let redirect_uris = match serde_json::from_str::<Value>(&uris) {
        Ok(Value::Array(items)) => items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                _ => Err(bad(at + 9, "not a string")),
            })
            .collect::<Result<Vec<_>>>()?,
        _ => return Err(bad(at + 9, "not a JSON array of strings")),
    };
    Ok(App {
        id: AppId(get(row, at)?),
        client_id: get(row, at + 1)?,
        client_secret_hash: get(row, at + 2)?,
        account_id: AccountId(get(row, at + 3)?),
        name: get(row, at + 4)?,
        kind: parse_enum(row, at + 5, AppKind::parse)?,
        public_client: get(row, at + 6)?,
        grants: GrantSet::from_bits(bits(row, at + 7)?),
        permissions: PermissionSet::from_bits(bits(row, at + 8)?),
        redirect_uris,
        access_ttl_secs: get(row, at + 10)?,
        refresh_ttl_secs: get(row, at + 11)?,
        created: Timestamp(get(row, at + 12)?),
    })
}

/// Columns of a token, table alias `t`; the last one is its state.
pub(crate) const TOKEN_COLS: &str = "t.access_hash, t.refresh_hash, t.app_id, t.extension_id, t.account_id, t.scope, \
     t.access_expires, t.refresh_expires, t.family, t.endpoint_id, t.created, t.state";
pub(crate) const TOKEN_N: usize = 12;

/// A token record and its state (`live`, `spent`, `revoked`).
pub(crate) fn token(row: &Row, at: usize) -> Result<(TokenRecord, String)> {
    let refresh_hash = match get::<Option<Vec<u8>>>(row, at + 1)? {
        Some(_) => Some(hash(row, at + 1)?),
        None => None,
    };
    Ok((
        TokenRecord {
            access_hash: hash(row, at)?,
            refresh_hash,
            app_id: AppId(get(row, at + 2)?),
            extension_id: ExtensionId(get(row, at + 3)?),
            account_id: AccountId(get(row, at + 4)?),
            scope: PermissionSet::from_bits(bits(row, at + 5)?),
            access_expires: get::<Option<i64>>(row, at + 6)?.map(Timestamp),
            refresh_expires: get::<Option<i64>>(row, at + 7)?.map(Timestamp),
            family: get(row, at + 8)?,
            endpoint_id: get(row, at + 9)?,
            created: Timestamp(get(row, at + 10)?),
        },
        get(row, at + 11)?,
    ))
}
