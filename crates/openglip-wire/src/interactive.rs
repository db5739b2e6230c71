//! Interactive messages: what RingCentral posts to an app's outbound WebHook URL when a person
//! presses an Adaptive Card's `Action.Submit` (`docs/team-messaging/events/interactive-messages.md`),
//! and the web client's own JSON for submitting a card and following its delivery.
//!
//! The delivery is signed: `X-Glip-Signature` is the hex HMAC-SHA1 of the body under the app's
//! shared secret. RingCentral's own receivers compare it with the HMAC of
//! `JSON.stringify(req.body)`, so the body is compact JSON (serde's, no spaces), which that
//! re-serialisation reproduces byte for byte.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// The `type` of a card submission.
pub const BUTTON_SUBMIT: &str = "button_submit";
/// The header of the delivery's signature.
pub const SIGNATURE_HEADER: &str = "X-Glip-Signature";

/// The body of a card submission's delivery.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ButtonSubmit {
    pub uuid: String,
    /// When the person submitted (ISO 8601).
    pub timestamp: String,
    /// `button_submit`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The client id of the app that posted the card.
    pub app_id: String,
    pub user: SubmitUser,
    pub conversation: SubmitConversation,
    pub post: SubmitPost,
    pub card: SubmitCard,
    /// The card's inputs by id, with the action's own `data`.
    pub data: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SubmitUser {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub account_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SubmitConversation {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub public: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SubmitPost {
    pub id: String,
    pub creation_time: String,
    pub last_modified_time: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SubmitCard {
    /// The card's id (its post's id).
    pub id: String,
}

/// The web client's `POST /app/cards/{cardId}/submit`: the card's inputs and the action's data.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct CardSubmitRequest {
    pub data: Value,
}

/// A card submission as the web client follows it: `Pending` until the app's URL accepted it
/// (`Delivered`) or it was given up on (`Failed`, with the `reason`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CardSubmissionInfo {
    pub id: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

const BLOCK: usize = 64;

/// HMAC-SHA1 (RFC 2104) of `body` under `key`.
pub fn hmac_sha1(key: &[u8], body: &[u8]) -> [u8; 20] {
    use sha1::{Digest, Sha1};
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..20].copy_from_slice(&Sha1::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| k.map(|b| b ^ byte);
    let inner = Sha1::new()
        .chain_update(pad(0x36))
        .chain_update(body)
        .finalize();
    Sha1::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// The `X-Glip-Signature` of `body` under `secret`: the HMAC-SHA1 in lower-case hex, without
/// the `sha1=` prefix RingCentral's page mentions — its samples and add-in templates compare the
/// header with the bare hex digest, so that is what real receivers accept.
pub fn signature(secret: &str, body: &[u8]) -> String {
    hmac_sha1(secret.as_bytes(), body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `header` is the signature of `body` under `secret`, bare or as `sha1=<hex>`
/// (compared in constant time).
pub fn verify(secret: &str, body: &[u8], header: Option<&str>) -> bool {
    let Some(given) = header.map(str::trim) else {
        return false;
    };
    let given = given
        .strip_prefix("sha1=")
        .unwrap_or(given)
        .to_ascii_lowercase();
    let want = signature(secret, body);
    given.len() == want.len()
        && given
            .bytes()
            .zip(want.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(m: [u8; 20]) -> String {
        m.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn rfc_2202_vectors() {
        assert_eq!(
            hex(hmac_sha1(&[0x0b; 20], b"Hi There")),
            "b617318655057264e28bc0b6fb378c8ef146be00"
        );
        assert_eq!(
            hex(hmac_sha1(b"Jefe", b"what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
        );
        assert_eq!(
            hex(hmac_sha1(
                &[0xaa; 80],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "aa4ae5e15272d00e95705637ce8a3b55ed402112"
        );
    }

    #[test]
    fn verify_takes_both_spellings_and_nothing_else() {
        let s = signature("secret", b"{}");
        assert!(verify("secret", b"{}", Some(&s)));
        assert!(verify("secret", b"{}", Some(&format!("sha1={s}"))));
        assert!(!verify("secret", b"{ }", Some(&s)));
        assert!(!verify("other", b"{}", Some(&s)));
        assert!(!verify("secret", b"{}", None));
    }
}
