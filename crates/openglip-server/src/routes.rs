//! The operation table: every API route once, with its throttling group and required app
//! permission (the specs' `x-throttling-group` and `x-app-permission`). The router, the gate
//! (authentication, permission, rate limit, metrics) and the OpenAPI document are all built
//! from it.

use std::net::SocketAddr;
use std::time::Instant;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, get, on};
use openglip_domain::{Caller, Error, Permission};

use crate::AppState;
use crate::api;
use crate::error::{ApiError, needs};
use crate::ratelimit::Group;

/// One API operation.
#[derive(Debug, Clone)]
pub struct Op {
    pub method: Method,
    pub path: String,
    pub id: &'static str,
    pub summary: &'static str,
    pub tag: &'static str,
    pub group: Group,
    /// Required app permission; None for public endpoints.
    pub permission: Option<Permission>,
    /// Whether a bearer token is required.
    pub auth: bool,
    /// The success status.
    pub status: u16,
    /// Wire schema names of the request and response bodies, for the OpenAPI document.
    pub request: Option<&'static str>,
    pub response: Option<&'static str>,
}

pub const TM: &str = "/team-messaging/v1";
pub const GLIP: &str = "/restapi/v1.0/glip";

struct Table {
    ops: Vec<Op>,
    handlers: Vec<MethodRouter<AppState>>,
}

impl Table {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        method: Method,
        path: impl Into<String>,
        id: &'static str,
        summary: &'static str,
        tag: &'static str,
        group: Group,
        permission: Option<Permission>,
        status: u16,
        request: Option<&'static str>,
        response: Option<&'static str>,
        handler: MethodRouter<AppState>,
    ) {
        self.ops.push(Op {
            auth: permission.is_some(),
            method,
            path: path.into(),
            id,
            summary,
            tag,
            group,
            permission,
            status,
            request,
            response,
        });
        self.handlers.push(handler);
    }
}

impl Table {
    /// The last operation needs a token but no fixed app permission (its handler decides).
    fn authed(&mut self) {
        if let Some(op) = self.ops.last_mut() {
            op.auth = true;
        }
    }
}

#[rustfmt::skip]
fn table() -> Table {
    use Group::*;
    use Method as M;
    use api::{account, cards, chats, legacy, meta, posts};
    let tmp = Some(Permission::TeamMessaging);
    let mut t = Table {
        ops: Vec::new(),
        handlers: Vec::new(),
    };

    // ---- API information and OAuth (public) ----
    t.add(
        M::GET,
        "/restapi",
        "readAPIVersions",
        "Get API versions",
        "API Info",
        NoThrottling,
        None,
        200,
        None,
        Some("ApiVersionsInfo"),
        get(meta::versions),
    );
    t.add(
        M::GET,
        "/restapi/v1.0",
        "readAPIVersion",
        "Get version info",
        "API Info",
        NoThrottling,
        None,
        200,
        None,
        Some("ApiVersionInfo"),
        get(meta::version),
    );
    t.add(
        M::POST,
        "/restapi/oauth/token",
        "getToken",
        "Get a token (authorization_code with PKCE, refresh_token, password, JWT bearer grants)",
        "OAuth 2.0",
        Auth,
        None,
        200,
        None,
        Some("TokenInfo"),
        on(MethodFilter::POST, crate::oauth::token),
    );
    t.add(
        M::GET,
        "/restapi/oauth/authorize",
        "authorize",
        "Authorize: the sign-in and Access Request pages, then a redirect with code and state",
        "OAuth 2.0",
        Auth,
        None,
        302,
        None,
        None,
        get(crate::web::authorize::authorize_get),
    );
    t.add(
        M::POST,
        "/restapi/oauth/authorize",
        "authorize2",
        "Authorize (the same parameters as a form)",
        "OAuth 2.0",
        Auth,
        None,
        302,
        None,
        None,
        on(MethodFilter::POST, crate::web::authorize::authorize_post),
    );
    t.add(
        M::POST,
        "/restapi/oauth/revoke",
        "revokeToken",
        "Revoke a token",
        "OAuth 2.0",
        Auth,
        None,
        200,
        None,
        None,
        on(MethodFilter::POST, crate::oauth::revoke),
    );
    t.add(
        M::POST,
        "/restapi/oauth/wstoken",
        "getWsToken",
        "Get a WebSocket access token (single-use; connect to its uri within expires_in)",
        "OAuth 2.0",
        Auth,
        Some(Permission::WebSocket),
        200,
        None,
        Some("WsToken"),
        on(MethodFilter::POST, crate::realtime::ws::wstoken),
    );

    // ---- subscriptions (the permission depends on the transport; checked by the handler) ----
    use api::subscriptions as subs;
    let sub_path = "/restapi/v1.0/subscription";
    t.add(M::POST, sub_path, "createSubscription", "Create a subscription (WebHook, or WebSocket over a WebSocket session)", "Subscriptions", Medium, None, 200, Some("SubscriptionRequest"), Some("SubscriptionInfo"), on(MethodFilter::POST, subs::create));
    t.authed();
    t.add(M::GET, sub_path, "listSubscriptions", "List subscriptions", "Subscriptions", Light, None, 200, None, Some("SubscriptionList"), get(subs::list));
    t.authed();
    t.add(M::GET, format!("{sub_path}/{{subscriptionId}}"), "readSubscription", "Get a subscription", "Subscriptions", Light, None, 200, None, Some("SubscriptionInfo"), get(subs::read));
    t.authed();
    t.add(M::PUT, format!("{sub_path}/{{subscriptionId}}"), "updateSubscription", "Update and renew a subscription", "Subscriptions", Medium, None, 200, Some("SubscriptionRequest"), Some("SubscriptionInfo"), on(MethodFilter::PUT, subs::update));
    t.authed();
    t.add(M::DELETE, format!("{sub_path}/{{subscriptionId}}"), "deleteSubscription", "Cancel a subscription", "Subscriptions", Medium, None, 204, None, None, on(MethodFilter::DELETE, subs::delete));
    t.authed();
    t.add(M::POST, format!("{sub_path}/{{subscriptionId}}/renew"), "renewSubscription", "Renew a subscription", "Subscriptions", Light, None, 200, None, Some("SubscriptionInfo"), on(MethodFilter::POST, subs::renew));
    t.authed();

    // ---- account and extension ----
    let ra = Some(Permission::ReadAccounts);
    t.add(
        M::GET,
        "/restapi/v1.0/account/{accountId}",
        "readAccountInfo",
        "Get account info",
        "Company",
        Light,
        ra,
        200,
        None,
        Some("AccountInfo"),
        get(account::account),
    );
    t.add(
        M::GET,
        "/restapi/v1.0/account/{accountId}/extension/{extensionId}",
        "readExtension",
        "Get extension",
        "User Settings",
        Light,
        ra,
        200,
        None,
        Some("ExtensionInfo"),
        get(account::extension),
    );
    let ee = Some(Permission::EditExtensions);
    let ext_path = "/restapi/v1.0/account/{accountId}/extension/{extensionId}";
    t.add(M::PUT, ext_path, "updateExtension", "Update extension (contact: first and last name, email)", "User Settings", Medium, ee, 200, None, Some("ExtensionInfo"), on(MethodFilter::PUT, api::profile::update));
    t.add(M::GET, format!("{ext_path}/profile-image"), "readUserProfileImageLegacy", "Get the profile image", "User Settings", Medium, ra, 200, None, None, get(api::profile::image));
    t.add(M::PUT, format!("{ext_path}/profile-image"), "updateUserProfileImage", "Upload a profile image (multipart field image)", "User Settings", Heavy, ee, 204, None, None, on(MethodFilter::PUT, api::profile::upload));
    t.add(M::POST, format!("{ext_path}/profile-image"), "createUserProfileImage", "Upload a profile image (multipart field image)", "User Settings", Heavy, ee, 204, None, None, on(MethodFilter::POST, api::profile::upload));

    // ---- the seven operations of the Glip API overview, and the rest of the legacy groups API ----
    t.add(
        M::GET,
        format!("{GLIP}/posts"),
        "listGlipPosts",
        "Get posts (by groupId)",
        "Glip Posts",
        Light,
        tmp,
        200,
        None,
        Some("PostList"),
        get(legacy::list_posts),
    );
    t.add(
        M::POST,
        format!("{GLIP}/posts"),
        "createGlipPost",
        "Create a post (groupId in body)",
        "Glip Posts",
        Light,
        tmp,
        200,
        Some("CreatePostRequest"),
        Some("PostInfo"),
        on(MethodFilter::POST, legacy::create_post),
    );
    t.add(
        M::GET,
        format!("{GLIP}/groups"),
        "listGlipGroups",
        "Get groups (type filter)",
        "Glip Groups",
        Medium,
        tmp,
        200,
        None,
        Some("GlipGroupList"),
        get(legacy::list_groups),
    );
    t.add(
        M::POST,
        format!("{GLIP}/groups"),
        "createGlipGroup",
        "Create a group (PrivateChat or Team)",
        "Glip Groups",
        Medium,
        tmp,
        200,
        Some("GlipCreateGroup"),
        Some("GlipGroupInfo"),
        on(MethodFilter::POST, legacy::create_group),
    );
    t.add(
        M::GET,
        format!("{GLIP}/groups/{{groupId}}"),
        "readGlipGroup",
        "Get group(s) (comma-separated ids answer 207 multipart/mixed)",
        "Glip Groups",
        Light,
        tmp,
        200,
        None,
        Some("GlipGroupInfo"),
        get(legacy::read_group),
    );
    t.add(
        M::POST,
        format!("{GLIP}/groups/{{groupId}}/bulk-assign"),
        "assignGlipGroupMembers",
        "Add and remove team members",
        "Glip Groups",
        Medium,
        tmp,
        200,
        Some("GlipBulkAssign"),
        Some("GlipGroupInfo"),
        on(MethodFilter::POST, legacy::bulk_assign),
    );
    t.add(
        M::GET,
        format!("{GLIP}/groups/{{groupId}}/posts"),
        "listGlipGroupPosts",
        "Get posts of a group",
        "Glip Posts",
        Medium,
        tmp,
        200,
        None,
        Some("PostList"),
        get(legacy::list_group_posts),
    );
    t.add(
        M::POST,
        format!("{GLIP}/groups/{{groupId}}/posts"),
        "createGlipGroupPost",
        "Create a post in a group",
        "Glip Posts",
        Medium,
        tmp,
        200,
        Some("CreatePostRequest"),
        Some("PostInfo"),
        on(MethodFilter::POST, legacy::create_group_post),
    );
    t.add(
        M::PUT,
        format!("{GLIP}/groups/{{groupId}}/posts/{{postId}}/text"),
        "updateGlipPostText",
        "Replace a post's text (text/plain body)",
        "Glip Posts",
        Medium,
        tmp,
        200,
        None,
        None,
        on(MethodFilter::PUT, legacy::update_post_text),
    );
    t.add(
        M::GET,
        format!("{GLIP}/persons/{{personId}}"),
        "readGlipPerson",
        "Get person(s) (comma-separated ids answer 207 multipart/mixed)",
        "Glip Profile",
        Light,
        tmp,
        200,
        None,
        Some("PersonInfo"),
        get(legacy::read_person),
    );
    t.add(
        M::GET,
        format!("{GLIP}/companies/{{companyId}}"),
        "readGlipCompany",
        "Get company",
        "Glip Profile",
        Light,
        tmp,
        200,
        None,
        Some("CompanyInfo"),
        get(chats::company),
    );

    // ---- chats, conversations, teams, everyone, recent, favorites, posts: both prefixes ----
    for (prefix, legacy_prefix) in [(TM, false), (GLIP, true)] {
        macro_rules! id {
            ($cur:literal, $old:literal) => {
                if legacy_prefix { $old } else { $cur }
            };
        }
        t.add(
            M::GET,
            format!("{prefix}/chats"),
            id!("listChatsNew", "listGlipChats"),
            "List chats",
            "Chats",
            Medium,
            tmp,
            200,
            None,
            Some("ChatList"),
            get(chats::list_chats),
        );
        t.add(
            M::GET,
            format!("{prefix}/chats/{{chatId}}"),
            id!("readChatNew", "readGlipChat"),
            "Get chat",
            "Chats",
            Light,
            tmp,
            200,
            None,
            Some("ChatInfo"),
            get(chats::read_chat),
        );
        t.add(
            M::POST,
            format!("{prefix}/chats/{{chatId}}/favorite"),
            id!("favoriteChatNew", "favoriteGlipChat"),
            "Add chat to favorites",
            "Chats",
            Medium,
            tmp,
            204,
            None,
            None,
            on(MethodFilter::POST, chats::favorite),
        );
        t.add(
            M::POST,
            format!("{prefix}/chats/{{chatId}}/unfavorite"),
            id!("unfavoriteChatNew", "unfavoriteGlipChat"),
            "Remove chat from favorites",
            "Chats",
            Medium,
            tmp,
            204,
            None,
            None,
            on(MethodFilter::POST, chats::unfavorite),
        );
        t.add(
            M::GET,
            format!("{prefix}/recent/chats"),
            id!("listRecentChatsNew", "listRecentGlipChats"),
            "List recent chats",
            "Chats",
            Light,
            tmp,
            200,
            None,
            Some("ChatList"),
            get(chats::recent),
        );
        t.add(
            M::GET,
            format!("{prefix}/favorites"),
            id!("listFavoriteChatsNew", "listFavoriteGlipChats"),
            "List favorite chats",
            "Chats",
            Light,
            tmp,
            200,
            None,
            Some("ChatList"),
            get(chats::favorites),
        );
        t.add(
            M::GET,
            format!("{prefix}/conversations"),
            id!("listGlipConversationsNew", "listGlipConversations"),
            "List conversations",
            "Conversations",
            Medium,
            tmp,
            200,
            None,
            Some("ConversationList"),
            get(chats::list_conversations),
        );
        t.add(
            M::POST,
            format!("{prefix}/conversations"),
            id!("createGlipConversationNew", "createGlipConversation"),
            "Create or open a conversation (idempotent on the member set)",
            "Conversations",
            Medium,
            tmp,
            200,
            Some("MembersRequest"),
            Some("ConversationInfo"),
            on(MethodFilter::POST, chats::create_conversation),
        );
        t.add(
            M::GET,
            format!("{prefix}/conversations/{{chatId}}"),
            id!("readGlipConversationNew", "readGlipConversation"),
            "Get conversation",
            "Conversations",
            Light,
            tmp,
            200,
            None,
            Some("ConversationInfo"),
            get(chats::read_conversation),
        );
        t.add(
            M::GET,
            format!("{prefix}/teams"),
            id!("listGlipTeamsNew", "listGlipTeams"),
            "List teams",
            "Teams",
            Medium,
            tmp,
            200,
            None,
            Some("TeamList"),
            get(chats::list_teams),
        );
        t.add(
            M::POST,
            format!("{prefix}/teams"),
            id!("createGlipTeamNew", "createGlipTeam"),
            "Create team",
            "Teams",
            Medium,
            tmp,
            201,
            Some("CreateTeamRequest"),
            Some("TeamInfo"),
            on(MethodFilter::POST, chats::create_team),
        );
        t.add(
            M::GET,
            format!("{prefix}/teams/{{chatId}}"),
            id!("readGlipTeamNew", "readGlipTeam"),
            "Get team",
            "Teams",
            Light,
            tmp,
            200,
            None,
            Some("TeamInfo"),
            get(chats::read_team),
        );
        t.add(
            M::PATCH,
            format!("{prefix}/teams/{{chatId}}"),
            id!("patchGlipTeamNew", "patchGlipTeam"),
            "Update team",
            "Teams",
            Medium,
            tmp,
            200,
            Some("PatchTeamRequest"),
            Some("TeamInfo"),
            on(MethodFilter::PATCH, chats::patch_team),
        );
        t.add(
            M::DELETE,
            format!("{prefix}/teams/{{chatId}}"),
            id!("deleteGlipTeamNew", "deleteGlipTeam"),
            "Delete team",
            "Teams",
            Medium,
            tmp,
            204,
            None,
            None,
            on(MethodFilter::DELETE, chats::delete_team),
        );
        t.add(
            M::POST,
            format!("{prefix}/teams/{{chatId}}/join"),
            id!("joinGlipTeamNew", "joinGlipTeam"),
            "Join a public team",
            "Teams",
            Medium,
            tmp,
            204,
            None,
            None,
            on(MethodFilter::POST, chats::join_team),
        );
        t.add(
            M::POST,
            format!("{prefix}/teams/{{chatId}}/leave"),
            id!("leaveGlipTeamNew", "leaveGlipTeam"),
            "Leave team",
            "Teams",
            Medium,
            tmp,
            204,
            None,
            None,
            on(MethodFilter::POST, chats::leave_team),
        );
        t.add(
            M::POST,
            format!("{prefix}/teams/{{chatId}}/add"),
            id!("addGlipTeamMembersNew", "addGlipTeamMembers"),
            "Add team members",
            "Teams",
            Medium,
            tmp,
            204,
            Some("MembersRequest"),
            None,
            on(MethodFilter::POST, chats::add_members),
        );
        t.add(
            M::POST,
            format!("{prefix}/teams/{{chatId}}/remove"),
            id!("removeGlipTeamMembersNew", "removeGlipTeamMembers"),
            "Remove team members",
            "Teams",
            Medium,
            tmp,
            204,
            Some("MembersRequest"),
            None,
            on(MethodFilter::POST, chats::remove_members),
        );
        t.add(
            M::POST,
            format!("{prefix}/teams/{{chatId}}/archive"),
            id!("archiveGlipTeamNew", "archiveGlipTeam"),
            "Archive team",
            "Teams",
            Medium,
            tmp,
            204,
            None,
            None,
            on(MethodFilter::POST, chats::archive_team),
        );
        t.add(
            M::POST,
            format!("{prefix}/teams/{{chatId}}/unarchive"),
            id!("unarchiveGlipTeamNew", "unarchiveGlipTeam"),
            "Unarchive team",
            "Teams",
            Medium,
            tmp,
            204,
            None,
            None,
            on(MethodFilter::POST, chats::unarchive_team),
        );
        t.add(
            M::GET,
            format!("{prefix}/everyone"),
            id!("readGlipEveryoneNew", "readGlipEveryone"),
            "Get the Everyone team",
            "Teams",
            Light,
            tmp,
            200,
            None,
            Some("EveryoneTeamInfo"),
            get(chats::everyone),
        );
        t.add(
            M::PATCH,
            format!("{prefix}/everyone"),
            id!("patchGlipEveryoneNew", "patchGlipEveryone"),
            "Update the Everyone team",
            "Teams",
            Medium,
            tmp,
            200,
            Some("PatchTeamRequest"),
            Some("EveryoneTeamInfo"),
            on(MethodFilter::PATCH, chats::patch_everyone),
        );
        t.add(
            M::GET,
            format!("{prefix}/chats/{{chatId}}/posts"),
            id!("readGlipPostsNew", "readGlipPosts"),
            "List posts, newest first",
            "Posts",
            Medium,
            tmp,
            200,
            None,
            Some("PostList"),
            get(posts::list),
        );
        t.add(
            M::POST,
            format!("{prefix}/chats/{{chatId}}/posts"),
            id!("createGlipPostNew", "createGlipChatPost"),
            "Create post",
            "Posts",
            Medium,
            tmp,
            201,
            Some("CreatePostRequest"),
            Some("PostInfo"),
            on(MethodFilter::POST, posts::create),
        );
        t.add(
            M::GET,
            format!("{prefix}/chats/{{chatId}}/posts/{{postId}}"),
            id!("readGlipPostNew", "readGlipPost"),
            "Get post",
            "Posts",
            Light,
            tmp,
            200,
            None,
            Some("PostInfo"),
            get(posts::read),
        );
        t.add(
            M::PATCH,
            format!("{prefix}/chats/{{chatId}}/posts/{{postId}}"),
            id!("patchGlipPostNew", "patchGlipPost"),
            "Edit post",
            "Posts",
            Medium,
            tmp,
            200,
            Some("UpdatePostRequest"),
            Some("PostInfo"),
            on(MethodFilter::PATCH, posts::patch),
        );
        t.add(
            M::DELETE,
            format!("{prefix}/chats/{{chatId}}/posts/{{postId}}"),
            id!("deleteGlipPostNew", "deleteGlipPost"),
            "Delete post",
            "Posts",
            Medium,
            tmp,
            204,
            None,
            None,
            on(MethodFilter::DELETE, posts::delete),
        );
        t.add(
            M::GET,
            format!("{prefix}/chats/{{chatId}}/threads/{{threadId}}/posts"),
            id!("readGlipThreadPostsNew", "readGlipThreadPosts"),
            "List posts of a thread",
            "Posts",
            Medium,
            tmp,
            200,
            None,
            Some("PostList"),
            get(posts::thread),
        );
        // Adaptive cards; the legacy paths are not in spec 1.0.46 but RingCentral's bot
        // frameworks call them.
        t.add(
            M::POST,
            format!("{prefix}/chats/{{chatId}}/adaptive-cards"),
            id!("createGlipAdaptiveCardNew", "createGlipAdaptiveCard"),
            "Create adaptive card",
            "Adaptive Cards",
            Medium,
            tmp,
            201,
            Some("AdaptiveCardRequest"),
            Some("AdaptiveCardShortInfo"),
            on(MethodFilter::POST, cards::create),
        );
        t.add(
            M::GET,
            format!("{prefix}/adaptive-cards/{{cardId}}"),
            id!("getGlipAdaptiveCardNew", "getGlipAdaptiveCard"),
            "Get adaptive card (several comma-separated ids: 207 multipart)",
            "Adaptive Cards",
            Medium,
            tmp,
            200,
            None,
            Some("AdaptiveCardInfo"),
            get(cards::read),
        );
        t.add(
            M::PUT,
            format!("{prefix}/adaptive-cards/{{cardId}}"),
            id!("updateGlipAdaptiveCardNew", "updateGlipAdaptiveCard"),
            "Update adaptive card",
            "Adaptive Cards",
            Medium,
            tmp,
            200,
            Some("AdaptiveCardRequest"),
            Some("AdaptiveCardShortInfo"),
            on(MethodFilter::PUT, cards::update),
        );
        t.add(
            M::DELETE,
            format!("{prefix}/adaptive-cards/{{cardId}}"),
            id!("deleteGlipAdaptiveCardNew", "deleteGlipAdaptiveCard"),
            "Delete adaptive card",
            "Adaptive Cards",
            Medium,
            tmp,
            204,
            None,
            None,
            on(MethodFilter::DELETE, cards::delete),
        );
        if !legacy_prefix {
            t.add(
                M::GET,
                format!("{prefix}/persons/{{personId}}"),
                "readGlipPersonNew",
                "Get person",
                "Profile",
                Light,
                tmp,
                200,
                None,
                Some("PersonInfo"),
                get(chats::person),
            );
            t.add(
                M::GET,
                format!("{prefix}/companies/{{companyId}}"),
                "readGlipCompanyNew",
                "Get company",
                "Profile",
                Light,
                tmp,
                200,
                None,
                Some("CompanyInfo"),
                get(chats::company),
            );
        }
    }
    t
}

/// The operation table alone (for the OpenAPI document and metrics).
pub fn ops() -> Vec<Op> {
    table().ops
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let Table { ops, handlers } = table();
    let mut router: Router<AppState> = Router::new();
    for (index, (op, handler)) in ops.iter().zip(handlers).enumerate() {
        let gated =
            handler.route_layer(middleware::from_fn_with_state((state.clone(), index), gate));
        router = router.route(&op.path, gated);
    }
    let app = router
        .route("/openapi.json", get(crate::openapi::serve))
        .route("/metrics", get(api::meta::metrics))
        .merge(crate::web::routes())
        // The WebSocket gateway (`uri` of `/restapi/oauth/wstoken`); authenticated by its token.
        .route("/ws", get(crate::realtime::ws::upgrade))
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(crate::BODY_LIMIT))
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

/// Runs before every API handler: authenticates, checks the app permission, counts the request
/// against its rate-limit group, and records metrics.
async fn gate(
    State((state, index)): State<(AppState, usize)>,
    mut req: Request,
    next: Next,
) -> Response {
    let start = Instant::now();
    let op = &state.0.ops[index];
    let mut decision = None;
    let mut app_id = None;
    let admitted: Result<(), ApiError> = async {
        if op.auth {
            // A request tunnelled over a WebSocket session (`ClientRequest`) arrives with the
            // session's caller already in its extensions, which nothing from the network can set.
            let caller = match req.extensions().get::<Caller>() {
                Some(c) => c.clone(),
                None => crate::auth::authenticate(&state, req.headers()).await?,
            };
            if let Some(p) = op.permission
                && !caller.permissions.contains(p)
            {
                return Err(needs(p));
            }
            decision = state.0.limiter.check(
                &format!("{}:{}", caller.app_id, caller.extension_id),
                op.group,
            );
            app_id = Some(caller.app_id);
            req.extensions_mut().insert(caller);
        } else if op.group != Group::NoThrottling {
            // Unauthenticated (OAuth) endpoints are throttled per client address.
            let peer = req
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
                .unwrap_or_default();
            decision = state.0.limiter.check(&format!("ip:{peer}"), op.group);
        }
        if let Some(d) = decision
            && let Some(retry) = d.retry_after
        {
            return Err(ApiError(Error::RateLimited {
                group: d.group.spec_name(),
                retry_after_secs: retry,
            }));
        }
        Ok(())
    }
    .await;
    let mut resp = match admitted {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    };
    if let Some(d) = decision {
        let h = resp.headers_mut();
        h.insert(
            "x-rate-limit-group",
            HeaderValue::from_static(d.group.spec_name()),
        );
        h.insert("x-rate-limit-limit", HeaderValue::from(d.limit));
        h.insert("x-rate-limit-remaining", HeaderValue::from(d.remaining));
        h.insert("x-rate-limit-window", HeaderValue::from(d.window_secs));
    }
    if let Some(app) = app_id {
        state
            .0
            .usage
            .record(app, op.group.spec_name(), resp.status().as_u16());
    }
    state.0.metrics.record(
        index,
        resp.status().as_u16(),
        start.elapsed().as_micros() as u64,
    );
    resp
}
