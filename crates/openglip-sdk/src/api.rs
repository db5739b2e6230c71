//! Typed calls of the Team Messaging API (`/team-messaging/v1/…`), account and extension info,
//! and subscriptions. Every list is available as one page (`list_*`) and as a stream of all its
//! records (`*_stream`), which follows `navigation.nextPageToken`.

use std::collections::VecDeque;

use futures_util::Stream;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use openglip_wire as w;
use openglip_wire::{
    AccountInfo, ChatInfo, CompanyInfo, ConversationInfo, CreatePostRequest, CreateTeamRequest,
    EveryoneTeamInfo, ExtensionInfo, MemberSpec, Navigation, PatchTeamRequest, PersonInfo,
    PostInfo, SubscriptionInfo, SubscriptionRequest, TeamInfo, WsToken,
};

use crate::client::{Body, Client, to_value};
use crate::error::Result;

const TM: &str = "/team-messaging/v1";

/// Escapes one path segment (ids are digits on RingCentral and openglip; this keeps anything
/// else from changing the path).
pub(crate) fn seg(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub records: Vec<T>,
    #[serde(default)]
    pub navigation: Option<Navigation>,
}

impl<T> Page<T> {
    pub fn next_page_token(&self) -> Option<&str> {
        self.navigation.as_ref()?.next_page_token.as_deref()
    }
    pub fn prev_page_token(&self) -> Option<&str> {
        self.navigation.as_ref()?.prev_page_token.as_deref()
    }
}

/// Paging of a list: `recordCount` (1–250, default 30) and a `pageToken` from a previous page.
#[derive(Debug, Clone, Default)]
pub struct PageQuery {
    pub record_count: Option<u32>,
    pub page_token: Option<String>,
}

impl PageQuery {
    pub fn count(n: u32) -> PageQuery {
        PageQuery {
            record_count: Some(n),
            page_token: None,
        }
    }
    fn pairs(&self) -> Vec<(String, String)> {
        let mut q = Vec::new();
        if let Some(n) = self.record_count {
            q.push(("recordCount".into(), n.to_string()));
        }
        if let Some(t) = &self.page_token {
            q.push(("pageToken".into(), t.clone()));
        }
        q
    }
}

/// Chat types of the current API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChatType {
    Everyone,
    Team,
    Group,
    Direct,
    Personal,
}

impl ChatType {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatType::Everyone => "Everyone",
            ChatType::Team => "Team",
            ChatType::Group => "Group",
            ChatType::Direct => "Direct",
            ChatType::Personal => "Personal",
        }
    }

    /// Reads a chat type of either API generation (`PrivateChat` is `Direct`, `PersonalChat`
    /// is `Personal`).
    pub fn parse(s: &str) -> Option<ChatType> {
        Some(match s {
            "Everyone" => ChatType::Everyone,
            "Team" => ChatType::Team,
            "Group" => ChatType::Group,
            "Direct" | "PrivateChat" => ChatType::Direct,
            "Personal" | "PersonalChat" => ChatType::Personal,
            _ => return None,
        })
    }
}

/// A member to add: by id or by e-mail.
#[derive(Debug, Clone, PartialEq)]
pub enum Member {
    Id(String),
    Email(String),
}

impl Member {
    fn spec(&self) -> MemberSpec {
        match self {
            Member::Id(id) => MemberSpec::Object {
                id: Some(w::IdOrString::Str(id.clone())),
                email: None,
            },
            Member::Email(e) => MemberSpec::Object {
                id: None,
                email: Some(e.clone()),
            },
        }
    }
}

fn members_body(members: &[Member]) -> Result<serde_json::Value> {
    to_value(&w::MembersRequest {
        members: Some(members.iter().map(Member::spec).collect()),
    })
}

impl Client {
    fn list_stream<T: DeserializeOwned + Send + 'static>(
        &self,
        path: String,
        query: Vec<(String, String)>,
        page_size: Option<u32>,
    ) -> impl Stream<Item = Result<T>> + Send + 'static {
        struct St<T> {
            client: Client,
            path: String,
            query: Vec<(String, String)>,
            buf: VecDeque<T>,
            next: Option<String>,
            started: bool,
        }
        let st = St {
            client: self.clone(),
            path,
            query,
            buf: VecDeque::new(),
            next: None,
            started: false,
        };
        futures_util::stream::try_unfold(st, move |mut st| async move {
            loop {
                if let Some(item) = st.buf.pop_front() {
                    return Ok(Some((item, st)));
                }
                if st.started && st.next.is_none() {
                    return Ok(None);
                }
                let mut q = st.query.clone();
                if let Some(n) = page_size {
                    q.push(("recordCount".into(), n.to_string()));
                }
                if let Some(t) = st.next.take() {
                    q.push(("pageToken".into(), t));
                }
                let page: Page<T> = st
                    .client
                    .call(Method::GET, &st.path, &q, Body::None)
                    .await?;
                st.started = true;
                st.next = page.next_page_token().map(str::to_string);
                st.buf.extend(page.records);
            }
        })
    }

    // ---------- account and extension ----------

    /// `GET /restapi/v1.0/account/{accountId}` (`~`: the caller's).
    pub async fn account(&self, account_id: &str) -> Result<AccountInfo> {
        self.call(
            Method::GET,
            &format!("/restapi/v1.0/account/{}", seg(account_id)),
            &[],
            Body::None,
        )
        .await
    }

    /// `GET /restapi/v1.0/account/{accountId}/extension/{extensionId}`.
    pub async fn extension(&self, account_id: &str, extension_id: &str) -> Result<ExtensionInfo> {
        let path = format!(
            "/restapi/v1.0/account/{}/extension/{}",
            seg(account_id),
            seg(extension_id)
        );
        self.call(Method::GET, &path, &[], Body::None).await
    }

    /// The caller's own extension (`/account/~/extension/~`).
    pub async fn me(&self) -> Result<ExtensionInfo> {
        self.extension("~", "~").await
    }

    // ---------- chats ----------

    fn chat_query(types: &[ChatType]) -> Vec<(String, String)> {
        types
            .iter()
            .map(|t| ("type".to_string(), t.as_str().to_string()))
            .collect()
    }

    /// `GET /team-messaging/v1/chats` (one page), optionally of some types only.
    pub async fn list_chats(&self, types: &[ChatType], page: &PageQuery) -> Result<Page<ChatInfo>> {
        let mut q = Self::chat_query(types);
        q.extend(page.pairs());
        self.call(Method::GET, &format!("{TM}/chats"), &q, Body::None)
            .await
    }

    /// Every chat of the caller (of `types`, or all), page after page.
    pub fn chats_stream(
        &self,
        types: &[ChatType],
    ) -> impl Stream<Item = Result<ChatInfo>> + Send + 'static {
        self.list_stream(format!("{TM}/chats"), Self::chat_query(types), Some(250))
    }

    /// `GET /team-messaging/v1/chats/{chatId}`.
    pub async fn chat(&self, chat_id: &str) -> Result<ChatInfo> {
        self.call(
            Method::GET,
            &format!("{TM}/chats/{}", seg(chat_id)),
            &[],
            Body::None,
        )
        .await
    }

    /// `GET /team-messaging/v1/recent/chats`.
    pub async fn recent_chats(
        &self,
        types: &[ChatType],
        record_count: Option<u32>,
    ) -> Result<Vec<ChatInfo>> {
        let mut q = Self::chat_query(types);
        if let Some(n) = record_count {
            q.push(("recordCount".into(), n.to_string()));
        }
        let page: Page<ChatInfo> = self
            .call(Method::GET, &format!("{TM}/recent/chats"), &q, Body::None)
            .await?;
        Ok(page.records)
    }

    /// `GET /team-messaging/v1/favorites`.
    pub async fn favorite_chats(&self, record_count: Option<u32>) -> Result<Vec<ChatInfo>> {
        let q: Vec<(String, String)> = record_count
            .map(|n| ("recordCount".to_string(), n.to_string()))
            .into_iter()
            .collect();
        let page: Page<ChatInfo> = self
            .call(Method::GET, &format!("{TM}/favorites"), &q, Body::None)
            .await?;
        Ok(page.records)
    }

    /// `POST /team-messaging/v1/chats/{chatId}/favorite`.
    pub async fn favorite_chat(&self, chat_id: &str) -> Result<()> {
        self.call_empty(
            Method::POST,
            &format!("{TM}/chats/{}/favorite", seg(chat_id)),
            Body::None,
        )
        .await
    }

    /// `POST /team-messaging/v1/chats/{chatId}/unfavorite`.
    pub async fn unfavorite_chat(&self, chat_id: &str) -> Result<()> {
        self.call_empty(
            Method::POST,
            &format!("{TM}/chats/{}/unfavorite", seg(chat_id)),
            Body::None,
        )
        .await
    }

    // ---------- conversations ----------

    /// `GET /team-messaging/v1/conversations` (one page).
    pub async fn list_conversations(&self, page: &PageQuery) -> Result<Page<ConversationInfo>> {
        self.call(
            Method::GET,
            &format!("{TM}/conversations"),
            &page.pairs(),
            Body::None,
        )
        .await
    }

    pub fn conversations_stream(
        &self,
    ) -> impl Stream<Item = Result<ConversationInfo>> + Send + 'static {
        self.list_stream(format!("{TM}/conversations"), Vec::new(), Some(250))
    }

    /// `POST /team-messaging/v1/conversations`: the conversation of the caller and `members`
    /// (created, or the existing one).
    pub async fn create_conversation(&self, members: &[Member]) -> Result<ConversationInfo> {
        self.call(
            Method::POST,
            &format!("{TM}/conversations"),
            &[],
            Body::Json(members_body(members)?),
        )
        .await
    }

    /// `GET /team-messaging/v1/conversations/{chatId}`.
    pub async fn conversation(&self, chat_id: &str) -> Result<ConversationInfo> {
        self.call(
            Method::GET,
            &format!("{TM}/conversations/{}", seg(chat_id)),
            &[],
            Body::None,
        )
        .await
    }

    // ---------- teams ----------

    /// `GET /team-messaging/v1/teams` (one page).
    pub async fn list_teams(&self, page: &PageQuery) -> Result<Page<TeamInfo>> {
        self.call(
            Method::GET,
            &format!("{TM}/teams"),
            &page.pairs(),
            Body::None,
        )
        .await
    }

    pub fn teams_stream(&self) -> impl Stream<Item = Result<TeamInfo>> + Send + 'static {
        self.list_stream(format!("{TM}/teams"), Vec::new(), Some(250))
    }

    /// `POST /team-messaging/v1/teams`.
    pub async fn create_team(&self, req: &CreateTeamRequest) -> Result<TeamInfo> {
        self.call(
            Method::POST,
            &format!("{TM}/teams"),
            &[],
            Body::Json(to_value(req)?),
        )
        .await
    }

    /// `GET /team-messaging/v1/teams/{chatId}`.
    pub async fn team(&self, chat_id: &str) -> Result<TeamInfo> {
        self.call(
            Method::GET,
            &format!("{TM}/teams/{}", seg(chat_id)),
            &[],
            Body::None,
        )
        .await
    }

    /// `PATCH /team-messaging/v1/teams/{chatId}`.
    pub async fn update_team(&self, chat_id: &str, req: &PatchTeamRequest) -> Result<TeamInfo> {
        self.call(
            Method::PATCH,
            &format!("{TM}/teams/{}", seg(chat_id)),
            &[],
            Body::Json(to_value(req)?),
        )
        .await
    }

    /// `DELETE /team-messaging/v1/teams/{chatId}`.
    pub async fn delete_team(&self, chat_id: &str) -> Result<()> {
        self.call_empty(
            Method::DELETE,
            &format!("{TM}/teams/{}", seg(chat_id)),
            Body::None,
        )
        .await
    }

    async fn team_action(&self, chat_id: &str, action: &str, body: Body) -> Result<()> {
        self.call_empty(
            Method::POST,
            &format!("{TM}/teams/{}/{action}", seg(chat_id)),
            body,
        )
        .await
    }

    /// `POST /team-messaging/v1/teams/{chatId}/join`.
    pub async fn join_team(&self, chat_id: &str) -> Result<()> {
        self.team_action(chat_id, "join", Body::None).await
    }

    /// `POST /team-messaging/v1/teams/{chatId}/leave`.
    pub async fn leave_team(&self, chat_id: &str) -> Result<()> {
        self.team_action(chat_id, "leave", Body::None).await
    }

    /// `POST /team-messaging/v1/teams/{chatId}/add`.
    pub async fn add_team_members(&self, chat_id: &str, members: &[Member]) -> Result<()> {
        self.team_action(chat_id, "add", Body::Json(members_body(members)?))
            .await
    }

    /// `POST /team-messaging/v1/teams/{chatId}/remove` (`members` by id).
    pub async fn remove_team_members(&self, chat_id: &str, member_ids: &[&str]) -> Result<()> {
        let members: Vec<Member> = member_ids
            .iter()
            .map(|i| Member::Id(i.to_string()))
            .collect();
        self.team_action(chat_id, "remove", Body::Json(members_body(&members)?))
            .await
    }

    /// `POST /team-messaging/v1/teams/{chatId}/archive`.
    pub async fn archive_team(&self, chat_id: &str) -> Result<()> {
        self.team_action(chat_id, "archive", Body::None).await
    }

    /// `POST /team-messaging/v1/teams/{chatId}/unarchive`.
    pub async fn unarchive_team(&self, chat_id: &str) -> Result<()> {
        self.team_action(chat_id, "unarchive", Body::None).await
    }

    /// `GET /team-messaging/v1/everyone`.
    pub async fn everyone(&self) -> Result<EveryoneTeamInfo> {
        self.call(Method::GET, &format!("{TM}/everyone"), &[], Body::None)
            .await
    }

    /// `PATCH /team-messaging/v1/everyone` (account administrators).
    pub async fn update_everyone(&self, req: &PatchTeamRequest) -> Result<EveryoneTeamInfo> {
        self.call(
            Method::PATCH,
            &format!("{TM}/everyone"),
            &[],
            Body::Json(to_value(req)?),
        )
        .await
    }

    // ---------- posts ----------

    /// `GET /team-messaging/v1/chats/{chatId}/posts` (one page, newest first).
    pub async fn list_posts(&self, chat_id: &str, page: &PageQuery) -> Result<Page<PostInfo>> {
        self.call(
            Method::GET,
            &format!("{TM}/chats/{}/posts", seg(chat_id)),
            &page.pairs(),
            Body::None,
        )
        .await
    }

    /// Every post of a chat, newest first, page after page (100 a page).
    pub fn posts_stream(
        &self,
        chat_id: &str,
    ) -> impl Stream<Item = Result<PostInfo>> + Send + 'static {
        self.posts_stream_paged(chat_id, 100)
    }

    /// Every post of a chat, newest first, `page_size` (1–250) a page.
    pub fn posts_stream_paged(
        &self,
        chat_id: &str,
        page_size: u32,
    ) -> impl Stream<Item = Result<PostInfo>> + Send + 'static {
        self.list_stream(
            format!("{TM}/chats/{}/posts", seg(chat_id)),
            Vec::new(),
            Some(page_size),
        )
    }

    /// `GET /team-messaging/v1/chats/{chatId}/threads/{threadId}/posts` (one page).
    pub async fn list_thread_posts(
        &self,
        chat_id: &str,
        thread_id: &str,
        page: &PageQuery,
    ) -> Result<Page<PostInfo>> {
        let path = format!(
            "{TM}/chats/{}/threads/{}/posts",
            seg(chat_id),
            seg(thread_id)
        );
        self.call(Method::GET, &path, &page.pairs(), Body::None)
            .await
    }

    /// `POST /team-messaging/v1/chats/{chatId}/posts`.
    pub async fn create_post(&self, chat_id: &str, req: &CreatePostRequest) -> Result<PostInfo> {
        self.call(
            Method::POST,
            &format!("{TM}/chats/{}/posts", seg(chat_id)),
            &[],
            Body::Json(to_value(req)?),
        )
        .await
    }

    /// Posts `text` in a chat.
    pub async fn send_text(&self, chat_id: &str, text: &str) -> Result<PostInfo> {
        self.create_post(
            chat_id,
            &CreatePostRequest {
                text: Some(text.to_string()),
                ..Default::default()
            },
        )
        .await
    }

    /// `GET /team-messaging/v1/chats/{chatId}/posts/{postId}`.
    pub async fn post(&self, chat_id: &str, post_id: &str) -> Result<PostInfo> {
        self.call(
            Method::GET,
            &format!("{TM}/chats/{}/posts/{}", seg(chat_id), seg(post_id)),
            &[],
            Body::None,
        )
        .await
    }

    /// `PATCH /team-messaging/v1/chats/{chatId}/posts/{postId}`: new text.
    pub async fn update_post(&self, chat_id: &str, post_id: &str, text: &str) -> Result<PostInfo> {
        let body = to_value(&w::UpdatePostRequest {
            text: Some(text.to_string()),
        })?;
        self.call(
            Method::PATCH,
            &format!("{TM}/chats/{}/posts/{}", seg(chat_id), seg(post_id)),
            &[],
            Body::Json(body),
        )
        .await
    }

    /// `DELETE /team-messaging/v1/chats/{chatId}/posts/{postId}`.
    pub async fn delete_post(&self, chat_id: &str, post_id: &str) -> Result<()> {
        self.call_empty(
            Method::DELETE,
            &format!("{TM}/chats/{}/posts/{}", seg(chat_id), seg(post_id)),
            Body::None,
        )
        .await
    }

    // ---------- adaptive cards ----------

    /// `POST /team-messaging/v1/chats/{chatId}/adaptive-cards`: posts a card in a chat.
    pub async fn create_adaptive_card(
        &self,
        chat_id: &str,
        card: &w::AdaptiveCardRequest,
    ) -> Result<w::AdaptiveCardShortInfo> {
        self.call(
            Method::POST,
            &format!("{TM}/chats/{}/adaptive-cards", seg(chat_id)),
            &[],
            Body::Json(to_value(card)?),
        )
        .await
    }

    /// `GET /team-messaging/v1/adaptive-cards/{cardId}`.
    pub async fn adaptive_card(&self, card_id: &str) -> Result<w::AdaptiveCardInfo> {
        self.call(
            Method::GET,
            &format!("{TM}/adaptive-cards/{}", seg(card_id)),
            &[],
            Body::None,
        )
        .await
    }

    /// `PUT /team-messaging/v1/adaptive-cards/{cardId}`: replaces a card (its creator only).
    pub async fn update_adaptive_card(
        &self,
        card_id: &str,
        card: &w::AdaptiveCardRequest,
    ) -> Result<w::AdaptiveCardShortInfo> {
        self.call(
            Method::PUT,
            &format!("{TM}/adaptive-cards/{}", seg(card_id)),
            &[],
            Body::Json(to_value(card)?),
        )
        .await
    }

    /// `DELETE /team-messaging/v1/adaptive-cards/{cardId}` (its creator only).
    pub async fn delete_adaptive_card(&self, card_id: &str) -> Result<()> {
        self.call_empty(
            Method::DELETE,
            &format!("{TM}/adaptive-cards/{}", seg(card_id)),
            Body::None,
        )
        .await
    }

    // ---------- persons and companies ----------

    /// `GET /team-messaging/v1/persons/{personId}` (`~`: the caller).
    pub async fn person(&self, person_id: &str) -> Result<PersonInfo> {
        self.call(
            Method::GET,
            &format!("{TM}/persons/{}", seg(person_id)),
            &[],
            Body::None,
        )
        .await
    }

    /// `GET /team-messaging/v1/companies/{companyId}` (`~`: the caller's).
    pub async fn company(&self, company_id: &str) -> Result<CompanyInfo> {
        self.call(
            Method::GET,
            &format!("{TM}/companies/{}", seg(company_id)),
            &[],
            Body::None,
        )
        .await
    }

    // ---------- subscriptions ----------

    /// `POST /restapi/v1.0/subscription` (WebHook; WebSocket subscriptions are made over the
    /// WebSocket, see [`Client::subscribe_ws`]).
    pub async fn create_subscription(&self, req: &SubscriptionRequest) -> Result<SubscriptionInfo> {
        self.call(
            Method::POST,
            "/restapi/v1.0/subscription",
            &[],
            Body::Json(to_value(req)?),
        )
        .await
    }

    /// A WebHook subscription to `address` for `event_filters`.
    pub async fn create_webhook(
        &self,
        event_filters: &[String],
        address: &str,
        verification_token: Option<&str>,
        expires_in: Option<i64>,
    ) -> Result<SubscriptionInfo> {
        self.create_subscription(&SubscriptionRequest {
            event_filters: Some(event_filters.to_vec()),
            delivery_mode: Some(w::DeliveryModeRequest {
                transport_type: Some("WebHook".into()),
                address: Some(address.to_string()),
                verification_token: verification_token.map(str::to_string),
                encryption: None,
            }),
            expires_in: expires_in.map(Into::into),
        })
        .await
    }

    /// `GET /restapi/v1.0/subscription`.
    pub async fn list_subscriptions(&self) -> Result<Vec<SubscriptionInfo>> {
        let list: w::SubscriptionList = self
            .call(Method::GET, "/restapi/v1.0/subscription", &[], Body::None)
            .await?;
        Ok(list.records)
    }

    /// `GET /restapi/v1.0/subscription/{id}`.
    pub async fn subscription(&self, id: &str) -> Result<SubscriptionInfo> {
        self.call(
            Method::GET,
            &format!("/restapi/v1.0/subscription/{}", seg(id)),
            &[],
            Body::None,
        )
        .await
    }

    /// `PUT /restapi/v1.0/subscription/{id}`: changes and renews.
    pub async fn update_subscription(
        &self,
        id: &str,
        req: &SubscriptionRequest,
    ) -> Result<SubscriptionInfo> {
        self.call(
            Method::PUT,
            &format!("/restapi/v1.0/subscription/{}", seg(id)),
            &[],
            Body::Json(to_value(req)?),
        )
        .await
    }

    /// `POST /restapi/v1.0/subscription/{id}/renew`.
    pub async fn renew_subscription(&self, id: &str) -> Result<SubscriptionInfo> {
        self.call(
            Method::POST,
            &format!("/restapi/v1.0/subscription/{}/renew", seg(id)),
            &[],
            Body::None,
        )
        .await
    }

    /// `DELETE /restapi/v1.0/subscription/{id}`.
    pub async fn delete_subscription(&self, id: &str) -> Result<()> {
        self.call_empty(
            Method::DELETE,
            &format!("/restapi/v1.0/subscription/{}", seg(id)),
            Body::None,
        )
        .await
    }

    /// `POST /restapi/oauth/wstoken`: a single-use token for a WebSocket connection.
    pub async fn ws_token(&self) -> Result<WsToken> {
        self.call(Method::POST, "/restapi/oauth/wstoken", &[], Body::None)
            .await
    }
}
