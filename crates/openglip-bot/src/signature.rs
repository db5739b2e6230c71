//! Verifying Adaptive Card submits. RingCentral posts an `Action.Submit` to the bot's outbound
//! WebHook URL with `X-Glip-Signature`: the HMAC-SHA1 of the body under the app's shared secret,
//! in hex (documented as `sha1=<hex>`; its own samples compare the bare hex, so both are taken).
//! A submit without a valid signature — or any submit, when the bot has no secret
//! (`BOT_SUBMIT_SECRET`) — is refused: anyone can reach a bot's public URL.
//!
//! The signature is part of the wire (`openglip_wire::interactive`): the server signs with the
//! same function the bot verifies with.

pub use openglip_sdk::wire::interactive::{hmac_sha1, verify};

/// The `X-Glip-Signature` of `body` under `secret`, as openglip and RingCentral send it (the
/// bare hex digest).
pub fn sign(secret: &str, body: &[u8]) -> String {
    openglip_sdk::wire::interactive::signature(secret, body)
}
