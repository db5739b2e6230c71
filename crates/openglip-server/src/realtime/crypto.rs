//! Payload encryption as RingCentral's SDKs decrypt it for `encryption: true` subscriptions:
//! AES-128 in ECB mode with PKCS#7 padding, key and ciphertext in base64. (ECB only because wire
//! compatibility demands it.)

use aes::Aes128;
use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyInit};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

type EcbEncryptor = ecb::Encryptor<Aes128>;
type EcbDecryptor = ecb::Decryptor<Aes128>;

/// A new random subscription key (128 bits).
pub fn new_key() -> [u8; 16] {
    crate::secrets::random_bytes::<16>()
}

pub fn key_base64(key: &[u8; 16]) -> String {
    STANDARD.encode(key)
}

/// base64(AES-128-ECB(PKCS#7(plain))).
pub fn encrypt(key: &[u8; 16], plain: &[u8]) -> String {
    let cipher = EcbEncryptor::new(key.into());
    STANDARD.encode(cipher.encrypt_padded_vec_mut::<Pkcs7>(plain))
}

/// The inverse of [`encrypt`]; None when the input is not valid (not base64, not whole blocks,
/// or bad padding).
pub fn decrypt(key: &[u8; 16], b64: &str) -> Option<Vec<u8>> {
    let buf = STANDARD.decode(b64).ok()?;
    let cipher = EcbDecryptor::new(key.into());
    cipher.decrypt_padded_vec_mut::<Pkcs7>(&buf).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answer() {
        // FIPS-197 appendix C.1 key and plaintext; one full block plus a block of padding.
        let key: [u8; 16] = core::array::from_fn(|i| i as u8);
        let plain: [u8; 16] = core::array::from_fn(|i| (i as u8) * 0x11);
        let b64 = encrypt(&key, &plain);
        let out = STANDARD.decode(&b64).unwrap();
        assert_eq!(
            &out[..16],
            &[
                0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30, 0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4,
                0xc5, 0x5a
            ]
        );
        assert_eq!(out.len(), 32);
        // The whole answer, padding block included, as `openssl enc -aes-128-ecb | base64`
        // gives it.
        assert_eq!(b64, "acTg2Gp7BDDYzbeAcLTFWpVPZPLk6G6e7oLSAhZoSJk=");
        assert_eq!(encrypt(&key, br#"{"a":1}"#), "OPu5otG1drB6dWFGfVTzTA==");
    }

    #[test]
    fn round_trips() {
        let key = new_key();
        for len in [0, 1, 15, 16, 17, 1000] {
            let plain = vec![b'x'; len];
            assert_eq!(decrypt(&key, &encrypt(&key, &plain)).unwrap(), plain);
        }
        assert!(decrypt(&key, "not base64!").is_none());
        assert!(decrypt(&key, "").is_none(), "no block");
        assert!(
            decrypt(&key, &STANDARD.encode([0u8; 15])).is_none(),
            "not whole blocks"
        );
        // A block whose padding is wrong under this key.
        let other = [7u8; 16];
        assert!(decrypt(&other, &encrypt(&key, b"x")).is_none());
    }
}
