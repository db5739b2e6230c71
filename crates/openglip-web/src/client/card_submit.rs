//! Answering Adaptive Cards in the web client: `POST /app/cards/{cardId}/submit` (the card's
//! inputs and the pressed `Action.Submit`'s data, as JSON from the page's script, CSRF-checked
//! and counted against the person's rate limit) records the submission for delivery to the app
//! that posted the card (`Service::submit_card`) and answers `202` with its id; `GET
//! /app/cards/submissions/{id}` tells the script where its delivery is (`Pending`, `Delivered`,
//! `Failed` with the reason), so the button can say "Sending…", "Sent" or why it failed. Refusals
//! (not a member, no app behind the card, the app not taking answers) are RingCentral's error
//! body, whose message the script shows. The script is `assets/cards.js`.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use openglip_domain::{Error, PostId, Subject};
use openglip_server::AppState;
use openglip_server::convert::interactive::submission_info;
use openglip_server::error::ApiError;
use openglip_server::extract::JsonBody;
use openglip_wire::interactive::CardSubmitRequest;

use super::visit::{ApiViewer, Fetched, throttle};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/app/cards/{card}/submit", post(submit))
        .route("/app/cards/submissions/{id}", get(status))
        .route("/assets/cards.js", get(script))
}

/// The script of answerable cards: collects inputs, submits, follows the delivery.
const CARDS_JS: &str = include_str!("../assets/cards.js");

async fn script(headers: axum::http::HeaderMap) -> Response {
    openglip_webkit::assets::asset(
        &headers,
        "text/javascript; charset=utf-8",
        CARDS_JS.as_bytes(),
    )
}

async fn submit(
    State(st): State<AppState>,
    _: Fetched,
    ApiViewer(v): ApiViewer,
    Path(card): Path<String>,
    JsonBody(req): JsonBody<CardSubmitRequest>,
) -> Result<Response, ApiError> {
    let card: PostId = card.parse().map_err(|_| Error::NotFound(Subject::Card))?;
    throttle(&st, &v).await?;
    let uuid = openglip_server::secrets::new_uuid();
    let s = st
        .service()
        .submit_card(&v.caller, card, req.data, uuid)
        .await?;
    openglip_server::card_submits::wake(&st);
    Ok((StatusCode::ACCEPTED, axum::Json(submission_info(&s))).into_response())
}

async fn status(
    State(st): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: i64 = id.parse().map_err(|_| Error::NotFound(Subject::Card))?;
    let s = st.service().card_submission(&v.caller, id).await?;
    Ok(axum::Json(submission_info(&s)).into_response())
}
