//! Verifying Adaptive Card submits. RingCentral posts an `Action.Submit` to the bot's outbound
//! WebHook URL with `X-Glip-Signature`: the HMAC-SHA1 of the body under the app's shared secret,
//! in hex (documented as `sha1=<hex>`; its own sample compares the bare hex, so both are taken).
//! A submit without a valid signature — or any submit, when the bot has no secret
//! (`BOT_SUBMIT_SECRET`) — is refused: anyone can reach a bot's public URL.

use sha1::{Digest, Sha1};

const BLOCK: usize = 64;

/// HMAC-SHA1 (RFC 2104) of `body` under `key`.
pub fn hmac_sha1(key: &[u8], body: &[u8]) -> [u8; 20] {
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

/// The `X-Glip-Signature` of `body` under `secret`, as RingCentral sends it.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mac = hmac_sha1(secret.as_bytes(), body);
    format!(
        "sha1={}",
        mac.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

/// Whether `header` is the signature of `body` under `secret` (compared in constant time).
pub fn verify(secret: &str, body: &[u8], header: Option<&str>) -> bool {
    let Some(given) = header.map(str::trim) else {
        return false;
    };
    let given = given
        .strip_prefix("sha1=")
        .unwrap_or(given)
        .to_ascii_lowercase();
    let want = sign(secret, body);
    let want = &want["sha1=".len()..];
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

    #[test]
    fn rfc_2202_vectors() {
        let hex = |m: [u8; 20]| m.iter().map(|b| format!("{b:02x}")).collect::<String>();
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
        let s = sign("secret", b"{}");
        assert!(verify("secret", b"{}", Some(&s)));
        assert!(verify("secret", b"{}", Some(&s["sha1=".len()..])));
        assert!(!verify("secret", b"{ }", Some(&s)));
        assert!(!verify("other", b"{}", Some(&s)));
        assert!(!verify("secret", b"{}", None));
    }
}
