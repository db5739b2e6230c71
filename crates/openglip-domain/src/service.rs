//! The rules: who may read and change what. Handlers call these with the authenticated
//! [`Caller`]; the service checks the person-level rules and asks the store. App permissions
//! (scopes) are checked before, at the edge, from the route table.

use std::sync::Arc;

use crate::error::{Error, Result, Subject};
use crate::ids::*;
use crate::mentions;
use crate::model::*;
use crate::store::*;
use crate::validate;

/// A member as a client names one: by id or by e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberInput {
    Id(ExtensionId),
    Email(String),
}

/// What a client may set on a new post.
#[derive(Debug, Clone, Default)]
pub struct PostInput {
    pub text: Option<String>,
    /// The post this one replies to (a reply to a reply joins its root's thread).
    pub parent_post_id: Option<PostId>,
    pub attachments: Option<Vec<serde_json::Value>>,
    pub activity: Option<String>,
    pub title: Option<String>,
    pub icon_uri: Option<String>,
    pub icon_emoji: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TeamInput {
    pub name: Option<String>,
    pub description: Option<String>,
    pub public: Option<bool>,
    pub members: Vec<MemberInput>,
}

/// The team whose members change, as the request names it.
#[derive(Debug, Clone, Copy)]
pub enum TeamRef {
    /// A team (`…/teams/{chatId}/add|remove`): a chat that is not a team is not found.
    Team(ChatId),
    /// Any chat (legacy `…/groups/{groupId}/bulk-assign`): one that is not a team cannot change
    /// its members ([`Error::InvalidSubject`]).
    Chat(ChatId),
}

/// Which extensions a company listing shows (`GET …/account/{accountId}/extension`): each
/// list names what it accepts (types and statuses in RingCentral's spelling, e-mails), empty
/// accepts all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtensionFilter {
    pub types: Vec<String>,
    pub statuses: Vec<String>,
    /// Lower-cased.
    pub emails: Vec<String>,
    pub extension_number: Option<String>,
}

impl ExtensionFilter {
    pub fn accepts(&self, e: &Extension) -> bool {
        (self.types.is_empty() || self.types.iter().any(|t| t == e.kind.as_str()))
            && (self.statuses.is_empty() || self.statuses.iter().any(|s| s == e.status.as_str()))
            && (self.emails.is_empty() || e.email.as_ref().is_some_and(|m| self.emails.contains(m)))
            && self
                .extension_number
                .as_ref()
                .is_none_or(|n| *n == e.extension_number)
    }
}

#[derive(Clone)]
pub struct Service {
    store: Arc<dyn Store>,
}

impl Service {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Service { store }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    // ------------------------------------------------------------------ people

    /// Persons are visible to everyone in the same company, and to nobody else.
    pub async fn person(&self, caller: &Caller, id: ExtensionId) -> Result<Extension> {
        match self.store.extension(id).await? {
            Some(e) if e.account_id == caller.account_id => Ok(e),
            _ => Err(Error::NotFound(Subject::Person)),
        }
    }

    /// The caller's own company; any other is not found.
    pub async fn company(&self, caller: &Caller, id: AccountId) -> Result<Account> {
        self.own_account(caller, id, Subject::Company).await
    }

    /// The caller's own account; any other is not found.
    pub async fn account(&self, caller: &Caller, id: AccountId) -> Result<Account> {
        self.own_account(caller, id, Subject::Account).await
    }

    /// The extensions of the caller's own account that `filter` accepts, by extension number
    /// (removed ones never).
    pub async fn account_extensions(
        &self,
        caller: &Caller,
        id: AccountId,
        filter: &ExtensionFilter,
    ) -> Result<Vec<Extension>> {
        let account = self.account(caller, id).await?;
        let mut all = self
            .store
            .platform()
            .account_extensions(account.id, None)
            .await?;
        all.retain(|e| filter.accepts(e));
        Ok(all)
    }

    async fn own_account(
        &self,
        caller: &Caller,
        id: AccountId,
        subject: Subject,
    ) -> Result<Account> {
        if id != caller.account_id {
            return Err(Error::NotFound(subject));
        }
        self.store
            .account(id)
            .await?
            .ok_or(Error::NotFound(subject))
    }

    /// An extension of the caller's account.
    pub async fn extension(
        &self,
        caller: &Caller,
        account: AccountId,
        id: ExtensionId,
    ) -> Result<Extension> {
        let account = self.account(caller, account).await?;
        match self.store.extension(id).await? {
            Some(e) if e.account_id == account.id => Ok(e),
            _ => Err(Error::NotFound(Subject::Extension)),
        }
    }

    /// Resolves members named by id or e-mail to extensions of the caller's account.
    pub async fn resolve_members(
        &self,
        caller: &Caller,
        param: &str,
        members: &[MemberInput],
    ) -> Result<Vec<ExtensionId>> {
        if members.len() > validate::MAX_MEMBERS {
            return Err(Error::invalid_because(
                param,
                format!("At most {} members", validate::MAX_MEMBERS),
            )
            .for_people(format!(
                "A conversation can have at most {} people.",
                validate::MAX_MEMBERS
            )));
        }
        let mut ids = Vec::with_capacity(members.len());
        let mut by_id = Vec::new();
        for m in members {
            match m {
                MemberInput::Id(id) => {
                    by_id.push(*id);
                    ids.push(*id);
                }
                MemberInput::Email(raw) => {
                    let email = validate::email(param, raw)?;
                    match self.store.extension_by_email(email).await? {
                        Some(e) if e.account_id == caller.account_id => ids.push(e.id),
                        _ => {
                            return Err(Error::invalid_because(
                                param,
                                format!(
                                    "Parameter [{param}] value is invalid: no person with e-mail [{raw}] in this company"
                                ),
                            )
                            .for_people(format!(
                                "Nobody in your company has the e-mail address {raw}."
                            )));
                        }
                    }
                }
            }
        }
        if !by_id.is_empty() {
            let found = self.store.extensions(by_id.clone()).await?;
            for id in &by_id {
                if !found
                    .iter()
                    .any(|e| e.id == *id && e.account_id == caller.account_id)
                {
                    return Err(Error::invalid_because(
                        param,
                        format!("Parameter [{param}] value is invalid: unknown person [{id}]"),
                    )
                    .for_people(
                        "Someone you named is not in your company: pick people from the suggestions.",
                    ));
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        ids.retain(|id| seen.insert(*id));
        Ok(ids)
    }

    // ------------------------------------------------------------------ chats

    /// A chat the caller may see: one they belong to, or a public team of their account.
    pub async fn visible_chat(&self, caller: &Caller, id: ChatId) -> Result<Chat> {
        match self.store.chat(id).await? {
            Some(c)
                if c.account_id == caller.account_id
                    && (c.is_member(caller.extension_id)
                        || (c.kind == ChatType::Team && c.public)) =>
            {
                Ok(c)
            }
            _ => Err(Error::NotFound(Subject::Chat)),
        }
    }

    /// A chat the caller belongs to.
    pub async fn member_chat(&self, caller: &Caller, id: ChatId) -> Result<Chat> {
        let chat = self.visible_chat(caller, id).await?;
        if !chat.is_member(caller.extension_id) {
            return Err(Error::forbidden(
                "You are not a member of this chat; join it first.",
            ));
        }
        Ok(chat)
    }

    pub async fn list_chats(
        &self,
        caller: &Caller,
        types: Vec<ChatType>,
        page: PageRequest,
    ) -> Result<Page<Chat>> {
        self.store
            .list_chats(
                ChatFilter {
                    member: caller.extension_id,
                    types,
                },
                page,
            )
            .await
    }

    pub async fn recent_chats(
        &self,
        caller: &Caller,
        types: Vec<ChatType>,
        limit: usize,
    ) -> Result<Vec<Chat>> {
        self.store
            .recent_chats(
                ChatFilter {
                    member: caller.extension_id,
                    types,
                },
                limit,
            )
            .await
    }

    /// Public teams of the caller's company they could join.
    pub async fn joinable_teams(&self, caller: &Caller, limit: usize) -> Result<Vec<Chat>> {
        self.store
            .joinable_teams(caller.account_id, caller.extension_id, limit)
            .await
    }

    pub async fn favorites(&self, caller: &Caller, limit: usize) -> Result<Vec<Chat>> {
        self.store.favorite_chats(caller.extension_id, limit).await
    }

    pub async fn set_favorite(&self, caller: &Caller, chat: ChatId, favorite: bool) -> Result<()> {
        let chat = self.member_chat(caller, chat).await?;
        self.store
            .set_favorite(caller.extension_id, chat.id, favorite)
            .await
    }

    /// Marks a chat the caller belongs to read (up to `upto`, the newest post they were shown,
    /// or its newest post) or unread.
    pub async fn set_read(
        &self,
        caller: &Caller,
        chat: ChatId,
        read: bool,
        upto: Option<PostId>,
    ) -> Result<()> {
        let chat = self.member_chat(caller, chat).await?;
        self.store
            .set_read(caller.extension_id, chat.id, read, upto)
            .await
    }

    /// The caller's company directory: enabled people and bots whose name, e-mail or extension
    /// number contains `q` (everyone when empty), by name, the caller last, at most `limit`.
    pub async fn directory(
        &self,
        caller: &Caller,
        q: &str,
        limit: usize,
    ) -> Result<Vec<Extension>> {
        let q = q.trim();
        let mut list = self
            .store
            .platform()
            .account_extensions(caller.account_id, (!q.is_empty()).then(|| q.to_string()))
            .await?;
        list.retain(|e| e.status == ExtensionStatus::Enabled);
        list.sort_by_cached_key(|e| (e.id == caller.extension_id, e.full_name().to_lowercase()));
        list.truncate(limit);
        Ok(list)
    }

    /// People of the caller's company, by id (others are left out).
    pub async fn people(&self, caller: &Caller, ids: Vec<ExtensionId>) -> Result<Vec<Extension>> {
        let mut found = self.store.extensions(ids).await?;
        found.retain(|e| e.account_id == caller.account_id);
        Ok(found)
    }

    /// The caller's chats with unread messages.
    pub async fn unread(&self, caller: &Caller) -> Result<Vec<Unread>> {
        self.store.unread(caller.extension_id).await
    }

    pub async fn everyone(&self, caller: &Caller) -> Result<Chat> {
        self.store.everyone_chat(caller.account_id).await
    }

    /// Renames or re-describes the company's Everyone team: account admins only.
    pub async fn patch_everyone(
        &self,
        caller: &Caller,
        name: Option<String>,
        description: Option<String>,
    ) -> Result<Chat> {
        if !caller.is_admin {
            return Err(Error::forbidden(
                "Only an account administrator may change the Everyone team.",
            ));
        }
        let chat = self.everyone(caller).await?;
        let patch = ChatPatch {
            name: name
                .map(|n| validate::name("name", &n, validate::MAX_NAME))
                .transpose()?,
            description: description
                .map(|d| validate::text("description", &d, validate::MAX_DESCRIPTION))
                .transpose()?,
            ..Default::default()
        };
        self.store.update_chat(chat.id, patch).await
    }

    pub async fn create_team(&self, caller: &Caller, input: TeamInput) -> Result<Chat> {
        let name = match input.name {
            Some(n) => validate::name("name", &n, validate::MAX_NAME)?,
            None => return Err(Error::MissingParameter("name".into())),
        };
        let description = input
            .description
            .map(|d| validate::text("description", &d, validate::MAX_DESCRIPTION))
            .transpose()?
            .filter(|d| !d.is_empty());
        let mut members = vec![caller.extension_id];
        members.extend(
            self.resolve_members(caller, "members", &input.members)
                .await?,
        );
        let mut seen = std::collections::HashSet::new();
        members.retain(|m| seen.insert(*m));
        self.store
            .create_chat(NewChat {
                account_id: caller.account_id,
                kind: ChatType::Team,
                name: Some(name),
                description,
                public: input.public.unwrap_or(false),
                creator_id: caller.extension_id,
                members,
            })
            .await
    }

    /// The conversation (Personal, Direct or Group by size) with exactly these members plus the
    /// caller; created if it does not exist yet. Returns whether it was created.
    pub async fn conversation(
        &self,
        caller: &Caller,
        members: &[MemberInput],
    ) -> Result<(Chat, bool)> {
        if members.is_empty() {
            return Err(Error::MissingParameter("members".into()));
        }
        let mut ids = vec![caller.extension_id];
        ids.extend(self.resolve_members(caller, "members", members).await?);
        let mut seen = std::collections::HashSet::new();
        ids.retain(|m| seen.insert(*m));
        let kind = match ids.len() {
            1 => ChatType::Personal,
            2 => ChatType::Direct,
            _ => ChatType::Group,
        };
        ids.sort();
        self.store
            .find_or_create_conversation(NewChat {
                account_id: caller.account_id,
                kind,
                name: None,
                description: None,
                public: false,
                creator_id: caller.extension_id,
                members: ids,
            })
            .await
    }

    /// A team the caller may administer (its creator, or an account administrator who is a member
    /// or the team is public).
    async fn managed_team(&self, caller: &Caller, id: ChatId) -> Result<Chat> {
        let chat = self.team(caller, id).await?;
        if Self::can_manage(caller, &chat) {
            Ok(chat)
        } else {
            Err(Error::forbidden(
                "Only the team's creator or an account administrator may do this.",
            ))
        }
    }

    /// Whether the caller may administer the team (rename, archive, remove others, delete): its
    /// creator, or an account administrator who is a member or the team is public.
    pub fn can_manage(caller: &Caller, chat: &Chat) -> bool {
        chat.kind == ChatType::Team
            && (chat.creator_id == Some(caller.extension_id)
                || (caller.is_admin && (chat.is_member(caller.extension_id) || chat.public)))
    }

    /// A `Team` chat visible to the caller (any other chat is not found).
    pub async fn team(&self, caller: &Caller, id: ChatId) -> Result<Chat> {
        let chat = self.visible_chat(caller, id).await?;
        if chat.kind != ChatType::Team {
            return Err(Error::NotFound(Subject::Chat));
        }
        Ok(chat)
    }

    pub async fn patch_team(
        &self,
        caller: &Caller,
        id: ChatId,
        name: Option<String>,
        description: Option<String>,
        public: Option<bool>,
    ) -> Result<Chat> {
        let chat = self.managed_team(caller, id).await?;
        let patch = ChatPatch {
            name: name
                .map(|n| validate::name("name", &n, validate::MAX_NAME))
                .transpose()?,
            description: description
                .map(|d| validate::text("description", &d, validate::MAX_DESCRIPTION))
                .transpose()?,
            public,
            status: None,
        };
        self.store.update_chat(chat.id, patch).await
    }

    pub async fn set_team_status(
        &self,
        caller: &Caller,
        id: ChatId,
        status: ChatStatus,
    ) -> Result<Chat> {
        let chat = self.managed_team(caller, id).await?;
        if chat.status == status {
            return Ok(chat);
        }
        self.store
            .update_chat(
                chat.id,
                ChatPatch {
                    status: Some(status),
                    ..Default::default()
                },
            )
            .await
    }

    pub async fn delete_team(&self, caller: &Caller, id: ChatId) -> Result<()> {
        let chat = self.managed_team(caller, id).await?;
        self.store.delete_chat(chat.id).await
    }

    pub async fn join_team(&self, caller: &Caller, id: ChatId) -> Result<Chat> {
        let chat = self.team(caller, id).await?;
        if chat.is_member(caller.extension_id) {
            return Ok(chat);
        }
        if !chat.public {
            return Err(Error::NotFound(Subject::Chat));
        }
        self.guard_active(&chat)?;
        self.store
            .change_members(MembershipChange {
                chat_id: chat.id,
                actor: caller.extension_id,
                add: vec![caller.extension_id],
                remove: vec![],
            })
            .await
    }

    pub async fn leave_team(&self, caller: &Caller, id: ChatId) -> Result<Chat> {
        let chat = self.team(caller, id).await?;
        if !chat.is_member(caller.extension_id) {
            return Ok(chat);
        }
        self.store
            .change_members(MembershipChange {
                chat_id: chat.id,
                actor: caller.extension_id,
                add: vec![],
                remove: vec![caller.extension_id],
            })
            .await
    }

    fn guard_active(&self, chat: &Chat) -> Result<()> {
        if chat.status == ChatStatus::Archived {
            return Err(Error::forbidden(
                "The team is archived; unarchive it first.",
            ));
        }
        Ok(())
    }

    /// Adds and removes team members. Any member may add people; removing others takes the
    /// team's creator or an account administrator; anyone may remove themselves. `add` and
    /// `remove` are lists of people with the request parameter that named them (for errors).
    pub async fn change_team_members(
        &self,
        caller: &Caller,
        target: TeamRef,
        add: &[(&str, &[MemberInput])],
        remove: &[(&str, &[MemberInput])],
    ) -> Result<Chat> {
        let chat = match target {
            TeamRef::Team(id) => self.team(caller, id).await?,
            TeamRef::Chat(id) => {
                let chat = self.visible_chat(caller, id).await?;
                if chat.kind != ChatType::Team {
                    return Err(Error::InvalidSubject {
                        subject: Subject::Chat,
                        detail: "Membership can be changed only in teams; private chats, groups and the Everyone team have fixed members.".into(),
                    });
                }
                chat
            }
        };
        if !chat.is_member(caller.extension_id) {
            return Err(Error::forbidden("You are not a member of this team."));
        }
        self.guard_active(&chat)?;
        let mut added = Vec::new();
        for (param, people) in add {
            added.extend(self.resolve_members(caller, param, people).await?);
        }
        let mut removed = Vec::new();
        for (param, people) in remove {
            removed.extend(self.resolve_members(caller, param, people).await?);
        }
        let removes_others = removed
            .iter()
            .any(|r| *r != caller.extension_id && chat.is_member(*r));
        if removes_others && chat.creator_id != Some(caller.extension_id) && !caller.is_admin {
            return Err(Error::forbidden(
                "Only the team's creator or an account administrator may remove other members.",
            ));
        }
        if added.is_empty() && removed.is_empty() {
            return Ok(chat);
        }
        self.store
            .change_members(MembershipChange {
                chat_id: chat.id,
                actor: caller.extension_id,
                add: added,
                remove: removed,
            })
            .await
    }

    // ------------------------------------------------------------------ posts

    pub async fn create_post(
        &self,
        caller: &Caller,
        chat_id: ChatId,
        input: PostInput,
    ) -> Result<Post> {
        let text = validate::text(
            "text",
            input.text.as_deref().unwrap_or(""),
            validate::MAX_POST_TEXT,
        )?;
        let mut items = input.attachments.unwrap_or_default();
        let files = crate::files::take_file_attachments(&mut items)?;
        let attachments = validate_attachments(items)?;
        if text.trim().is_empty() && attachments.is_empty() && files.is_empty() {
            return Err(Error::MissingParameter("text".into()));
        }
        let parent_post_id = match input.parent_post_id {
            Some(parent) => {
                // Threads are one level deep: a reply to a reply joins its root's thread. An
                // unknown parent is left for the store to refuse, after its membership check.
                match self.store.post(chat_id, parent).await? {
                    Some(found) => Some(found.thread_id()),
                    None => Some(parent),
                }
            }
            None => None,
        };
        let short = |param: &str, v: Option<String>| -> Result<Option<String>> {
            v.map(|s| validate::text(param, &s, validate::MAX_NAME))
                .transpose()
        };
        let new = NewPost {
            chat_id,
            creator_id: caller.extension_id,
            kind: PostType::TextMessage,
            mentions: mentions::parse(&text),
            text,
            parent_post_id,
            added_person_ids: vec![],
            removed_person_ids: vec![],
            attachments,
            activity: short("activity", input.activity)?,
            title: short("title", input.title)?,
            icon_uri: short("iconUri", input.icon_uri)?,
            icon_emoji: short("iconEmoji", input.icon_emoji)?,
        };
        if !files.is_empty() {
            return self.create_post_with_files(caller, new, files).await;
        }
        // One round trip: the store checks the chat and membership in the same transaction.
        match self.store.create_post(new).await {
            Ok(post) => Ok(post),
            Err(Error::Forbidden(msg)) => {
                // Refused: say "not found" unless the caller may see the chat at all (a public
                // team of their company), so that refusals do not reveal other people's chats.
                self.visible_chat(caller, chat_id).await?;
                Err(Error::Forbidden(msg))
            }
            Err(e) => Err(e),
        }
    }

    pub async fn list_posts(
        &self,
        caller: &Caller,
        chat: ChatId,
        thread: Option<PostId>,
        page: PageRequest,
    ) -> Result<Page<Post>> {
        let chat = self.member_chat(caller, chat).await?;
        let thread = match thread {
            Some(id) => {
                // A thread is named by its first post, which must be a post of this chat.
                match self.store.post(chat.id, id).await? {
                    Some(root) if root.parent_post_id.is_none() => Some(id),
                    _ => return Err(Error::NotFound(Subject::Thread)),
                }
            }
            None => None,
        };
        self.store.list_posts(chat.id, thread, page).await
    }

    pub async fn post(&self, caller: &Caller, chat: ChatId, id: PostId) -> Result<Post> {
        let chat = self.member_chat(caller, chat).await?;
        self.store
            .post(chat.id, id)
            .await?
            .ok_or(Error::NotFound(Subject::Post))
    }

    /// Only the author may edit a post.
    pub async fn update_post(
        &self,
        caller: &Caller,
        chat: ChatId,
        id: PostId,
        text: Option<String>,
    ) -> Result<Post> {
        let post = self.post(caller, chat, id).await?;
        if post.creator_id != caller.extension_id {
            return Err(Error::forbidden("Only the author of a post may edit it."));
        }
        if post.kind != PostType::TextMessage {
            return Err(Error::forbidden("System posts cannot be edited."));
        }
        let text = match text {
            Some(t) => validate::text("text", &t, validate::MAX_POST_TEXT)?,
            None => return Err(Error::MissingParameter("text".into())),
        };
        if text.trim().is_empty() && post.attachments.is_empty() {
            return Err(Error::invalid_because(
                "text",
                "A post cannot be left empty; delete it instead.",
            ));
        }
        let m = mentions::parse(&text);
        self.store.update_post(post.chat_id, post.id, text, m).await
    }

    /// The author may delete a post; so may an account administrator.
    pub async fn delete_post(&self, caller: &Caller, chat: ChatId, id: PostId) -> Result<()> {
        let post = self.post(caller, chat, id).await?;
        if post.creator_id != caller.extension_id && !caller.is_admin {
            return Err(Error::forbidden("Only the author of a post may delete it."));
        }
        self.store.delete_post(post.chat_id, post.id).await
    }
}

/// Attachments accepted on the REST posts API: objects of type `Card` (the default), `Event` or
/// `Note`, at most 1.5 MB in all. Adaptive cards go through their own endpoint; `File`
/// attachments name uploaded files by id and are taken out before (`files::take_file_attachments`).
pub fn validate_attachments(items: Vec<serde_json::Value>) -> Result<Vec<serde_json::Value>> {
    let mut total = 0usize;
    let mut out = Vec::with_capacity(items.len());
    for (i, mut a) in items.into_iter().enumerate() {
        let Some(obj) = a.as_object_mut() else {
            return Err(Error::invalid(format!("attachments[{i}]")));
        };
        let kind = match obj.get("type") {
            None => "Card".to_string(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(_) => return Err(Error::invalid(format!("attachments[{i}].type"))),
        };
        if !matches!(kind.as_str(), "Card" | "Event" | "Note") {
            return Err(Error::invalid(format!("attachments[{i}].type")));
        }
        obj.insert("type".into(), serde_json::Value::String(kind));
        total += a.to_string().len();
        if total > 1_500_000 {
            return Err(Error::TooLong {
                name: "attachments".into(),
                max: 1_500_000,
            });
        }
        out.push(a);
    }
    Ok(out)
}
