//! Notes of a chat (`…/chats/{chatId}/notes`, `…/notes/{noteId}` and its `lock`, `unlock` and
//! `publish`).
//!
//! A note is created as a `Draft`, which only its creator sees; its creator publishes it, and
//! then it is `Active`: every member of the chat sees it, and its card ([`card`]: title and
//! preview) is posted into the conversation and follows the note as it is edited.
//!
//! Any member may edit a note they see. Editing is guarded by a lock: a member who locks a note
//! is the only one who may edit, lock or unlock it for [`LOCK_MILLIS`] (five hours, as
//! RingCentral says), or until they unlock it or edit with `releaseLock`. Someone else's lock is
//! a 400 naming the note ("locked by another user"). Only the creator (or an account
//! administrator) deletes a note.

use serde_json::{Value, json};

use crate::error::{Error, Result, Subject};
use crate::ids::*;
use crate::model::*;
use crate::service::Service;
use crate::store::{Page, PageRequest};
use crate::teamwork::{date_time, one_of};
use crate::time::Timestamp;
use crate::validate;

/// How long a lock holds: five hours.
pub const LOCK_MILLIS: i64 = 5 * 60 * 60 * 1000;
pub const MAX_TITLE: usize = 250;
/// The longest body: 1 MiB of characters (RingCentral's limit).
pub const MAX_BODY: usize = 1_048_576;
/// The preview: the first 150 characters of the body.
pub const PREVIEW_CHARS: usize = 150;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum NoteStatus {
    Active,
    Draft,
}

impl NoteStatus {
    pub const NAMES: [&'static str; 2] = ["Active", "Draft"];
    pub fn as_str(self) -> &'static str {
        match self {
            NoteStatus::Active => "Active",
            NoteStatus::Draft => "Draft",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Active" => Some(NoteStatus::Active),
            "Draft" => Some(NoteStatus::Draft),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub id: NoteId,
    pub chat_id: ChatId,
    pub creator_id: ExtensionId,
    pub title: String,
    /// HTML or text, as written.
    pub body: String,
    pub status: NoteStatus,
    /// Who holds the lock now (a lock past [`LOCK_MILLIS`] is not shown).
    pub locked_by: Option<ExtensionId>,
    pub last_modified_by: ExtensionId,
    /// The post of the published note.
    pub post_id: Option<PostId>,
    pub created: Timestamp,
    pub modified: Timestamp,
}

impl Note {
    /// The first 150 characters of the body, as text.
    pub fn preview(&self) -> String {
        preview(&self.body)
    }
}

/// The first [`PREVIEW_CHARS`] characters of a body, its tags dropped and spaces collapsed.
pub fn preview(body: &str) -> String {
    let mut text = String::with_capacity(body.len().min(4 * PREVIEW_CHARS));
    let mut in_tag = false;
    for ch in body.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if in_tag => {}
            c => text.push(c),
        }
        if text.len() > 8 * PREVIEW_CHARS {
            break;
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    words.join(" ").chars().take(PREVIEW_CHARS).collect()
}

#[derive(Debug, Clone)]
pub struct NewNote {
    pub chat_id: ChatId,
    pub creator_id: ExtensionId,
    pub title: String,
    pub body: String,
}

/// What `TeamworkStore::change_note` does.
#[derive(Debug, Clone, PartialEq)]
pub enum NoteChange {
    /// New title and/or body; `release_lock` also lets go of the editor's lock.
    Edit {
        title: Option<String>,
        body: Option<String>,
        release_lock: bool,
    },
    Lock,
    Unlock,
    /// Makes it `Active` and posts its card.
    Publish,
}

/// The answer of `TeamworkStore::change_note`.
#[derive(Debug, Clone, PartialEq)]
pub enum NoteWrite {
    Done(Note),
    /// Someone else holds the lock: nothing changed.
    LockedBy(ExtensionId),
}

/// Which notes of a chat a listing shows. Kept in page tokens (its serde form).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NoteFilter {
    pub chat_id: ChatId,
    /// Drafts are shown to their creator only.
    pub viewer: ExtensionId,
    pub created_from: Option<Timestamp>,
    pub created_to: Option<Timestamp>,
    pub creators: Vec<ExtensionId>,
    pub status: Option<NoteStatus>,
}

impl NoteFilter {
    pub fn scope(&self) -> String {
        format!(
            "notes:{}",
            serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
        )
    }
    pub fn from_scope(scope: &str) -> Option<NoteFilter> {
        serde_json::from_str(scope.strip_prefix("notes:")?).ok()
    }
}

/// A list query as the request spelled it (`GET …/chats/{chatId}/notes`).
#[derive(Debug, Clone, Default)]
pub struct NoteQuery {
    pub creation_time_from: Option<String>,
    pub creation_time_to: Option<String>,
    pub creator_ids: Vec<String>,
    pub status: Option<String>,
}

/// The card of a published note, the attachment of its post: RingCentral's attachment of type
/// `Note` with its title and the preview as body.
pub fn card(note: &Note) -> Value {
    json!({
        "type": "Note",
        "id": note.id.to_string(),
        "title": note.title,
        "body": note.preview(),
        "creatorId": note.creator_id.to_string(),
    })
}

fn locked(holder: ExtensionId) -> Error {
    Error::invalid_subject(
        Subject::Note,
        format!("Note is locked by another user ({holder})."),
    )
}

/// The list query, checked, for `chat` as `viewer` sees it.
pub fn filter(chat: ChatId, viewer: ExtensionId, q: &NoteQuery) -> Result<NoteFilter> {
    let time =
        |param: &str, v: &Option<String>| v.as_deref().map(|t| date_time(param, t)).transpose();
    let mut creators = Vec::new();
    for raw in q.creator_ids.iter().flat_map(|c| c.split(',')) {
        let id = raw.trim().parse::<ExtensionId>().map_err(|_| {
            Error::invalid_because(
                "creatorId",
                format!("Parameter [creatorId] value is invalid: [{raw}] is not a person's id."),
            )
        })?;
        creators.push(id);
    }
    Ok(NoteFilter {
        chat_id: chat,
        viewer,
        created_from: time("creationTimeFrom", &q.creation_time_from)?,
        created_to: time("creationTimeTo", &q.creation_time_to)?,
        creators,
        status: q
            .status
            .as_deref()
            .map(|s| one_of("status", s, NoteStatus::parse, &NoteStatus::NAMES))
            .transpose()?,
    })
}

impl Service {
    /// A note the caller may see: of a chat they belong to, and published or theirs.
    pub async fn note(&self, caller: &Caller, id: NoteId) -> Result<Note> {
        let note = self
            .store()
            .teamwork()
            .note(id)
            .await?
            .ok_or(Error::NotFound(Subject::Note))?;
        if note.status == NoteStatus::Draft && note.creator_id != caller.extension_id {
            return Err(Error::NotFound(Subject::Note));
        }
        self.member_chat(caller, note.chat_id)
            .await
            .map_err(|e| match e {
                Error::NotFound(Subject::Chat) => Error::NotFound(Subject::Note),
                other => other,
            })?;
        Ok(note)
    }

    /// Creates a draft note in a chat the caller belongs to.
    pub async fn create_note(
        &self,
        caller: &Caller,
        chat: ChatId,
        title: Option<String>,
        body: Option<String>,
    ) -> Result<Note> {
        let chat = self.member_chat(caller, chat).await?;
        let title = match title {
            Some(t) => validate::name("title", &t, MAX_TITLE)?,
            None => return Err(Error::MissingParameter("title".into())),
        };
        let body = validate::text("body", body.as_deref().unwrap_or(""), MAX_BODY)?;
        self.store()
            .teamwork()
            .create_note(NewNote {
                chat_id: chat.id,
                creator_id: caller.extension_id,
                title,
                body,
            })
            .await
    }

    /// Notes of a chat the caller belongs to; `filter` is the request's or a page token's (whose
    /// viewer must be the caller).
    pub async fn list_notes(
        &self,
        caller: &Caller,
        filter: NoteFilter,
        page: PageRequest,
    ) -> Result<Page<Note>> {
        if filter.viewer != caller.extension_id {
            return Err(Error::invalid_because(
                "pageToken",
                "Parameter [pageToken] value is invalid: it belongs to another listing.",
            ));
        }
        self.member_chat(caller, filter.chat_id).await?;
        self.store().teamwork().list_notes(filter, page).await
    }

    async fn change_note(&self, caller: &Caller, id: NoteId, change: NoteChange) -> Result<Note> {
        match self
            .store()
            .teamwork()
            .change_note(id, caller.extension_id, change)
            .await?
        {
            NoteWrite::Done(note) => Ok(note),
            NoteWrite::LockedBy(holder) => Err(locked(holder)),
        }
    }

    /// Edits a note (any member who sees it, unless someone else holds its lock).
    pub async fn update_note(
        &self,
        caller: &Caller,
        id: NoteId,
        title: Option<String>,
        body: Option<String>,
        release_lock: bool,
    ) -> Result<Note> {
        let note = self.note(caller, id).await?;
        let title = title
            .map(|t| validate::name("title", &t, MAX_TITLE))
            .transpose()?;
        let body = body
            .map(|b| validate::text("body", &b, MAX_BODY))
            .transpose()?;
        self.change_note(
            caller,
            note.id,
            NoteChange::Edit {
                title,
                body,
                release_lock,
            },
        )
        .await
    }

    /// Locks a note for the caller (five hours).
    pub async fn lock_note(&self, caller: &Caller, id: NoteId) -> Result<Note> {
        let note = self.note(caller, id).await?;
        self.change_note(caller, note.id, NoteChange::Lock).await
    }

    /// Lets go of the caller's lock (someone else's cannot be taken away).
    pub async fn unlock_note(&self, caller: &Caller, id: NoteId) -> Result<Note> {
        let note = self.note(caller, id).await?;
        self.change_note(caller, note.id, NoteChange::Unlock).await
    }

    /// Publishes a draft (its creator only) and posts its card; publishing again changes nothing.
    pub async fn publish_note(&self, caller: &Caller, id: NoteId) -> Result<Note> {
        let note = self.note(caller, id).await?;
        if note.creator_id != caller.extension_id {
            return Err(Error::invalid_subject(
                Subject::Note,
                "User is not a creator of note.",
            ));
        }
        if note.status == NoteStatus::Active {
            return Ok(note);
        }
        self.change_note(caller, note.id, NoteChange::Publish).await
    }

    /// Deletes a note (its creator or an account administrator; not while someone else holds
    /// its lock).
    pub async fn delete_note(&self, caller: &Caller, id: NoteId) -> Result<()> {
        let note = self.note(caller, id).await?;
        if note.creator_id != caller.extension_id && !caller.is_admin {
            return Err(Error::forbidden(
                "Only the creator of a note may delete it.",
            ));
        }
        if let Some(holder) = note.locked_by.filter(|h| *h != caller.extension_id) {
            return Err(locked(holder));
        }
        self.store().teamwork().delete_note(note.id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_are_text_and_short() {
        assert_eq!(
            preview("<p>Hello <b>world</b></p>\n<p>again</p>"),
            "Hello world again"
        );
        assert_eq!(preview(&"x".repeat(500)).len(), PREVIEW_CHARS);
        assert_eq!(preview(""), "");
    }

    #[test]
    fn filters_keep_their_viewer() {
        let q = NoteQuery {
            status: Some("Draft".into()),
            creator_ids: vec!["4,5".into()],
            ..Default::default()
        };
        let f = filter(ChatId(1), ExtensionId(2), &q).unwrap();
        assert_eq!(f.creators, vec![ExtensionId(4), ExtensionId(5)]);
        assert_eq!(NoteFilter::from_scope(&f.scope()), Some(f));
        let bad = NoteQuery {
            status: Some("Published".into()),
            ..Default::default()
        };
        assert!(filter(ChatId(1), ExtensionId(2), &bad).is_err());
    }
}
