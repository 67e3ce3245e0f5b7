//! What residents hold instead of an account: capability tokens (a QR code or link that
//! alone shows their booking or pre-application) and short codes to read out or type.
//! The relay stores only SHA-256 hashes of tokens.
//!
//! A request retried with the same `Idempotency-Key` must get the same token back, so tokens
//! of keyed requests are derived: HMAC-SHA-256 of a secret the relay makes for itself on first
//! start, over what the token is for, the office and the key.

use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::Pool;
use crate::error::Result;

/// Characters of short codes: no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B, U/V that are read out or
/// typed wrongly.
pub const CODE_ALPHABET: &[u8] = b"ACEFHJKLMNPRTWXY3479";

/// HMAC-SHA-256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| k.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5C))
        .chain_update(inner)
        .finalize()
        .into()
}

/// The relay's own secret (made on first use, kept in `relay_secrets`).
pub async fn secret(db: &Pool) -> Result<Vec<u8>> {
    let mut fresh = [0u8; 32];
    rand::rng().fill_bytes(&mut fresh);
    sqlx::query("INSERT INTO relay_secrets (name, value) VALUES ('reservation_tokens', $1) ON CONFLICT (name) DO NOTHING")
        .bind(hex(&fresh))
        .execute(db)
        .await?;
    let value: String =
        sqlx::query_scalar("SELECT value FROM relay_secrets WHERE name = 'reservation_tokens'")
            .fetch_one(db)
            .await?;
    Ok(value.into_bytes())
}

/// The keyed hash of `message` under the relay's secret (`AppState::secret`: read, or made,
/// when the relay starts), in hex.
pub fn keyed(secret: &[u8], message: &str) -> String {
    hex(&hmac_sha256(secret, message.as_bytes()))
}

/// A random token: 32 bytes as lowercase hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

/// Bytes as lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What is stored of a token: its SHA-256, in hex.
pub(crate) fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// How many new codes a row is offered before giving up (each is taken with a chance of
/// rows / 20^len: with 6 characters and a million rows, one in 64).
const CODE_TRIES: usize = 20;

/// New codes of `len` characters to offer a row in turn, until one is not taken in its office:
/// the row is stored with `INSERT … ON CONFLICT (office_id, code) DO NOTHING`, which stores
/// nothing when the code is taken (one statement per try, where checking first took two).
pub fn new_codes(len: usize) -> impl Iterator<Item = String> {
    (0..CODE_TRIES).map(move |_| new_code(len))
}

/// The error when every one of [`new_codes`] was taken.
pub fn no_unused_code(what: &str, office: &str, len: usize) -> crate::error::Error {
    crate::error::Error::Internal(format!(
        "no unused {len}-character {what} code at office {office:?} after {CODE_TRIES} tries"
    ))
}

/// A random code of `len` characters of [`CODE_ALPHABET`], each equally likely.
pub fn new_code(len: usize) -> String {
    // 240 is the largest multiple of 20 below 256: bytes from 240 up are drawn again.
    let limit = (256 / CODE_ALPHABET.len() * CODE_ALPHABET.len()) as u8;
    let mut rng = rand::rng();
    let mut out = String::with_capacity(len);
    while out.len() < len {
        let mut byte = [0u8; 1];
        rng.fill_bytes(&mut byte);
        if byte[0] < limit {
            out.push(char::from(
                CODE_ALPHABET[usize::from(byte[0]) % CODE_ALPHABET.len()],
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn codes_use_only_the_alphabet_and_every_letter_of_it() {
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..200 {
            let code = new_code(8);
            assert_eq!(code.len(), 8);
            assert!(code.bytes().all(|b| CODE_ALPHABET.contains(&b)), "{code}");
            seen.extend(code.bytes());
        }
        assert_eq!(seen.len(), CODE_ALPHABET.len());
    }
}
