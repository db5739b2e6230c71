//! Files in the web client, with the session's cookie: `GET /app/files/{id}`, an attachment's
//! content (as the API serves it at its `contentUri`, to the same people), and
//! `POST /app/c/{chat}/files?name=…[&parent=…]`, the composer's upload (attach button, paste,
//! drop): the file as the bare body, into the chat — a reply in the thread of `parent`, from a
//! thread's composer or while replying — answered as `POST /team-messaging/v1/files` answers.
//! The new post reaches the page like any other, over the WebSocket.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use openglip_domain::{Error, FileId, PostId, Subject};
use openglip_server::AppState;
use openglip_server::api::files::{UploadTo, answer, file_response, receive};
use openglip_server::error;
use openglip_server::error::ApiError;
use openglip_server::extract::Params;

use super::layout::Answer;
use super::visit::{ApiViewer, Fetched, Viewer};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/app/files/{id}", get(download))
        .route("/assets/files.js", get(script))
        .route(
            "/app/c/{chat}/files",
            post(upload).layer(DefaultBodyLimit::disable()),
        )
}

/// The script of files in the client: attach, paste, drop, progress, sizes, the lightbox.
const FILES_JS: &str = include_str!("../assets/files.js");

async fn script(headers: axum::http::HeaderMap) -> Response {
    openglip_webkit::assets::asset(
        &headers,
        "text/javascript; charset=utf-8",
        FILES_JS.as_bytes(),
    )
}

async fn download(State(st): State<AppState>, v: Viewer, Path(id): Path<String>) -> Answer {
    let id: FileId = id.parse().map_err(|_| Error::NotFound(Subject::File))?;
    let file = st.service().file(&v.caller, id).await?;
    file_response(&st, &file).await.map_err(|e| e.0.into())
}

async fn upload(
    State(st): State<AppState>,
    _: Fetched,
    ApiViewer(v): ApiViewer,
    Path(chat): Path<String>,
    q: Params,
    req: Request,
) -> Response {
    let chat = match chat.parse() {
        Ok(c) => c,
        Err(()) => return ApiError(Error::NotFound(Subject::Chat)).into_response(),
    };
    let parent = match q.get("parent").filter(|p| !p.trim().is_empty()) {
        None => None,
        Some(raw) => match error::id::<PostId>(Subject::ParentPost, raw) {
            Ok(p) => Some(p),
            Err(e) => return ApiError(e).into_response(),
        },
    };
    let to = UploadTo {
        chat: Some(chat),
        parent,
    };
    match receive(&st, &v.caller, to, q.get("name"), req).await {
        Ok(records) => axum::Json(answer(&records)).into_response(),
        Err(e) => e.into_response(),
    }
}
