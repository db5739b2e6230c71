//! Data export (`/team-messaging/v1/data-export`, `/restapi/v1.0/glip/data-export`): an account
//! administrator asks for a time range (and optionally some people or chats); a background job
//! builds the datasets; the task answers its status and, once `Completed`, links to download them.
//!
//! The rules, here: only account administrators (everyone else: RingCentral's "user needs to
//! have [Glip Data Export] permission" refusal); `timeTo` defaults to now (rounded up to the next
//! second) and `timeFrom` to a day before it, `timeFrom` before `timeTo`, at most six months apart; at most 30 contacts (persons
//! of the company, by id or e-mail) and 10 chats (of the company); no more than two tasks of a
//! company are waiting or running at once. What a task collects: the posts of the company's chats
//! (or the chats named) created in `[timeFrom, timeTo)`, and with contacts only those a contact
//! wrote or that mention one; the chats those posts are in, with their members, and the people
//! they name.
//!
//! The job is durable: a task is a row, and whichever process's worker claims it
//! ([`ExportStore::claim_export`]) holds it for a lease; a task whose worker died (a crash, a
//! restart) is claimed again once its lease ends, and built again from the start. One task is
//! built at a time per worker.

use crate::calendar::{CalendarEvent, EventFilter};
use crate::error::{Error, Result, Subject};
use crate::ids::*;
use crate::model::*;
use crate::notes::{Note, NoteFilter, NoteStatus};
use crate::service::{MemberInput, Service};
use crate::store::BoxFuture;
use crate::store::{Direction, PageRequest};
use crate::tasks::{Task, TaskFilter};
use crate::time::Timestamp;

/// The longest time range: six months (of 31 days).
pub const MAX_RANGE_MS: i64 = 6 * 31 * 24 * 3600 * 1000;
/// `timeFrom`'s default: a day before `timeTo`.
pub const DEFAULT_RANGE_MS: i64 = 24 * 3600 * 1000;
pub const MAX_CONTACTS: usize = 30;
pub const MAX_CHATS: usize = 10;
/// Tasks of a company waiting or running at once.
pub const MAX_ACTIVE: usize = 2;
/// How long a worker holds a task it claimed before another may take it over.
pub const LEASE_MS: i64 = 60_000;

/// Where a task is, in RingCentral's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportStatus {
    /// Waiting for a worker.
    Accepted,
    InProgress,
    Completed,
    Failed,
    Expired,
}

impl ExportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportStatus::Accepted => "Accepted",
            ExportStatus::InProgress => "InProgress",
            ExportStatus::Completed => "Completed",
            ExportStatus::Failed => "Failed",
            ExportStatus::Expired => "Expired",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            ExportStatus::Accepted,
            ExportStatus::InProgress,
            ExportStatus::Completed,
            ExportStatus::Failed,
            ExportStatus::Expired,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }
    /// Waiting or running: what counts against [`MAX_ACTIVE`].
    pub fn is_active(self) -> bool {
        matches!(self, ExportStatus::Accepted | ExportStatus::InProgress)
    }
}

/// A dataset a completed task built: its number within the task and its size in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dataset {
    pub id: i64,
    pub size: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportTask {
    pub id: i64,
    pub account_id: AccountId,
    pub creator_id: ExtensionId,
    pub status: ExportStatus,
    pub time_from: Timestamp,
    pub time_to: Timestamp,
    pub contacts: Vec<ExtensionId>,
    pub chats: Vec<ChatId>,
    pub datasets: Vec<Dataset>,
    /// Why a `Failed` task failed (for the logs and the operator; not shown to clients).
    pub failure: Option<String>,
    pub created: Timestamp,
    pub modified: Timestamp,
}

/// A task as the service asks the store to keep it (checked).
#[derive(Debug, Clone)]
pub struct NewExport {
    pub account_id: AccountId,
    pub creator_id: ExtensionId,
    pub time_from: Timestamp,
    pub time_to: Timestamp,
    pub contacts: Vec<ExtensionId>,
    pub chats: Vec<ChatId>,
}

/// What a task collects (see the module's rules). The chats and posts are read in one
/// snapshot; the chats' tasks, published notes and events created in the range after them.
#[derive(Debug, Clone, Default)]
pub struct ExportData {
    pub chats: Vec<Chat>,
    /// Oldest first.
    pub posts: Vec<Post>,
    /// The chats' members, the posts' authors and the people they add or remove.
    pub people: Vec<Extension>,
    pub tasks: Vec<Task>,
    pub notes: Vec<Note>,
    pub events: Vec<CalendarEvent>,
}

/// The storage part of data export, reached by `Store::exports()`.
pub trait ExportStore: Send + Sync {
    /// Keeps a new `Accepted` task, unless the company already has [`MAX_ACTIVE`] waiting or
    /// running (`InvalidSubject(ExportTask)`, checked in the same transaction).
    fn create_export(&self, new: NewExport) -> BoxFuture<'_, ExportTask>;
    fn export_task(&self, id: i64) -> BoxFuture<'_, Option<ExportTask>>;
    /// A company's tasks, newest first, of one status or all.
    fn export_tasks(
        &self,
        account: AccountId,
        status: Option<ExportStatus>,
    ) -> BoxFuture<'_, Vec<ExportTask>>;
    /// Claims the oldest task that is `Accepted`, or `InProgress` with its lease ended before
    /// `now`: it becomes `InProgress`, held until `lease_until`. `None` when there is none.
    fn claim_export(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> BoxFuture<'_, Option<ExportTask>>;
    /// What the task collects.
    fn export_data(&self, task: ExportTask) -> BoxFuture<'_, ExportData>;
    /// Keeps the datasets (numbered from 1) and completes the task, in one transaction.
    fn complete_export(&self, id: i64, datasets: Vec<Vec<u8>>) -> BoxFuture<'_, ExportTask>;
    fn fail_export(&self, id: i64, reason: String) -> BoxFuture<'_, ExportTask>;
    /// A dataset's bytes.
    fn export_dataset(&self, task: i64, dataset: i64) -> BoxFuture<'_, Option<Vec<u8>>>;
}

/// A new task as a client asks for it (times already parsed).
#[derive(Debug, Clone, Default)]
pub struct ExportInput {
    pub time_from: Option<Timestamp>,
    pub time_to: Option<Timestamp>,
    pub contacts: Vec<MemberInput>,
    pub chats: Vec<ChatId>,
}

fn administrators_only(caller: &Caller) -> Result<()> {
    if caller.is_admin {
        Ok(())
    } else {
        Err(Error::forbidden(
            "In order to call this API endpoint, user needs to have [Glip Data Export] permission for requested resource.",
        ))
    }
}

impl Service {
    /// Creates a task (see the module's rules). `now` is the request's time (the defaults).
    pub async fn create_export(
        &self,
        caller: &Caller,
        input: ExportInput,
        now: Timestamp,
    ) -> Result<ExportTask> {
        administrators_only(caller)?;
        // "Now", rounded up to the next whole second: a post acknowledged just before the
        // request (its time assigned by the store, maybe in the same millisecond) is in.
        let time_to = input
            .time_to
            .unwrap_or(Timestamp((now.0.div_euclid(1000) + 1) * 1000));
        let time_from = input
            .time_from
            .unwrap_or(Timestamp(time_to.0 - DEFAULT_RANGE_MS));
        if time_from >= time_to {
            return Err(Error::invalid_because(
                "timeFrom",
                "Parameter [timeFrom] value is invalid: it must be before [timeTo].",
            ));
        }
        if time_to.0 - time_from.0 > MAX_RANGE_MS {
            return Err(Error::invalid_because(
                "timeTo",
                "Parameter [timeTo] value is invalid: at most six months after [timeFrom].",
            ));
        }
        if input.contacts.len() > MAX_CONTACTS {
            return Err(Error::invalid_because(
                "contacts",
                format!("Parameter [contacts] value is invalid: at most {MAX_CONTACTS} contacts."),
            ));
        }
        if input.chats.len() > MAX_CHATS {
            return Err(Error::invalid_because(
                "chatIds",
                format!("Parameter [chatIds] value is invalid: at most {MAX_CHATS} chats."),
            ));
        }
        let contacts = self
            .resolve_members(caller, "contacts", &input.contacts)
            .await?;
        let mut chats = Vec::with_capacity(input.chats.len());
        for id in input.chats {
            match self.store().chat(id).await? {
                Some(c) if c.account_id == caller.account_id => {
                    if !chats.contains(&c.id) {
                        chats.push(c.id)
                    }
                }
                _ => return Err(Error::NotFound(Subject::Chat)),
            }
        }
        self.store()
            .exports()
            .create_export(NewExport {
                account_id: caller.account_id,
                creator_id: caller.extension_id,
                time_from,
                time_to,
                contacts,
                chats,
            })
            .await
    }

    /// The company's tasks, newest first (administrators only).
    pub async fn export_tasks(
        &self,
        caller: &Caller,
        status: Option<ExportStatus>,
    ) -> Result<Vec<ExportTask>> {
        administrators_only(caller)?;
        self.store()
            .exports()
            .export_tasks(caller.account_id, status)
            .await
    }

    /// One of the company's tasks (administrators only; another company's is not found).
    pub async fn export_task(&self, caller: &Caller, id: i64) -> Result<ExportTask> {
        administrators_only(caller)?;
        match self.store().exports().export_task(id).await? {
            Some(t) if t.account_id == caller.account_id => Ok(t),
            _ => Err(Error::NotFound(Subject::ExportTask)),
        }
    }

    /// A dataset of one of the company's completed tasks.
    pub async fn export_dataset(
        &self,
        caller: &Caller,
        task: i64,
        dataset: i64,
    ) -> Result<Vec<u8>> {
        let task = self.export_task(caller, task).await?;
        if task.status != ExportStatus::Completed || !task.datasets.iter().any(|d| d.id == dataset)
        {
            return Err(Error::NotFound(Subject::ExportDataset));
        }
        self.store()
            .exports()
            .export_dataset(task.id, dataset)
            .await?
            .ok_or(Error::NotFound(Subject::ExportDataset))
    }
}

/// Keeps what a task with contacts collects: the posts a contact wrote, that mention one, or
/// that are in a direct conversation with one; the chats a contact is in or a kept post is in.
/// Without contacts, everything read is kept.
pub fn select(task: &ExportTask, data: ExportData) -> ExportData {
    if task.contacts.is_empty() {
        return data;
    }
    let is_contact = |id: i64| task.contacts.iter().any(|c| c.0 == id);
    let direct_with_contact: Vec<ChatId> = data
        .chats
        .iter()
        .filter(|c| c.kind == ChatType::Direct && c.members.iter().any(|m| is_contact(m.0)))
        .map(|c| c.id)
        .collect();
    let posts: Vec<Post> = data
        .posts
        .into_iter()
        .filter(|p| {
            is_contact(p.creator_id.0)
                || p.mentions
                    .iter()
                    .any(|m| m.kind == MentionType::Person && is_contact(m.id))
                || direct_with_contact.contains(&p.chat_id)
        })
        .collect();
    let chats = data
        .chats
        .into_iter()
        .filter(|c| {
            c.members.iter().any(|m| is_contact(m.0)) || posts.iter().any(|p| p.chat_id == c.id)
        })
        .collect();
    ExportData {
        chats,
        posts,
        ..data
    }
}

/// Every page of a keyset listing, newest first.
async fn all_pages<T, F, Fut>(mut list: F, id: impl Fn(&T) -> i64) -> Result<Vec<T>>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = Result<crate::store::Page<T>>>,
{
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = list(PageRequest {
            cursor,
            direction: Direction::Older,
            limit: 250,
        })
        .await?;
        cursor = page.items.last().map(&id);
        let more = page.has_older && cursor.is_some();
        out.extend(page.items);
        if !more {
            return Ok(out);
        }
    }
}

impl Service {
    /// What a claimed task collects: read in one snapshot, kept to its contacts ([`select`]),
    /// with the people the chats and posts name.
    pub async fn export_contents(&self, task: &ExportTask) -> Result<ExportData> {
        let data = self.store().exports().export_data(task.clone()).await?;
        let mut data = select(task, data);
        let in_range = |t: Timestamp| t >= task.time_from && t < task.time_to;
        let contact = |id: ExtensionId| task.contacts.is_empty() || task.contacts.contains(&id);
        let teamwork = self.store().teamwork();
        for chat in data.chats.iter().map(|c| c.id).collect::<Vec<_>>() {
            let filter = TaskFilter {
                chat_id: Some(chat),
                created_from: Some(task.time_from),
                created_to: Some(task.time_to),
                ..Default::default()
            };
            let tasks = all_pages(|p| teamwork.list_tasks(filter.clone(), p), |t| t.id.0).await?;
            data.tasks.extend(tasks.into_iter().filter(|t| {
                contact(t.creator_id) || t.content.assignees.iter().any(|a| contact(a.id))
            }));
            let filter = NoteFilter {
                chat_id: chat,
                viewer: task.creator_id,
                created_from: Some(task.time_from),
                created_to: Some(task.time_to),
                creators: Vec::new(),
                status: Some(NoteStatus::Active),
            };
            let notes = all_pages(|p| teamwork.list_notes(filter.clone(), p), |n| n.id.0).await?;
            data.notes
                .extend(notes.into_iter().filter(|n| contact(n.creator_id)));
            let events = all_pages(
                |p| teamwork.list_events(EventFilter::Chat(chat), p),
                |e| e.id.0,
            )
            .await?;
            data.events.extend(
                events
                    .into_iter()
                    .filter(|e| in_range(e.created) && contact(e.creator_id)),
            );
        }
        data.tasks.sort_by_key(|t| t.id.0);
        data.notes.sort_by_key(|n| n.id.0);
        data.events.sort_by_key(|e| e.id.0);
        let mut ids: Vec<ExtensionId> = data
            .chats
            .iter()
            .flat_map(|c| c.members.iter().copied())
            .chain(data.posts.iter().flat_map(|p| {
                std::iter::once(p.creator_id)
                    .chain(p.added_person_ids.iter().copied())
                    .chain(p.removed_person_ids.iter().copied())
            }))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        data.people = self.store().extensions(ids).await?;
        Ok(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(id: i64, kind: ChatType, members: &[i64]) -> Chat {
        Chat {
            id: ChatId(id),
            account_id: AccountId(1),
            kind,
            name: None,
            description: None,
            public: false,
            status: ChatStatus::Active,
            creator_id: Some(ExtensionId(members[0])),
            members: members.iter().copied().map(ExtensionId).collect(),
            created: Timestamp(0),
            modified: Timestamp(0),
        }
    }

    fn post(id: i64, chat: i64, by: i64, mentions: &[i64]) -> Post {
        Post {
            id: PostId(id),
            chat_id: ChatId(chat),
            creator_id: ExtensionId(by),
            kind: PostType::TextMessage,
            text: String::new(),
            parent_post_id: None,
            mentions: mentions
                .iter()
                .map(|m| Mention {
                    id: *m,
                    kind: MentionType::Person,
                    name: String::new(),
                })
                .collect(),
            added_person_ids: vec![],
            removed_person_ids: vec![],
            attachments: vec![],
            activity: None,
            title: None,
            icon_uri: None,
            icon_emoji: None,
            created: Timestamp(0),
            modified: Timestamp(0),
        }
    }

    #[test]
    fn contacts_keep_what_they_wrote_what_names_them_and_their_direct_chats() {
        let data = ExportData {
            chats: vec![
                chat(10, ChatType::Team, &[1, 2, 3]),
                chat(11, ChatType::Direct, &[2, 7]),
                chat(12, ChatType::Team, &[1, 3]),
            ],
            posts: vec![
                post(100, 10, 7, &[]),  // by the contact
                post(101, 10, 1, &[7]), // mentions the contact
                post(102, 10, 1, &[]),  // neither
                post(103, 11, 2, &[]),  // in a direct chat with the contact
                post(104, 12, 3, &[]),  // neither, in a chat without the contact
            ],
            ..Default::default()
        };
        let mut task = ExportTask {
            id: 1,
            account_id: AccountId(1),
            creator_id: ExtensionId(1),
            status: ExportStatus::InProgress,
            time_from: Timestamp(0),
            time_to: Timestamp(1),
            contacts: vec![ExtensionId(7)],
            chats: vec![],
            datasets: vec![],
            failure: None,
            created: Timestamp(0),
            modified: Timestamp(0),
        };
        let kept = select(&task, data.clone());
        let ids: Vec<i64> = kept.posts.iter().map(|p| p.id.0).collect();
        assert_eq!(ids, [100, 101, 103]);
        let chats: Vec<i64> = kept.chats.iter().map(|c| c.id.0).collect();
        assert_eq!(chats, [10, 11]);
        // Without contacts, everything read is kept.
        task.contacts.clear();
        assert_eq!(select(&task, data).posts.len(), 5);
    }

    #[test]
    fn statuses_are_ringcentrals_words() {
        for s in ["Accepted", "InProgress", "Completed", "Failed", "Expired"] {
            assert_eq!(ExportStatus::parse(s).unwrap().as_str(), s);
        }
        assert_eq!(ExportStatus::parse("done"), None);
        assert!(ExportStatus::InProgress.is_active() && !ExportStatus::Failed.is_active());
    }
}
