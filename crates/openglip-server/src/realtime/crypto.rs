//! Payload encryption as RingCentral's SDKs decrypt it for `encryption: true` subscriptions:
//! AES-128 in ECB mode with PKCS#7 padding, key and ciphertext in base64. (ECB only because wire
//! compatibility demands it.)

use aes::Aes128;
use aes::cipher::generic_array::GenericArray;
use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

pub fn new_key() -> [u8; 16] {
    let mut k = [0u8; 16];
    getrandom::fill(&mut k).expect("the operating system's random source failed");
    k
}

pub fn key_base64(key: &[u8; 16]) -> String {
    STANDARD.encode(key)
}

/// base64(AES-128-ECB(PKCS#7(plain))).
pub fn encrypt(key: &[u8; 16], plain: &[u8]) -> String {
    let cipher = Aes128::new(GenericArray::from_slice(key));
    let pad = 16 - plain.len() % 16;
    let mut buf = Vec::with_capacity(plain.len() + pad);
    buf.extend_from_slice(plain);
    buf.extend(std::iter::repeat_n(pad as u8, pad));
    for block in buf.chunks_exact_mut(16) {
        cipher.encrypt_block(GenericArray::from_mut_slice(block));
    }
    STANDARD.encode(buf)
}

/// The inverse of [`encrypt`]; None when the input is not valid.
pub fn decrypt(key: &[u8; 16], b64: &str) -> Option<Vec<u8>> {
    let mut buf = STANDARD.decode(b64).ok()?;
    if buf.is_empty() || buf.len() % 16 != 0 {
        return None;
    }
    let cipher = Aes128::new(GenericArray::from_slice(key));
    for block in buf.chunks_exact_mut(16) {
        cipher.decrypt_block(GenericArray::from_mut_slice(block));
    }
    let pad = *buf.last()? as usize;
    if pad == 0 || pad > 16 || buf[buf.len() - pad..].iter().any(|b| *b as usize != pad) {
        return None;
    }
    buf.truncate(buf.len() - pad);
    Some(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answer() {
        // FIPS-197 appendix C.1 key and plaintext; one full block plus a block of padding.
        let key: [u8; 16] = core::array::from_fn(|i| i as u8);
        let plain: [u8; 16] = core::array::from_fn(|i| (i as u8) * 0x11);
        let out = STANDARD.decode(encrypt(&key, &plain)).unwrap();
        assert_eq!(
            &out[..16],
            &[
                0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30, 0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4,
                0xc5, 0x5a
            ]
        );
        assert_eq!(out.len(), 32);
    }

    #[test]
    fn round_trips() {
        let key = new_key();
        for len in [0, 1, 15, 16, 17, 1000] {
            let plain = vec![b'x'; len];
            assert_eq!(decrypt(&key, &encrypt(&key, &plain)).unwrap(), plain);
        }
        assert!(decrypt(&key, "not base64!").is_none());
    }
}
