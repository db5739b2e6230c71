//! The operation table: every API route once, with its throttling group and who may call it
//! (the specs' `x-throttling-group` and `x-app-permission`, plus the console's and the admin
//! portal's sessions). The router, the gate (authentication, permission, rate limit, metrics)
//! and the OpenAPI document are all built from it.

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::handler::Handler;
use axum::middleware;
use axum::routing::{MethodFilter, MethodRouter, get, on};
use openglip_domain::{Error, Permission};

use crate::AppState;
use crate::api;
use crate::error::ApiError;
use crate::gate::gate;
use crate::ops::{Access, Answers, Op, QuerySchema};
use crate::ratelimit::Group;

pub const TM: &str = "/team-messaging/v1";
pub const GLIP: &str = "/restapi/v1.0/glip";
/// The chat types the `type` filter of the current API's chat lists takes.
const CHAT_TYPES: &[&str] = &["Everyone", "Team", "Group", "Personal", "Direct"];

/// What the server serves but does not render: the web pages, made by the pages' crate
/// (`openglip-web`) and handed in by whoever composes the application (the binary, the
/// testkit), so that dependencies point one way: the pages depend on the server, never back.
#[derive(Clone)]
pub struct Pages {
    /// Every page route (sign-in, console, portal, client, their assets), merged as they are:
    /// pages are not API operations, so they are not in the operation table.
    pub routes: Router<AppState>,
    /// `GET /restapi/oauth/authorize`: an API operation (gated, counted, documented) whose
    /// answer is a page.
    pub authorize_get: MethodRouter<AppState>,
    /// `POST /restapi/oauth/authorize`: the same, with the parameters as a form.
    pub authorize_post: MethodRouter<AppState>,
}

struct Table {
    ops: Vec<Op>,
    /// The handler of each operation; `None` only for a page's operation when the table is
    /// built without pages (for [`ops`], which needs no handlers).
    handlers: Vec<Option<MethodRouter<AppState>>>,
}

impl Table {
    /// Adds an operation and the handler that answers it (for the operation's method).
    fn add<H, T>(&mut self, op: Op, handler: H)
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(op.method.clone()).expect("a standard HTTP method");
        self.handlers.push(Some(on(filter, handler)));
        self.ops.push(op);
    }

    /// Adds an operation answered by a page (`page`, from [`Pages`]; `None` without pages).
    fn add_page(&mut self, op: Op, page: Option<&MethodRouter<AppState>>) {
        self.handlers.push(page.cloned());
        self.ops.push(op);
    }
}

#[rustfmt::skip]
fn table(pages: Option<&Pages>) -> Table {
    use Access::*;
    use Group::*;
    use api::{account, calendar, cards, chats, files, glip, legacy, meta, notes, posts, presence, profile, tasks, webhooks};
    let mut t = Table { ops: Vec::new(), handlers: Vec::new() };
    let tm = Token(Some(Permission::TeamMessaging));

    // ---- API information and OAuth (public) ----
    const INFO: &str = "API Info";
    t.add(Op::get("/restapi", "readAPIVersions").doc(INFO, "Get API versions").access(Public).group(NoThrottling).gives("ApiVersionsInfo"), meta::versions);
    t.add(Op::get("/restapi/{apiVersion}", "readAPIVersion").doc(INFO, "Get version info (v1.0; another version is not found)").access(Public).group(NoThrottling).gives("ApiVersionInfo"), meta::version);
    const OAUTH: &str = "OAuth 2.0";
    t.add(Op::post("/restapi/oauth/token", "getToken").doc(OAUTH, "Get a token (authorization_code with PKCE, refresh_token, password, JWT bearer grants)").access(Public).group(Auth).gives("TokenInfo"), crate::oauth::token);
    t.add_page(Op::get("/restapi/oauth/authorize", "authorize").doc(OAUTH, "Authorize: the sign-in and Access Request pages, then a redirect with code and state").access(Public).group(Auth).status(302).answers(Answers::PagesAndRedirect).query("client_id", QuerySchema::Text, "The app's client id").query("response_type", QuerySchema::OneOf(&["code"]), "code").query("redirect_uri", QuerySchema::Text, "One of the app's redirect URIs (optional when it registered one)").query("state", QuerySchema::Text, "Returned with the code").query("scope", QuerySchema::Text, "Permissions, space-separated (a subset of the app's)").query("code_challenge", QuerySchema::Text, "PKCE challenge (RFC 7636)").query("code_challenge_method", QuerySchema::OneOf(&["plain", "S256"]), "PKCE method (default plain)").query("prompt", QuerySchema::Text, "login, none, consent, sso (space-separated)").query("login_hint", QuerySchema::Text, "The login to prefill"), pages.map(|p| &p.authorize_get));
    t.add_page(Op::post("/restapi/oauth/authorize", "authorize2").doc(OAUTH, "Authorize (the same parameters as a form)").access(Public).group(Auth).status(302).answers(Answers::PagesAndRedirect), pages.map(|p| &p.authorize_post));
    t.add(Op::post("/restapi/oauth/revoke", "revokeToken").doc(OAUTH, "Revoke a token").access(Public).group(Auth), crate::oauth::revoke);
    t.add(Op::post("/restapi/oauth/wstoken", "getWsToken").doc(OAUTH, "Get a WebSocket access token (single-use; connect to its uri within expires_in)").access(Token(Some(Permission::WebSocket))).group(Auth).gives("WsToken"), crate::realtime::ws::wstoken);
    const OIDC: &str = "OpenID Connect";
    t.add(Op::get("/restapi/oauth/jwks", "authJwks").doc(OIDC, "The public keys ID tokens are signed with (JWK Set; the signing key and the previous one)").access(Public).group(NoThrottling).gives("JWKeySet"), crate::oidc::jwks);
    t.add(Op::get("/restapi/oauth/userinfo", "authUserInfo").doc(OIDC, "Claims about the token's person (a token of an authorization that asked for openid; profile and email claims as its scopes allow)").access(Token(Some(Permission::OpenId))).group(Auth).gives("UserInfoResource"), crate::oidc::userinfo);
    t.add(Op::get("/.well-known/openid-configuration", "readOpenIdConfiguration").doc(OIDC, "The OpenID provider's configuration (issuer, endpoints, keys, supported scopes, claims and methods)").access(Public).group(NoThrottling).gives("OpenIdDiscovery"), crate::oidc::discovery);

    // ---- an incoming webhook's URL (no token: the URL's secret; counted per webhook too) ----
    t.add(Op::post(format!("{}/{{key}}", webhooks::URL_PATH), "postIncomingWebhook").doc("Incoming Webhooks", "Post a message through an incoming webhook's URL (text, attachments incl. Adaptive Cards; or the legacy icon, activity, title, body)").access(Public).group(Medium).takes("IncomingWebhookMessage").gives("WebhookPostResult"), webhooks::post);
    t.add(Op::post("/webhook/{key}", "postIncomingWebhookV1").doc("Incoming Webhooks", "The same, at the version-less URL of older integrations").access(Public).group(Medium).takes("IncomingWebhookMessage").gives("WebhookPostResult"), webhooks::post);

    // ---- subscriptions (the permission depends on the transport; checked by the handler) ----
    use api::subscriptions as subs;
    const SUBS: &str = "Subscriptions";
    let sub = "/restapi/v1.0/subscription";
    let one = format!("{sub}/{{subscriptionId}}");
    t.add(Op::post(sub, "createSubscription").doc(SUBS, "Create a subscription (WebHook, or WebSocket over a WebSocket session)").takes("SubscriptionRequest").gives("SubscriptionInfo"), subs::create);
    t.add(Op::get(sub, "listSubscriptions").doc(SUBS, "List subscriptions").group(Light).gives("SubscriptionList"), subs::list);
    t.add(Op::get(&one, "readSubscription").doc(SUBS, "Get a subscription").group(Light).gives("SubscriptionInfo"), subs::read);
    t.add(Op::put(&one, "updateSubscription").doc(SUBS, "Update and renew a subscription").takes("SubscriptionRequest").gives("SubscriptionInfo"), subs::update);
    t.add(Op::delete(&one, "deleteSubscription").doc(SUBS, "Cancel a subscription").status(204), subs::delete);
    t.add(Op::post(format!("{one}/renew"), "renewSubscription").doc(SUBS, "Renew a subscription").group(Light).gives("SubscriptionInfo"), subs::renew);

    // ---- account and extension ----
    let ra = Token(Some(Permission::ReadAccounts));
    let ee = Token(Some(Permission::EditExtensions));
    let ext = "/restapi/v1.0/account/{accountId}/extension/{extensionId}";
    const USER: &str = "User Settings";
    t.add(Op::get("/restapi/v1.0/account/{accountId}", "readAccountInfo").doc("Company", "Get account info").access(ra).group(Light).gives("AccountInfo"), account::account);
    t.add(Op::get("/restapi/v1.0/account/{accountId}/extension", "listExtensions").doc("Extensions", "List the company's extensions (numbered pages; type, status, email and extensionNumber filters)").access(ra).group(Medium).gives("ExtensionList").query("page", QuerySchema::Count { min: 1, max: u32::MAX }, "Page number (from 1)").query("perPage", QuerySchema::Count { min: 1, max: account::MAX_PER_PAGE }, "Records per page").query("type", QuerySchema::AnyOf(account::TYPES), "Extension types").query("status", QuerySchema::AnyOf(account::STATUSES), "Extension statuses").query("email", QuerySchema::Text, "E-mail address (repeatable)").query("extensionNumber", QuerySchema::Text, "Extension number"), account::list_extensions);
    t.add(Op::get(ext, "readExtension").doc(USER, "Get extension").access(ra).group(Light).gives("ExtensionInfo"), account::extension);
    t.add(Op::delete(ext, "deleteExtension").doc(USER, "Delete extension (account administrators; the person's posts stay, their tokens and sessions end)").access(Token(Some(Permission::EditAccounts))).group(Medium).status(204), account::delete_extension);
    t.add(Op::put(ext, "updateExtension").doc(USER, "Update extension (contact: first and last name, email; regionalSettings.timezone)").access(ee).gives("ExtensionInfo"), profile::update);
    let rp = Token(Some(Permission::ReadPresence));
    let ep = Token(Some(Permission::EditPresence));
    t.add(Op::get(format!("{ext}/presence"), "readUserPresenceStatus").doc("Presence", "Get user presence status (from the web client's live connections and the status the person set)").access(rp).group(Light).gives("PresenceInfo"), presence::read);
    t.add(Op::put(format!("{ext}/presence"), "updateUserPresenceStatus").doc("Presence", "Update user presence status (userStatus, dndStatus, message)").access(ep).group(Medium).takes("PresenceInfoRequest").gives("PresenceInfo"), presence::update);
    t.add(Op::post("/restapi/v1.0/account/{accountId}/directory/entries/search", "searchDirectoryEntries").doc("Company Directory", "Search the company directory (searchString over searchFields, extensionType, orderBy, numbered pages)").access(ra).group(Heavy).takes("SearchDirectoryEntriesRequest").gives("DirectoryResource"), presence::search_directory);
    t.add(Op::get(format!("{ext}/profile-image"), "readUserProfileImageLegacy").doc(USER, "Get the profile image").access(ra), profile::image);
    t.add(Op::put(format!("{ext}/profile-image"), "updateUserProfileImage").doc(USER, "Upload a profile image (multipart field image)").access(ee).group(Heavy).status(204), profile::upload);
    t.add(Op::post(format!("{ext}/profile-image"), "createUserProfileImage").doc(USER, "Upload a profile image (multipart field image)").access(ee).group(Heavy).status(204), profile::upload);

    // ---- the seven operations of the Glip API overview, and the rest of the legacy groups API ----
    const GPOSTS: &str = "Glip Posts";
    const GGROUPS: &str = "Glip Groups";
    let group = format!("{GLIP}/groups/{{groupId}}");
    t.add(Op::get(format!("{GLIP}/posts"), "listGlipPosts").doc(GPOSTS, "Get posts (by groupId)").access(tm).group(Light).gives("PostList").query("groupId", QuerySchema::Text, "The group (or a pageToken naming it)").paged(), legacy::list_posts);
    t.add(Op::post(format!("{GLIP}/posts"), "createGlipPost").doc(GPOSTS, "Create a post (groupId in body)").access(tm).group(Light).takes("CreatePostRequest").gives("PostInfo"), legacy::create_post);
    t.add(Op::get(format!("{GLIP}/groups"), "listGlipGroups").doc(GGROUPS, "Get groups (type filter)").access(tm).gives("GlipGroupList").query("type", QuerySchema::AnyOf(&["Team", "Group", "PrivateChat", "PersonalChat", "Everyone"]), "Group types").paged(), legacy::list_groups);
    t.add(Op::post(format!("{GLIP}/groups"), "createGlipGroup").doc(GGROUPS, "Create a group (PrivateChat or Team)").access(tm).takes("GlipCreateGroup").gives("GlipGroupInfo"), legacy::create_group);
    t.add(Op::get(&group, "readGlipGroup").doc(GGROUPS, "Get group(s) (comma-separated ids answer 207 multipart/mixed)").access(tm).group(Light).gives("GlipGroupInfo").answers(Answers::JsonOrBatch), legacy::read_group);
    t.add(Op::post(format!("{group}/bulk-assign"), "assignGlipGroupMembers").doc(GGROUPS, "Add and remove team members").access(tm).takes("GlipBulkAssign").gives("GlipGroupInfo"), legacy::bulk_assign);
    t.add(Op::get(format!("{group}/posts"), "listGlipGroupPosts").doc(GPOSTS, "Get posts of a group").access(tm).gives("PostList").paged(), legacy::list_group_posts);
    t.add(Op::post(format!("{group}/posts"), "createGlipGroupPost").doc(GPOSTS, "Create a post in a group").access(tm).takes("CreatePostRequest").gives("PostInfo"), legacy::create_group_post);
    t.add(Op::put(format!("{group}/posts/{{postId}}/text"), "updateGlipPostText").doc(GPOSTS, "Replace a post's text (text/plain body)").access(tm), legacy::update_post_text);
    t.add(Op::get(format!("{GLIP}/persons/{{personId}}"), "readGlipPerson").doc("Glip Profile", "Get person(s) (comma-separated ids answer 207 multipart/mixed)").access(tm).group(Light).gives("PersonInfo").answers(Answers::JsonOrBatch), legacy::read_person);
    const GCARDS: &str = "Glip Cards";
    t.add(Op::post(format!("{GLIP}/cards"), "createGlipCard").doc(GCARDS, "Create a message card (Card, Event or Note) in a group (groupId)").access(tm).takes("GlipMessageAttachmentInfo").gives("GlipMessageAttachmentInfo").query("groupId", QuerySchema::Text, "The group to post the card into"), glip::create_card);
    t.add(Op::get(format!("{GLIP}/cards/{{cardId}}"), "readGlipCard").doc(GCARDS, "Get a message card").access(tm).gives("GlipMessageAttachmentInfo"), glip::read_card);
    t.add(Op::put(format!("{GLIP}/cards/{{cardId}}"), "updateGlipCard").doc(GCARDS, "Replace a message card (its creator)").access(tm).takes("GlipMessageAttachmentInfo").gives("GlipMessageAttachmentInfo"), glip::update_card);
    t.add(Op::delete(format!("{GLIP}/cards/{{cardId}}"), "deleteGlipCard").doc(GCARDS, "Delete a message card (its creator)").access(tm), glip::delete_card);
    t.add(Op::get(format!("{GLIP}/preferences"), "readGlipPreferences").doc("Glip Profile", "Get preferences (the web client's: every chat type in one rail)").access(tm).gives("GlipPreferencesInfo"), glip::preferences);
    t.add(Op::get(format!("{GLIP}/companies/{{companyId}}"), "readGlipCompany").doc("Glip Profile", "Get company").access(tm).group(Light).gives("CompanyInfo"), chats::company);

    // ---- files (the upload reads its own body, within --max-upload-size) ----
    const FILES: &str = "Posts";
    t.add(Op::post(format!("{TM}/files"), "createGlipFileNew").doc(FILES, "Upload file(s): multipart (a body part per file) or the bare body; with groupId, posted into that chat").access(tm).group(Heavy).gives("AddFileResponse").uploads().query("groupId", QuerySchema::Text, "The chat to post the file(s) into").query("name", QuerySchema::Text, "The file's name (else the part's file name)"), files::upload.layer(DefaultBodyLimit::disable()));
    t.add(Op::get(format!("{TM}/files/{{fileId}}"), "readGlipFileContent").doc(FILES, "A file's content (its contentUri; an openglip extension): for its uploader and the members of a chat it is posted in").access(tm).group(Light).answers(Answers::File), files::content);

    // ---- chats, conversations, teams, everyone, recent, favorites, posts: both prefixes ----
    for (prefix, legacy_prefix) in [(TM, false), (GLIP, true)] {
        macro_rules! id {
            ($cur:literal, $old:literal) => {
                if legacy_prefix { $old } else { $cur }
            };
        }
        let chat = format!("{prefix}/chats/{{chatId}}");
        let team = format!("{prefix}/teams/{{chatId}}");
        let post = format!("{chat}/posts/{{postId}}");
        let card = format!("{prefix}/adaptive-cards/{{cardId}}");
        const CHATS: &str = "Chats";
        t.add(Op::get(format!("{prefix}/chats"), id!("listChatsNew", "listGlipChats")).doc(CHATS, "List chats").access(tm).gives("ChatList").query("type", QuerySchema::AnyOf(CHAT_TYPES), "Chat types").paged(), chats::list_chats);
        t.add(Op::get(&chat, id!("readChatNew", "readGlipChat")).doc(CHATS, "Get chat").access(tm).group(Light).gives("ChatInfo"), chats::read_chat);
        t.add(Op::post(format!("{chat}/favorite"), id!("favoriteChatNew", "favoriteGlipChat")).doc(CHATS, "Add chat to favorites").access(tm).status(204), chats::favorite);
        t.add(Op::post(format!("{chat}/unfavorite"), id!("unfavoriteChatNew", "unfavoriteGlipChat")).doc(CHATS, "Remove chat from favorites").access(tm).status(204), chats::unfavorite);
        if legacy_prefix {
            // RingCentral's own clients' read marks: its internal permission, which the web client's first-party app holds.
            let internal = Token(Some(Permission::GlipInternal));
            t.add(Op::post(format!("{chat}/read"), "markChatRead").doc(CHATS, "Mark chat as read (up to its newest post; the GlipInternal permission of first-party clients)").access(internal).status(204), chats::mark_read);
            t.add(Op::post(format!("{chat}/unread"), "markChatUnread").doc(CHATS, "Mark chat as unread (from the newest post by someone else; the GlipInternal permission of first-party clients)").access(internal).status(204), chats::mark_unread);
        }
        t.add(Op::get(format!("{prefix}/recent/chats"), id!("listRecentChatsNew", "listRecentGlipChats")).doc(CHATS, "List recent chats").access(tm).group(Light).gives("ChatList").query("type", QuerySchema::AnyOf(CHAT_TYPES), "Chat types").query("recordCount", QuerySchema::Count { min: 1, max: 250 }, "How many (default 30)"), chats::recent);
        t.add(Op::get(format!("{prefix}/favorites"), id!("listFavoriteChatsNew", "listFavoriteGlipChats")).doc(CHATS, "List favorite chats").access(tm).group(Light).gives("ChatList").query("recordCount", QuerySchema::Count { min: 1, max: 250 }, "How many (default 30)"), chats::favorites);
        const CONV: &str = "Conversations";
        t.add(Op::get(format!("{prefix}/conversations"), id!("listGlipConversationsNew", "listGlipConversations")).doc(CONV, "List conversations").access(tm).gives("ConversationList").paged(), chats::list_conversations);
        t.add(Op::post(format!("{prefix}/conversations"), id!("createGlipConversationNew", "createGlipConversation")).doc(CONV, "Create or open a conversation (idempotent on the member set)").access(tm).takes("MembersRequest").gives("ConversationInfo"), chats::create_conversation);
        t.add(Op::get(format!("{prefix}/conversations/{{chatId}}"), id!("readGlipConversationNew", "readGlipConversation")).doc(CONV, "Get conversation").access(tm).group(Light).gives("ConversationInfo"), chats::read_conversation);
        const TEAMS: &str = "Teams";
        t.add(Op::get(format!("{prefix}/teams"), id!("listGlipTeamsNew", "listGlipTeams")).doc(TEAMS, "List teams").access(tm).gives("TeamList").paged(), chats::list_teams);
        t.add(Op::post(format!("{prefix}/teams"), id!("createGlipTeamNew", "createGlipTeam")).doc(TEAMS, "Create team").access(tm).status(201).takes("CreateTeamRequest").gives("TeamInfo"), chats::create_team);
        t.add(Op::get(&team, id!("readGlipTeamNew", "readGlipTeam")).doc(TEAMS, "Get team").access(tm).group(Light).gives("TeamInfo"), chats::read_team);
        t.add(Op::patch(&team, id!("patchGlipTeamNew", "patchGlipTeam")).doc(TEAMS, "Update team").access(tm).takes("PatchTeamRequest").gives("TeamInfo"), chats::patch_team);
        t.add(Op::delete(&team, id!("deleteGlipTeamNew", "deleteGlipTeam")).doc(TEAMS, "Delete team").access(tm).status(204), chats::delete_team);
        t.add(Op::post(format!("{team}/join"), id!("joinGlipTeamNew", "joinGlipTeam")).doc(TEAMS, "Join a public team").access(tm).status(204), chats::join_team);
        t.add(Op::post(format!("{team}/leave"), id!("leaveGlipTeamNew", "leaveGlipTeam")).doc(TEAMS, "Leave team").access(tm).status(204), chats::leave_team);
        t.add(Op::post(format!("{team}/add"), id!("addGlipTeamMembersNew", "addGlipTeamMembers")).doc(TEAMS, "Add team members").access(tm).status(204).takes("MembersRequest"), chats::add_members);
        t.add(Op::post(format!("{team}/remove"), id!("removeGlipTeamMembersNew", "removeGlipTeamMembers")).doc(TEAMS, "Remove team members").access(tm).status(204).takes("MembersRequest"), chats::remove_members);
        t.add(Op::post(format!("{team}/archive"), id!("archiveGlipTeamNew", "archiveGlipTeam")).doc(TEAMS, "Archive team").access(tm).status(204), chats::archive_team);
        t.add(Op::post(format!("{team}/unarchive"), id!("unarchiveGlipTeamNew", "unarchiveGlipTeam")).doc(TEAMS, "Unarchive team").access(tm).status(204), chats::unarchive_team);
        t.add(Op::get(format!("{prefix}/everyone"), id!("readGlipEveryoneNew", "readGlipEveryone")).doc(TEAMS, "Get the Everyone team").access(tm).group(Light).gives("EveryoneTeamInfo"), chats::everyone);
        t.add(Op::patch(format!("{prefix}/everyone"), id!("patchGlipEveryoneNew", "patchGlipEveryone")).doc(TEAMS, "Update the Everyone team").access(tm).takes("PatchTeamRequest").gives("EveryoneTeamInfo"), chats::patch_everyone);
        const POSTS: &str = "Posts";
        t.add(Op::get(format!("{chat}/posts"), id!("readGlipPostsNew", "readGlipPosts")).doc(POSTS, "List posts, newest first").access(tm).gives("PostList").paged(), posts::list);
        t.add(Op::post(format!("{chat}/posts"), id!("createGlipPostNew", "createGlipChatPost")).doc(POSTS, "Create post").access(tm).status(201).takes("CreatePostRequest").gives("PostInfo"), posts::create);
        t.add(Op::get(&post, id!("readGlipPostNew", "readGlipPost")).doc(POSTS, "Get post").access(tm).group(Light).gives("PostInfo"), posts::read);
        t.add(Op::patch(&post, id!("patchGlipPostNew", "patchGlipPost")).doc(POSTS, "Edit post").access(tm).takes("UpdatePostRequest").gives("PostInfo"), posts::patch);
        t.add(Op::delete(&post, id!("deleteGlipPostNew", "deleteGlipPost")).doc(POSTS, "Delete post").access(tm).status(204), posts::delete);
        t.add(Op::get(format!("{chat}/threads/{{threadId}}/posts"), id!("readGlipThreadPostsNew", "readGlipThreadPosts")).doc(POSTS, "List posts of a thread").access(tm).gives("PostList").paged(), posts::thread);
        // Adaptive cards; the legacy paths are not in spec 1.0.46 but RingCentral's bot
        // frameworks call them.
        const CARDS: &str = "Adaptive Cards";
        t.add(Op::post(format!("{chat}/adaptive-cards"), id!("createGlipAdaptiveCardNew", "createGlipAdaptiveCard")).doc(CARDS, "Create adaptive card").access(tm).status(201).takes("AdaptiveCardRequest").gives("AdaptiveCardShortInfo"), cards::create);
        t.add(Op::get(&card, id!("getGlipAdaptiveCardNew", "getGlipAdaptiveCard")).doc(CARDS, "Get adaptive card (several comma-separated ids: 207 multipart)").access(tm).gives("AdaptiveCardInfo").answers(Answers::JsonOrBatch), cards::read);
        t.add(Op::put(&card, id!("updateGlipAdaptiveCardNew", "updateGlipAdaptiveCard")).doc(CARDS, "Update adaptive card").access(tm).takes("AdaptiveCardRequest").gives("AdaptiveCardShortInfo"), cards::update);
        t.add(Op::delete(&card, id!("deleteGlipAdaptiveCardNew", "deleteGlipAdaptiveCard")).doc(CARDS, "Delete adaptive card").access(tm).status(204), cards::delete);
        // Data export: account administrators only (the service says so to others).
        const EXPORT: &str = "Data Export";
        let export = format!("{prefix}/data-export");
        t.add(Op::post(&export, id!("createDataExportTaskNew", "createDataExportTask")).doc(EXPORT, "Create a data export task (administrators; 202, built in the background)").access(tm).group(Heavy).status(202).takes("CreateDataExportTaskRequest").gives("DataExportTask"), api::exports::create);
        t.add(Op::get(&export, id!("listDataExportTasksNew", "listDataExportTasks")).doc(EXPORT, "List data export tasks").access(tm).gives("DataExportTaskList").query("status", QuerySchema::OneOf(&["Accepted", "InProgress", "Completed", "Failed", "Expired"]), "Only tasks of this status").query("page", QuerySchema::Count { min: 1, max: 1_000_000 }, "Page number (from 1)").query("perPage", QuerySchema::Count { min: 1, max: 1000 }, "Tasks per page (default 100)"), api::exports::list);
        t.add(Op::get(format!("{export}/{{taskId}}"), id!("readDataExportTaskNew", "readDataExportTask")).doc(EXPORT, "Get a data export task (datasets' links once Completed)").access(tm).gives("DataExportTask"), api::exports::read);
        t.add(Op::get(format!("{export}/{{taskId}}/datasets/{{datasetId}}"), id!("readDataExportTaskDatasetNew", "readDataExportTaskDataset")).doc(EXPORT, "Download a dataset (a ZIP archive of JSON files)").access(tm).group(Heavy), api::exports::dataset);
        // Incoming webhooks (`groupId` in both generations' paths).
        const HOOKS: &str = "Incoming Webhooks";
        let hook = format!("{prefix}/webhooks/{{webhookId}}");
        t.add(Op::get(format!("{prefix}/groups/{{groupId}}/webhooks"), id!("listGlipGroupWebhooksNew", "listGlipGroupWebhooks")).doc(HOOKS, "List webhooks in group").access(tm).group(Medium).gives("WebhookList"), webhooks::list_of_chat);
        t.add(Op::post(format!("{prefix}/groups/{{groupId}}/webhooks"), id!("createGlipGroupWebhookNew", "createGlipGroupWebhook")).doc(HOOKS, "Create webhook in group (the answer alone carries its URL, which holds its secret)").access(tm).group(Medium).gives("WebhookInfo"), webhooks::create);
        t.add(Op::get(format!("{prefix}/webhooks"), id!("listGlipWebhooksNew", "listGlipWebhooks")).doc(HOOKS, "List webhooks of the caller's chats").access(tm).group(Medium).gives("WebhookList"), webhooks::list_mine);
        t.add(Op::get(&hook, id!("readGlipWebhookNew", "readGlipWebhook")).doc(HOOKS, "Get webhook(s) (comma-separated ids)").access(tm).group(Medium).gives("WebhookList"), webhooks::read);
        t.add(Op::delete(&hook, id!("deleteGlipWebhookNew", "deleteGlipWebhook")).doc(HOOKS, "Delete webhook").access(tm).group(Medium), webhooks::delete);
        t.add(Op::post(format!("{hook}/activate"), id!("activateGlipWebhookNew", "activateGlipWebhook")).doc(HOOKS, "Activate webhook").access(tm).group(Medium), webhooks::activate);
        t.add(Op::post(format!("{hook}/suspend"), id!("suspendGlipWebhookNew", "suspendGlipWebhook")).doc(HOOKS, "Suspend webhook").access(tm).group(Medium), webhooks::suspend);
        // Tasks, notes and calendar events (`api::tasks`, `api::notes`, `api::calendar`).
        const TASKS: &str = "Tasks";
        let task = format!("{prefix}/tasks/{{taskId}}");
        t.add(Op::get(format!("{chat}/tasks"), id!("listChatTasksNew", "listChatTasks")).doc(TASKS, "List chat tasks (filters and paging)").access(tm).group(Heavy).gives("TaskList").query("creationTimeFrom", QuerySchema::Text, "Created at or after (ISO 8601)").query("creationTimeTo", QuerySchema::Text, "Created at or before (ISO 8601)").query("creatorId", QuerySchema::Text, "Creators (comma-separated or repeated)").query("status", QuerySchema::AnyOf(&["Pending", "InProgress", "Completed"]), "Task statuses").query("assignmentStatus", QuerySchema::OneOf(&["Unassigned", "Assigned"]), "Assigned or not").query("assigneeId", QuerySchema::Text, "Assignees (comma-separated or repeated)").query("assigneeStatus", QuerySchema::OneOf(&["Pending", "Completed"]), "Status of the assignees named").paged(), tasks::list);
        t.add(Op::post(format!("{chat}/tasks"), id!("createTaskNew", "createTask")).doc(TASKS, "Create task (posted into the chat as its card)").access(tm).status(201).takes("TaskRequest").gives("TaskInfo"), tasks::create);
        t.add(Op::get(&task, id!("readTaskNew", "readTask")).doc(TASKS, "Get task(s) (comma-separated ids: 207 multipart)").access(tm).gives("TaskInfo").answers(Answers::JsonOrBatch), tasks::read);
        t.add(Op::patch(&task, id!("patchTaskNew", "patchTask")).doc(TASKS, "Update task (answers a TaskList of the one task, as RingCentral's spec says)").access(tm).takes("TaskRequest").gives("TaskList"), tasks::patch);
        t.add(Op::delete(&task, id!("deleteTaskNew", "deleteTask")).doc(TASKS, "Delete task (its creator or an account administrator)").access(tm).status(204), tasks::delete);
        t.add(Op::post(format!("{task}/complete"), id!("completeTaskNew", "completeTask")).doc(TASKS, "Complete task (Simple, AllAssignees or Percentage)").access(tm).status(204).takes("CompleteTaskRequest"), tasks::complete);
        const NOTES: &str = "Notes";
        let note = format!("{prefix}/notes/{{noteId}}");
        t.add(Op::get(format!("{chat}/notes"), id!("listChatNotesNew", "listChatNotes")).doc(NOTES, "List notes (drafts only to their creator)").access(tm).group(Heavy).gives("NoteList").query("creationTimeFrom", QuerySchema::Text, "Created at or after (ISO 8601)").query("creationTimeTo", QuerySchema::Text, "Created at or before (ISO 8601)").query("creatorId", QuerySchema::Text, "Creators (comma-separated or repeated)").query("status", QuerySchema::OneOf(&["Active", "Draft"]), "Note status").paged(), notes::list);
        t.add(Op::post(format!("{chat}/notes"), id!("createChatNoteNew", "createChatNote")).doc(NOTES, "Create note (a draft)").access(tm).takes("NoteRequest").gives("NoteInfo"), notes::create);
        t.add(Op::get(&note, id!("readUserNoteNew", "readUserNote")).doc(NOTES, "Get note(s) with body (comma-separated ids: 207 multipart)").access(tm).gives("NoteInfo").answers(Answers::JsonOrBatch), notes::read);
        t.add(Op::patch(&note, id!("patchNoteNew", "patchNote")).doc(NOTES, "Update note (not while another person holds its lock)").access(tm).takes("NoteRequest").gives("NoteInfo").query("releaseLock", QuerySchema::OneOf(&["true", "false"]), "Let go of one's lock"), notes::patch);
        t.add(Op::delete(&note, id!("deleteNoteNew", "deleteNote")).doc(NOTES, "Delete note (its creator or an account administrator)").access(tm).status(204), notes::delete);
        t.add(Op::post(format!("{note}/lock"), id!("lockNoteNew", "lockNote")).doc(NOTES, "Lock note (five hours)").access(tm).group(Light).status(204), notes::lock);
        t.add(Op::post(format!("{note}/unlock"), id!("unlockNoteNew", "unlockNote")).doc(NOTES, "Unlock note").access(tm).group(Light).status(204), notes::unlock);
        if legacy_prefix {
            t.add(Op::post(format!("{note}/publish"), "publishNote").doc(NOTES, "Publish note (posted into the chat as its card)").access(tm).status(204), notes::publish_legacy);
        } else {
            t.add(Op::post(format!("{note}/publish"), "publishNoteNew").doc(NOTES, "Publish note (posted into the chat as its card)").access(tm).gives("NoteInfo"), notes::publish);
        }
        const EVENTS: &str = "Calendar Events";
        let events = format!("{prefix}/events");
        let event = format!("{events}/{{eventId}}");
        let group_events = format!("{prefix}/groups/{{groupId}}/events");
        if legacy_prefix {
            t.add(Op::get(&events, "readGlipEvents").doc(EVENTS, "List my events").access(tm).gives("GlipEventList").paged(), calendar::list_legacy);
            t.add(Op::post(&events, "createEvent").doc(EVENTS, "Create event").access(tm).takes("EventRequest").gives("GlipEventInfo"), calendar::create_legacy);
            t.add(Op::get(&event, "readEvent").doc(EVENTS, "Get event(s) (comma-separated ids: 207 multipart)").access(tm).gives("GlipEventInfo").answers(Answers::JsonOrBatch), calendar::read_legacy);
            t.add(Op::put(&event, "updateEvent").doc(EVENTS, "Update event (its creator)").access(tm).takes("EventRequest").gives("GlipEventInfo"), calendar::update_legacy);
            t.add(Op::get(&group_events, "listGroupEvents").doc(EVENTS, "List a group's events").access(tm).gives("GlipEventList").paged(), calendar::group_list_legacy);
            t.add(Op::post(&group_events, "createEventbyGroupId").doc(EVENTS, "Create event in a group (posted there as its card)").access(tm).takes("EventRequest").gives("GlipEventInfo"), calendar::group_create_legacy);
        } else {
            t.add(Op::get(&events, "readGlipEventsNew").doc(EVENTS, "List my events").access(tm).gives("EventList").paged(), calendar::list);
            t.add(Op::post(&events, "createEventNew").doc(EVENTS, "Create event").access(tm).takes("EventRequest").gives("EventInfo"), calendar::create);
            t.add(Op::get(&event, "readEventNew").doc(EVENTS, "Get event(s) (comma-separated ids: 207 multipart)").access(tm).gives("EventInfo").answers(Answers::JsonOrBatch), calendar::read);
            t.add(Op::put(&event, "updateEventNew").doc(EVENTS, "Update event (its creator)").access(tm).takes("EventRequest").gives("EventInfo"), calendar::update);
            t.add(Op::get(&group_events, "listGroupEventsNew").doc(EVENTS, "List a group's events").access(tm).gives("EventList").paged(), calendar::group_list);
            t.add(Op::post(&group_events, "createEventByGroupIdNew").doc(EVENTS, "Create event in a group (posted there as its card)").access(tm).takes("EventRequest").gives("EventInfo"), calendar::group_create);
        }
        t.add(Op::delete(&event, id!("deleteEventNew", "deleteEvent")).doc(EVENTS, "Delete event (its creator)").access(tm), calendar::delete);
        if !legacy_prefix {
            t.add(Op::get(format!("{prefix}/persons/{{personId}}"), "readGlipPersonNew").doc("Profile", "Get person").access(tm).group(Light).gives("PersonInfo"), chats::person);
            t.add(Op::get(format!("{prefix}/companies/{{companyId}}"), "readGlipCompanyNew").doc("Profile", "Get company").access(tm).group(Light).gives("CompanyInfo"), chats::company);
        }
    }

    // ---- search: an openglip extension (docs/API-COMPAT.md), on the current prefix only ----
    t.add(Op::get(format!("{TM}/search/posts"), "searchPostsOpenglip").doc("Search (openglip extension)", "Search the posts of the caller's chats: every word as a prefix, best match first, with a highlight").access(tm).group(Medium).gives("SearchPostList").query("q", QuerySchema::Text, "The words to find (letters and digits; everything else separates words); required").query("chatId", QuerySchema::Text, "Only posts of this chat (one the caller is a member of)").query("creatorId", QuerySchema::Text, "Only posts by this person").query("since", QuerySchema::Text, "Only posts created at or after this instant (ISO 8601)").query("until", QuerySchema::Text, "Only posts created before this instant (ISO 8601)").paged(), api::search::posts);

    // ---- the developer console's JSON API (a console session) ----
    use api::{console, portal, session};
    const CONSOLE: &str = "Developer Console";
    let app = "/console/api/apps/{clientId}";
    t.add(Op::post("/console/api/session", "createConsoleSession").doc(CONSOLE, "Sign in (login, extension, password): a session token").access(Public).group(Auth).takes("WebSessionRequest").gives("WebSessionInfo"), session::open_console);
    t.add(Op::delete("/console/api/session", "deleteConsoleSession").doc(CONSOLE, "Sign out").access(Developer).group(Light).status(204), session::close_console);
    t.add(Op::get("/console/api/apps", "listConsoleApps").doc(CONSOLE, "List my apps").access(Developer).group(Light).gives("ConsoleAppList"), console::list_apps);
    t.add(Op::post("/console/api/apps", "createConsoleApp").doc(CONSOLE, "Create an app (in the sandbox)").access(Developer).status(201).takes("ConsoleAppRequest").gives("ConsoleNewApp"), console::create_app);
    t.add(Op::get(app, "readConsoleApp").doc(CONSOLE, "Get an app").access(Developer).group(Light).gives("ConsoleApp"), console::read_app);
    t.add(Op::post(format!("{app}/secret"), "rotateConsoleAppSecret").doc(CONSOLE, "Issue a new client secret (the old one stops working)").access(Developer).gives("ConsoleClientSecret"), console::rotate_secret);
    t.add(Op::get(format!("{app}/undeliverable"), "listConsoleUndeliverable").doc(CONSOLE, "WebHook notifications of the app's subscriptions given up on after their retries").access(Developer).group(Light).gives("ConsoleUndeliverableList"), console::list_undeliverable);
    t.add(Op::post(format!("{app}/undeliverable/{{eventId}}/redeliver"), "redeliverConsoleUndeliverable").doc(CONSOLE, "Deliver a notification given up on once more (forgotten when accepted)").access(Developer).group(Medium).status(204), console::redeliver);
    t.add(Op::get(format!("{app}/usage"), "readConsoleAppUsage").doc(CONSOLE, "API usage and graduation requirements").access(Developer).group(Light).gives("ConsoleAppUsage"), console::usage);
    t.add(Op::post(format!("{app}/production"), "applyForProduction").doc(CONSOLE, "Apply for production (409 while a requirement is not met)").access(Developer).gives("ConsoleProductionDecision"), console::apply_for_production);
    t.add(Op::post(format!("{app}/install"), "installConsoleBot").doc(CONSOLE, "Add a private bot to my sandbox (or company): its token is POSTed to its redirect URI").access(Developer).status(201).gives("ConsoleBotInstall"), console::install_bot);
    t.add(Op::get("/console/api/sandbox", "readConsoleSandbox").doc(CONSOLE, "Get my sandbox account").access(Developer).group(Light).gives("ConsoleSandbox"), console::sandbox);
    t.add(Op::post("/console/api/sandbox", "createConsoleSandbox").doc(CONSOLE, "Create my sandbox account (I am its administrator, extension 101)").access(Developer).group(Heavy).status(201).takes("ConsoleSandboxRequest").gives("ConsoleSandbox"), console::create_sandbox);
    t.add(Op::get("/console/api/jwt", "listConsoleJwts").doc(CONSOLE, "List my JWT credentials").access(Developer).group(Light).gives("ConsoleJwtList"), console::list_jwts);
    t.add(Op::post("/console/api/jwt", "createConsoleJwt").doc(CONSOLE, "Create a JWT credential (shown once)").access(Developer).status(201).takes("ConsoleJwtRequest").gives("ConsoleJwt"), console::create_jwt);
    t.add(Op::delete("/console/api/jwt/{jwtId}", "revokeConsoleJwt").doc(CONSOLE, "Revoke a JWT credential").access(Developer).status(204), console::revoke_jwt);

    // ---- the admin portal's JSON API (an administrator's account session) ----
    const ADMIN: &str = "Admin Portal";
    let user = "/admin/api/users/{extensionId}";
    t.add(Op::post("/admin/api/session", "createAdminSession").doc(ADMIN, "Sign in as an administrator: a session token").access(Public).group(Auth).takes("WebSessionRequest").gives("WebSessionInfo"), session::open_admin);
    t.add(Op::delete("/admin/api/session", "deleteAdminSession").doc(ADMIN, "Sign out").access(AccountAdmin).group(Light).status(204), session::close_admin);
    t.add(Op::get("/admin/api/users", "listAdminUsers").doc(ADMIN, "List the company's people (search by name, email or extension)").access(AccountAdmin).group(Light).gives("AdminUserList").query("search", QuerySchema::Text, "Part of a name, e-mail or extension number"), portal::list_users);
    t.add(Op::post("/admin/api/users", "createAdminUser").doc(ADMIN, "Add a person (with a password, or an activation link)").access(AccountAdmin).group(Heavy).status(201).takes("AdminUserRequest").gives("AdminNewUser"), portal::add_user);
    t.add(Op::get(user, "readAdminUser").doc(ADMIN, "Get a person").access(AccountAdmin).group(Light).gives("AdminUser"), portal::read_user);
    t.add(Op::patch(user, "updateAdminUser").doc(ADMIN, "Change a person: names, email, status, administrator role, password").access(AccountAdmin).group(Heavy).takes("AdminUserPatch").gives("AdminUser"), portal::change_user);
    t.add(Op::get("/admin/api/unassigned", "listUnassignedExtensions").doc(ADMIN, "List unassigned extensions").access(AccountAdmin).group(Light).gives("AdminUnassignedList"), portal::list_unassigned);
    t.add(Op::post("/admin/api/unassigned", "createUnassignedExtension").doc(ADMIN, "Keep the next extension number for someone").access(AccountAdmin).status(201).gives("AdminUnassignedExtension"), portal::add_unassigned);
    t.add(Op::post("/admin/api/unassigned/{extensionNumber}", "assignUnassignedExtension").doc(ADMIN, "Add a person on a kept extension number").access(AccountAdmin).group(Heavy).status(201).takes("AdminUserRequest").gives("AdminNewUser"), portal::assign);
    t.add(Op::get("/admin/api/apps", "listAdminApps").doc(ADMIN, "Bots added to the company, and apps people authorized").access(AccountAdmin).group(Light).gives("AdminAccountApps"), portal::list_apps);
    t.add(Op::delete("/admin/api/bots/{extensionId}", "removeAdminBot").doc(ADMIN, "Remove a bot from the company").access(AccountAdmin).status(204), portal::remove_bot);
    t.add(Op::delete("/admin/api/apps/{clientId}", "removeAdminApp").doc(ADMIN, "Remove an app: revoke every token it holds in the company").access(AccountAdmin).gives("AdminRevokedTokens"), portal::remove_app);
    t.add(Op::get("/admin/api/outbox", "listAdminMail").doc(ADMIN, "The mail outbox (what this server would have emailed)").access(AccountAdmin).group(Light).gives("AdminMailList"), portal::outbox);
    t
}

/// The operation table alone (for the OpenAPI document and metrics).
pub fn ops() -> Vec<Op> {
    table(None).ops
}

/// The whole HTTP application: the operation table, the gateway, and the `pages`.
pub fn router(state: AppState, pages: Pages) -> Router {
    let Table { ops, handlers } = table(Some(&pages));
    let mut router: Router<AppState> = Router::new();
    for (index, (op, handler)) in ops.iter().zip(handlers).enumerate() {
        let Some(handler) = handler else {
            unreachable!("a table built with pages has every handler ({})", op.id)
        };
        let gated =
            handler.route_layer(middleware::from_fn_with_state((state.clone(), index), gate));
        router = router.route(&op.path, gated);
    }
    let app = router
        .route("/openapi.json", get(crate::openapi::serve))
        .route("/metrics", get(api::meta::metrics))
        // Probes for a process supervisor or a proxy: alive, and ready to serve.
        .route("/healthz", get(api::meta::healthz))
        .route("/readyz", get(api::meta::readyz))
        .merge(pages.routes)
        // The WebSocket gateway (`uri` of `/restapi/oauth/wstoken`); authenticated by its token.
        .route("/ws", get(crate::realtime::ws::upgrade))
        // Every matched route leaves its template on the answer for the access log.
        .route_layer(middleware::from_fn(crate::access_log::mark_route))
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(crate::BODY_LIMIT))
        // One log line per request, with its `X-Request-Id` (tunnelled requests too).
        .layer(middleware::from_fn(crate::access_log::log_request))
        .with_state(state);
    // `ClientRequest` frames run through the same application (without this layer, so a
    // tunnelled request cannot open a WebSocket).
    let tunnel = crate::realtime::ws::Tunnel(app.clone());
    app.layer(axum::Extension(tunnel))
}

async fn unknown_route(State(state): State<AppState>) -> ApiError {
    state
        .0
        .metrics
        .unmatched
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    ApiError(Error::InvalidUri)
}

async fn method_not_allowed() -> ApiError {
    ApiError(Error::MethodNotAllowed)
}
