//! The small flights endpoint the sample agent's service nodes call: the agent app serves it at
//! `/flights/bookings` (and `openglip agents test` serves it on a loopback port for the
//! conversation tests). It is the sample's airline: bookings made with a random reference like
//! `TA-7KQ2PX`, looked up, and cancelled; kept in the app's database (so a booking outlives a
//! restart), or in memory for the conversation tests' throwaway endpoint.
//!
//! - `POST /flights/bookings` `{from, to, date, passengers}` → 201 with the booking; 400 with
//!   RingCentral's error shape when a field is wrong.
//! - `GET /flights/bookings/{reference}` → 200 or 404.
//! - `DELETE /flights/bookings/{reference}` → 200 (its `status` becomes `cancelled`) or 404.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::Error;
use crate::store::Store;

/// A booking.
#[derive(Debug, Clone, Serialize)]
pub struct Booking {
    pub reference: String,
    pub from: String,
    pub to: String,
    pub date: String,
    pub passengers: u32,
    /// `confirmed` or `cancelled`.
    pub status: String,
}

/// Where the bookings are kept. Cheap to clone.
#[derive(Clone)]
pub struct Flights {
    kept: Kept,
}

#[derive(Clone)]
enum Kept {
    /// The app's database.
    Stored(Store),
    /// This process's memory (`serve_local`: conversation tests).
    Memory(Arc<Mutex<HashMap<String, Booking>>>),
}

impl Flights {
    /// Bookings kept in the app's database.
    pub fn stored(store: Store) -> Flights {
        Flights {
            kept: Kept::Stored(store),
        }
    }

    /// Bookings kept in memory, gone with the process.
    pub fn in_memory() -> Flights {
        Flights {
            kept: Kept::Memory(Arc::default()),
        }
    }

    async fn insert(&self, b: Booking) -> Result<(), Error> {
        match &self.kept {
            Kept::Stored(store) => store.insert_booking(b).await,
            Kept::Memory(all) => {
                lock(all).insert(b.reference.clone(), b);
                Ok(())
            }
        }
    }

    async fn get(&self, reference: String) -> Result<Option<Booking>, Error> {
        match &self.kept {
            Kept::Stored(store) => store.booking(reference).await,
            Kept::Memory(all) => Ok(lock(all).get(&reference).cloned()),
        }
    }

    async fn cancel(&self, reference: String) -> Result<Option<Booking>, Error> {
        match &self.kept {
            Kept::Stored(store) => store.cancel_booking(reference).await,
            Kept::Memory(all) => Ok(lock(all).get_mut(&reference).map(|b| {
                b.status = "cancelled".into();
                b.clone()
            })),
        }
    }
}

fn lock(
    all: &Mutex<HashMap<String, Booking>>,
) -> std::sync::MutexGuard<'_, HashMap<String, Booking>> {
    all.lock().unwrap_or_else(|p| p.into_inner())
}

#[derive(Deserialize)]
struct NewBooking {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    passengers: Value,
}

/// `/flights/bookings` and `/flights/bookings/{reference}`.
pub fn router(flights: Flights) -> Router {
    Router::new()
        .route("/flights/bookings", post(create))
        .route("/flights/bookings/{reference}", get(show).delete(cancel))
        .with_state(flights)
}

/// Serves the endpoint on a free loopback port; its base URL.
pub async fn serve_local() -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let app = router(Flights::in_memory());
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("the flights endpoint stopped: {e}");
        }
    });
    Ok(url)
}

fn refusal(status: StatusCode, code: &str, message: String, field: Option<&str>) -> Response {
    let mut errors = json!([{ "errorCode": code, "message": message }]);
    if let Some(f) = field {
        errors[0]["parameterName"] = json!(f);
    }
    (
        status,
        Json(json!({ "errorCode": code, "message": message, "errors": errors })),
    )
        .into_response()
}

fn new_reference() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).expect("the system random source works");
    let code: String = b
        .iter()
        .map(|x| ALPHABET[(*x as usize) % ALPHABET.len()] as char)
        .collect();
    format!("TA-{code}")
}

async fn create(State(f): State<Flights>, body: Option<Json<NewBooking>>) -> Response {
    let Some(Json(b)) = body else {
        return refusal(
            StatusCode::BAD_REQUEST,
            "CMN-101",
            "The body must be JSON with from, to, date and passengers.".into(),
            None,
        );
    };
    let bad = |field: &str, why: &str| {
        refusal(
            StatusCode::BAD_REQUEST,
            "CMN-101",
            format!("Parameter [{field}] {why}"),
            Some(field),
        )
    };
    if b.from.trim().is_empty() {
        return bad("from", "is required");
    }
    if b.to.trim().is_empty() {
        return bad("to", "is required");
    }
    if b.from.eq_ignore_ascii_case(&b.to) {
        return bad("to", "must differ from [from]");
    }
    if b.date.parse::<jiff::civil::Date>().is_err() {
        return bad("date", "must be a date like 2026-12-24");
    }
    let passengers = match &b.passengers {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    };
    let Some(passengers) = passengers.filter(|p| (1..=9).contains(p)) else {
        return bad("passengers", "must be a number from 1 to 9");
    };
    let booking = Booking {
        reference: new_reference(),
        from: b.from,
        to: b.to,
        date: b.date,
        passengers: passengers as u32,
        status: "confirmed".into(),
    };
    match f.insert(booking.clone()).await {
        Ok(()) => (StatusCode::CREATED, Json(booking)).into_response(),
        Err(e) => unavailable(e),
    }
}

fn not_found(reference: &str) -> Response {
    refusal(
        StatusCode::NOT_FOUND,
        "CMN-102",
        format!("Resource for parameter [reference] is not found: {reference}"),
        Some("reference"),
    )
}

/// The bookings could not be read or written: 503, never a booking that was not kept.
fn unavailable(e: Error) -> Response {
    tracing::error!(error = %e, "the flights endpoint's bookings");
    refusal(
        StatusCode::SERVICE_UNAVAILABLE,
        "CMN-201",
        "The bookings are unavailable; try again later.".into(),
        None,
    )
}

async fn show(State(f): State<Flights>, Path(reference): Path<String>) -> Response {
    match f.get(reference.to_uppercase()).await {
        Ok(Some(b)) => Json(b).into_response(),
        Ok(None) => not_found(&reference),
        Err(e) => unavailable(e),
    }
}

async fn cancel(State(f): State<Flights>, Path(reference): Path<String>) -> Response {
    match f.cancel(reference.to_uppercase()).await {
        Ok(Some(b)) => Json(b).into_response(),
        Ok(None) => not_found(&reference),
        Err(e) => unavailable(e),
    }
}
