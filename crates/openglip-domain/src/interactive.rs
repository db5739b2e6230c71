//! Interactive messages: answers to the `Action.Submit` buttons of Adaptive Cards that apps post.
//!
//! RingCentral delivers a card's submission to the app that posted the card, at the app's
//! "Outbound webhook URL" for interactive messages, signed with the app's shared secret
//! (`X-Glip-Signature`); no subscription is involved. Here an app's developer turns that on in
//! the console ([`InteractiveSettings`]: enabled, the URL, the shared secret — kept as it is,
//! because the server signs with it, and shown to the app's developer only).
//!
//! Rules ([`Service::submit_card`]): a person who can see the post (a member of its chat)
//! submits a card of a post whose author is a bot of an app with interactive messages on; the
//! submission is recorded with everything its delivery says about the person, the chat and the
//! post as they were at that moment ([`Submitted`]), and a worker of the server delivers it:
//! durable (a row, claimed with a lease, like a data export task), retried with backoff, given
//! up on after a bounded time, its state readable by the person who submitted it.

use serde_json::{Map, Value};

use crate::cards::Card;
use crate::error::{Error, Result, Subject};
use crate::ids::*;
use crate::model::*;
use crate::service::Service;
use crate::store::BoxFuture;
use crate::time::Timestamp;

/// The largest submission's `data` (inputs and the action's own data), as compact JSON.
pub const MAX_DATA_BYTES: usize = 64 * 1024;
/// How long a worker holds a claimed submission before another may take it over.
pub const LEASE_MS: i64 = 60_000;

/// An app's interactive messages settings (the console's "Interactive Messages").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InteractiveSettings {
    pub app_id: AppId,
    pub enabled: bool,
    /// The outbound WebHook URL submissions are posted to (checked when saved: an absolute
    /// `http(s)` URL; where it may point is checked again at every delivery).
    pub url: String,
    /// The shared secret of `X-Glip-Signature` (HMAC-SHA1 of the body).
    pub secret: String,
    pub modified: Timestamp,
}

/// The app a bot belongs to, and its settings, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardApp {
    pub app_id: AppId,
    /// The app's client id: RingCentral's `appId` of a submission.
    pub client_id: String,
    pub settings: Option<InteractiveSettings>,
}

/// Where a submission is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmissionStatus {
    /// Recorded; being delivered (or waiting for its next attempt).
    Pending,
    /// The app's URL accepted it (a 2xx).
    Delivered,
    /// Given up on: refused or unreachable for the whole retry period, or the app turned
    /// interactive messages off.
    Failed,
}

impl SubmissionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionStatus::Pending => "Pending",
            SubmissionStatus::Delivered => "Delivered",
            SubmissionStatus::Failed => "Failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Pending" => Some(SubmissionStatus::Pending),
            "Delivered" => Some(SubmissionStatus::Delivered),
            "Failed" => Some(SubmissionStatus::Failed),
            _ => None,
        }
    }
}

/// What a delivery says, fixed when the person submitted (so that every attempt posts the same
/// body, with the same signature). Kept by the store as JSON.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Submitted {
    /// RingCentral's `uuid` of the submission (made by the caller: this crate has no entropy).
    pub uuid: String,
    pub client_id: String,
    pub user_id: ExtensionId,
    pub first_name: String,
    pub last_name: String,
    pub account_id: AccountId,
    pub chat_id: ChatId,
    pub chat_type: ChatType,
    pub chat_public: bool,
    pub chat_name: Option<String>,
    pub post_id: PostId,
    pub post_created: Timestamp,
    pub post_modified: Timestamp,
    /// The card's inputs and the action's `data`, as the client sent them.
    pub data: Map<String, Value>,
}

/// A recorded submission.
#[derive(Debug, Clone, PartialEq)]
pub struct CardSubmission {
    pub id: i64,
    pub app_id: AppId,
    pub submitted: Submitted,
    pub status: SubmissionStatus,
    /// Delivery attempts begun so far.
    pub attempts: u32,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    pub created: Timestamp,
    /// When it was delivered or given up on.
    pub finished: Option<Timestamp>,
}

/// A submission to record.
#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub app_id: AppId,
    pub submitted: Submitted,
}

/// A submission a worker claimed, with its app's settings as they are now.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub submission: CardSubmission,
    pub settings: Option<InteractiveSettings>,
}

/// The storage of interactive messages (`Store::interactive`). Same contract as `Store`.
pub trait InteractiveStore: Send + Sync {
    /// An app's settings, if it ever had any.
    fn interactive_settings(&self, app: AppId) -> BoxFuture<'_, Option<InteractiveSettings>>;
    /// Stores an app's settings (`modified` is the commit's time). `NotFound(App)` if the app
    /// is gone.
    fn save_interactive_settings(
        &self,
        settings: InteractiveSettings,
    ) -> BoxFuture<'_, InteractiveSettings>;
    /// The app of a bot (installed into a company, or an operator's bot: the bot app whose
    /// token it holds), with its settings; `None` for anyone else.
    fn card_app(&self, bot: ExtensionId) -> BoxFuture<'_, Option<CardApp>>;
    /// Records a submission, `Pending`, due now.
    fn record_submission(&self, new: NewSubmission) -> BoxFuture<'_, CardSubmission>;
    fn submission(&self, id: i64) -> BoxFuture<'_, Option<CardSubmission>>;
    /// Claims the oldest due `Pending` submission (due: its next attempt's time has come, or
    /// the lease of the worker that took it ran out): counts an attempt and makes it due again
    /// at `lease_until`, in one write, so one worker of all processes gets it.
    fn claim_submission(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> BoxFuture<'_, Option<Claimed>>;
    /// After a failed attempt: due again at `next`, with the reason.
    fn retry_submission(&self, id: i64, next: Timestamp, reason: String) -> BoxFuture<'_, ()>;
    /// Delivered (`reason` `None`) or given up on (`Failed` with the reason).
    fn finish_submission(
        &self,
        id: i64,
        status: SubmissionStatus,
        reason: Option<String>,
    ) -> BoxFuture<'_, ()>;
}

/// Compact JSON of a value nested deeper than `limit` levels.
fn too_deep(v: &Value, limit: usize) -> bool {
    match v {
        _ if limit == 0 => true,
        Value::Array(a) => a.iter().any(|x| too_deep(x, limit - 1)),
        Value::Object(o) => o.values().any(|x| too_deep(x, limit - 1)),
        _ => false,
    }
}

/// Checks a submission's `data`: a JSON object of at most [`MAX_DATA_BYTES`], nested at most
/// 16 levels.
pub fn validate_data(data: Value) -> Result<Map<String, Value>> {
    let bad = |why: &str| {
        Error::invalid_because("data", format!("Parameter [data] value is invalid: {why}"))
    };
    let Value::Object(data) = data else {
        return Err(bad("it must be a JSON object."));
    };
    let size = serde_json::to_vec(&data)
        .map(|v| v.len())
        .unwrap_or(usize::MAX);
    if size > MAX_DATA_BYTES {
        return Err(bad(&format!("at most {MAX_DATA_BYTES} bytes of JSON.")));
    }
    if data.values().any(|v| too_deep(v, 15)) {
        return Err(bad("nested at most 16 levels."));
    }
    Ok(data)
}

/// Why a card cannot be answered, worded for the person who tried.
const NO_APP: &str =
    "This card was not posted by an app, so there is nobody to send your answer to.";
const NOT_LISTENING: &str = "The app that posted this card does not take answers to its cards (its developer has not turned on Interactive Messages).";

impl Service {
    /// A member of the card's chat submits a card of an app's bot: recorded for delivery to
    /// the app's outbound URL. A card the caller cannot see is "not found"; a card whose author
    /// is no app's bot, or whose app has interactive messages off, is refused with the reason.
    pub async fn submit_card(
        &self,
        caller: &Caller,
        card: PostId,
        data: Value,
        uuid: String,
    ) -> Result<CardSubmission> {
        let data = validate_data(data)?;
        let post = self
            .store()
            .post_by_id(card)
            .await?
            .ok_or(Error::NotFound(Subject::Card))?;
        let chat = self
            .member_chat(caller, post.chat_id)
            .await
            .map_err(|e| match e {
                Error::NotFound(Subject::Chat) => Error::NotFound(Subject::Card),
                other => other,
            })?;
        Card::from_post(&post).ok_or(Error::NotFound(Subject::Card))?;
        let app = self
            .store()
            .interactive()
            .card_app(post.creator_id)
            .await?
            .ok_or_else(|| Error::invalid_subject(Subject::Card, NO_APP))?;
        if !app.settings.as_ref().is_some_and(|s| s.enabled) {
            return Err(Error::invalid_subject(Subject::Card, NOT_LISTENING));
        }
        let me = self
            .store()
            .extension(caller.extension_id)
            .await?
            .ok_or(Error::NotFound(Subject::Person))?;
        let submitted = Submitted {
            uuid,
            client_id: app.client_id,
            user_id: me.id,
            first_name: me.first_name,
            last_name: me.last_name,
            account_id: me.account_id,
            chat_id: chat.id,
            chat_type: chat.kind,
            chat_public: chat.public,
            chat_name: chat.name,
            post_id: post.id,
            post_created: post.created,
            post_modified: post.modified,
            data,
        };
        self.store()
            .interactive()
            .record_submission(NewSubmission {
                app_id: app.app_id,
                submitted,
            })
            .await
    }

    /// A submission, for the person who made it (anyone else: "not found").
    pub async fn card_submission(&self, caller: &Caller, id: i64) -> Result<CardSubmission> {
        match self.store().interactive().submission(id).await? {
            Some(s) if s.submitted.user_id == caller.extension_id => Ok(s),
            _ => Err(Error::NotFound(Subject::Card)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn data_is_an_object_of_bounded_size_and_depth() {
        assert!(validate_data(json!({"a": "b", "n": {"x": [1, 2]}})).is_ok());
        for bad in [json!("text"), json!([1]), json!(null)] {
            assert!(validate_data(bad).is_err());
        }
        let big = "x".repeat(MAX_DATA_BYTES);
        assert!(validate_data(json!({ "big": big })).is_err());
        let mut deep = json!(1);
        for _ in 0..20 {
            deep = json!([deep]);
        }
        assert!(validate_data(json!({ "deep": deep })).is_err());
    }

    #[test]
    fn statuses_round_trip() {
        for s in [
            SubmissionStatus::Pending,
            SubmissionStatus::Delivered,
            SubmissionStatus::Failed,
        ] {
            assert_eq!(SubmissionStatus::parse(s.as_str()), Some(s));
        }
    }
}
