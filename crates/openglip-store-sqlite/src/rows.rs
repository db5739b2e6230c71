//! Column lists and row mappers. A value the database holds that the domain cannot represent
//! becomes an error (never a panic).

use openglip_domain::perm::GrantSet;
use openglip_domain::store_rules;
use openglip_domain::*;
use rusqlite::Row;
use rusqlite::types::Type;
use serde_json::Value;

fn bad(idx: usize, what: impl Into<String>) -> rusqlite::Error {
    let msg: String = what.into();
    rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, msg.into())
}

fn parse_enum<T>(row: &Row<'_>, idx: usize, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let s: String = row.get(idx)?;
    parse(&s).ok_or_else(|| bad(idx, format!("unknown value {s:?}")))
}

fn bits(row: &Row<'_>, idx: usize) -> rusqlite::Result<u32> {
    let v: i64 = row.get(idx)?;
    u32::try_from(v).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(idx, v))
}

/// Permission bits stored as an integer; a value out of range reads as no permissions.
pub(crate) fn stored_bits(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

/// Columns of an extension, table alias `e`.
pub(crate) const EXT_COLS: &str = "e.id, e.account_id, e.extension_number, e.type, e.status, e.first_name, \
     e.last_name, e.email, e.is_admin, e.avatar, e.created, e.modified, e.time_zone, \
     e.language, e.formatting_locale";
pub(crate) const EXT_N: usize = 15;

pub(crate) fn extension(row: &Row<'_>, at: usize) -> rusqlite::Result<Extension> {
    Ok(Extension {
        id: ExtensionId(row.get(at)?),
        account_id: AccountId(row.get(at + 1)?),
        extension_number: row.get(at + 2)?,
        kind: parse_enum(row, at + 3, ExtensionType::parse)?,
        status: parse_enum(row, at + 4, ExtensionStatus::parse)?,
        first_name: row.get(at + 5)?,
        last_name: row.get(at + 6)?,
        email: row.get(at + 7)?,
        is_admin: row.get(at + 8)?,
        avatar: row.get(at + 9)?,
        created: Timestamp(row.get(at + 10)?),
        modified: Timestamp(row.get(at + 11)?),
        time_zone: row.get(at + 12)?,
        language: row.get(at + 13)?,
        formatting_locale: row.get(at + 14)?,
    })
}

/// Columns of an account, table alias `a`.
pub(crate) const ACCOUNT_COLS: &str = "a.id, a.name, a.main_number, a.created, a.modified";

pub(crate) fn account(row: &Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: AccountId(row.get(0)?),
        name: row.get(1)?,
        main_number: row.get::<_, Option<String>>(2)?.unwrap_or_default(),
        created: Timestamp(row.get(3)?),
        modified: Timestamp(row.get(4)?),
    })
}

/// Columns of a chat without its members, table alias `c`.
pub(crate) const CHAT_COLS: &str = "c.id, c.account_id, c.type, c.name, c.description, c.is_public, c.status, c.creator_id, c.created, c.modified";

pub(crate) fn chat(row: &Row<'_>) -> rusqlite::Result<Chat> {
    Ok(Chat {
        id: ChatId(row.get(0)?),
        account_id: AccountId(row.get(1)?),
        kind: parse_enum(row, 2, ChatType::parse)?,
        name: row.get(3)?,
        description: row.get(4)?,
        public: row.get(5)?,
        status: parse_enum(row, 6, ChatStatus::parse)?,
        creator_id: row.get::<_, Option<i64>>(7)?.map(ExtensionId),
        members: Vec::new(),
        created: Timestamp(row.get(8)?),
        modified: Timestamp(row.get(9)?),
    })
}

/// Columns of a post, table alias `p`.
pub(crate) const POST_COLS: &str = "p.id, p.chat_id, p.creator_id, p.type, p.text, p.parent_post_id, p.mentions, \
     p.added_person_ids, p.removed_person_ids, p.attachments, p.activity, p.title, p.icon_uri, p.icon_emoji, \
     p.created, p.modified";

/// A JSON list column, read with the store rules' decoder.
fn json_col<T>(
    row: &Row<'_>,
    idx: usize,
    parse: fn(Option<&str>) -> Result<T, String>,
) -> rusqlite::Result<T> {
    parse(row.get::<_, Option<String>>(idx)?.as_deref()).map_err(|e| bad(idx, e))
}

pub(crate) fn post(row: &Row<'_>) -> rusqlite::Result<Post> {
    Ok(Post {
        id: PostId(row.get(0)?),
        chat_id: ChatId(row.get(1)?),
        creator_id: ExtensionId(row.get(2)?),
        kind: parse_enum(row, 3, PostType::parse)?,
        text: row.get(4)?,
        parent_post_id: row.get::<_, Option<i64>>(5)?.map(PostId),
        mentions: json_col(row, 6, store_rules::parse_mentions)?,
        added_person_ids: json_col(row, 7, store_rules::parse_ids)?,
        removed_person_ids: json_col(row, 8, store_rules::parse_ids)?,
        attachments: json_col(row, 9, store_rules::json_array)?,
        activity: row.get(10)?,
        title: row.get(11)?,
        icon_uri: row.get(12)?,
        icon_emoji: row.get(13)?,
        created: Timestamp(row.get(14)?),
        modified: Timestamp(row.get(15)?),
    })
}

/// Columns of an app, table alias `a`.
pub(crate) const APP_COLS: &str = "a.id, a.client_id, a.client_secret_hash, a.account_id, a.name, a.kind, \
     a.public_client, a.grants, a.permissions, a.redirect_uris, a.access_ttl_secs, a.refresh_ttl_secs, a.created";

pub(crate) fn app(row: &Row<'_>, at: usize) -> rusqlite::Result<App> {
    let uris: String = row.get(at + 9)?;
    let redirect_uris = match serde_json::from_str::<Value>(&uris) {
        Ok(Value::Array(items)) => items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                _ => Err(bad(at + 9, "not a string")),
            })
            .collect::<rusqlite::Result<Vec<_>>>()?,
        _ => return Err(bad(at + 9, "not a JSON array of strings")),
    };
    Ok(App {
        id: AppId(row.get(at)?),
        client_id: row.get(at + 1)?,
        client_secret_hash: row.get(at + 2)?,
        account_id: AccountId(row.get(at + 3)?),
        name: row.get(at + 4)?,
        kind: parse_enum(row, at + 5, AppKind::parse)?,
        public_client: row.get(at + 6)?,
        grants: GrantSet::from_bits(bits(row, at + 7)?),
        permissions: PermissionSet::from_bits(bits(row, at + 8)?),
        redirect_uris,
        access_ttl_secs: row.get(at + 10)?,
        refresh_ttl_secs: row.get(at + 11)?,
        created: Timestamp(row.get(at + 12)?),
    })
}

/// Columns of a token, table alias `t`; the last one is its state.
pub(crate) const TOKEN_COLS: &str = "t.access_hash, t.refresh_hash, t.app_id, t.extension_id, t.account_id, t.scope, \
     t.access_expires, t.refresh_expires, t.family, t.endpoint_id, t.created, t.state";
pub(crate) const TOKEN_N: usize = 12;

/// A token record and its state (`live`, `spent`, `revoked`).
pub(crate) fn token(row: &Row<'_>, at: usize) -> rusqlite::Result<(TokenRecord, String)> {
    Ok((
        TokenRecord {
            access_hash: row.get(at)?,
            refresh_hash: row.get(at + 1)?,
            app_id: AppId(row.get(at + 2)?),
            extension_id: ExtensionId(row.get(at + 3)?),
            account_id: AccountId(row.get(at + 4)?),
            scope: PermissionSet::from_bits(bits(row, at + 5)?),
            access_expires: row.get::<_, Option<i64>>(at + 6)?.map(Timestamp),
            refresh_expires: row.get::<_, Option<i64>>(at + 7)?.map(Timestamp),
            family: row.get(at + 8)?,
            endpoint_id: row.get(at + 9)?,
            created: Timestamp(row.get(at + 10)?),
        },
        row.get(at + 11)?,
    ))
}
