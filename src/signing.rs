//! HMAC-SHA256 request signing, exactly as the Dispersed authentication page describes.
//!
//! Every request carries `X-API-Key`, `X-Time`, `X-Nonce` and `X-Signature`. The signature is the
//! lowercase hex HMAC-SHA256, keyed with the secret key, of the *canonical string*:
//!
//! ```text
//! publicKey|timestamp|nonce|METHOD|pathname|queryString|bodySha256
//! ```
//!
//! This module is pure (no I/O besides the OS random source for nonces) so the client hook and
//! the mock server verify with the very same code.

use std::fmt::Write as _;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// Header carrying the public key.
pub const HEADER_API_KEY: &str = "x-api-key";
/// Header carrying the Unix time in milliseconds used in the signature.
pub const HEADER_TIME: &str = "x-time";
/// Header carrying the per-request nonce (32 lowercase hex characters).
pub const HEADER_NONCE: &str = "x-nonce";
/// Header carrying the lowercase hex HMAC-SHA256 of the canonical string.
pub const HEADER_SIGNATURE: &str = "x-signature";

/// SHA-256 of the empty string: the body hash of a request without a body.
pub const EMPTY_BODY_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Everything that goes into the canonical string of one request.
#[derive(Debug, Clone, Copy)]
pub struct SigningInput<'a> {
    /// The public key (`pk_…`), as sent in `X-API-Key`.
    pub public_key: &'a str,
    /// Unix time in milliseconds, as sent in `X-Time`.
    pub timestamp_ms: u64,
    /// The nonce, as sent in `X-Nonce`.
    pub nonce: &'a str,
    /// HTTP method; upper-cased in the canonical string.
    pub method: &'a str,
    /// The request path exactly as sent on the wire (percent-encoded, starting with `/`).
    pub path: &'a str,
    /// The raw query string as sent on the wire, without the leading `?`.
    pub query: Option<&'a str>,
    /// The request body, if any.
    pub body: Option<&'a [u8]>,
}

impl SigningInput<'_> {
    /// The seven `|`-separated parts the signature is computed over.
    pub fn canonical_string(&self) -> String {
        // Written into one buffer sized up front: this runs for every attempt of every request.
        let query = self.query.map(canonical_query);
        let body_hash = self.body.map(body_sha256);
        let parts = [
            self.public_key,
            self.nonce,
            self.method,
            self.path,
            query.as_deref().unwrap_or_default(),
            body_hash.as_deref().unwrap_or(EMPTY_BODY_SHA256),
        ];
        // 20 digits is the longest u64; 6 separators.
        let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum::<usize>() + 26);
        let [public_key, nonce, method, path, query, body_hash] = parts;
        out.push_str(public_key);
        out.push('|');
        // Writing to a `String` cannot fail.
        let _ = write!(out, "{}", self.timestamp_ms);
        out.push('|');
        out.push_str(nonce);
        out.push('|');
        out.extend(method.chars().map(|c| c.to_ascii_uppercase()));
        for part in [path, query, body_hash] {
            out.push('|');
            out.push_str(part);
        }
        out
    }

    /// The `X-Signature` value for this request.
    pub fn signature(&self, secret_key: &str) -> String {
        sign(secret_key, &self.canonical_string())
    }
}

/// Lowercase hex HMAC-SHA256 of `canonical`, keyed with `secret_key`.
pub fn sign(secret_key: &str, canonical: &str) -> String {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(canonical.as_bytes());
    to_lower_hex(&mac.finalize().into_bytes())
}

/// A signer keyed once with the secret key, for signing many requests.
///
/// Keying HMAC hashes the padded key; doing it once per client instead of once per request
/// saves two of the SHA-256 blocks each signature costs. `Debug` shows nothing of the key.
#[derive(Clone)]
pub struct Signer {
    keyed: Hmac<Sha256>,
}

impl Signer {
    /// A signer for `secret_key`.
    pub fn new(secret_key: &str) -> Self {
        Self {
            keyed: Hmac::<Sha256>::new_from_slice(secret_key.as_bytes())
                .expect("HMAC accepts keys of any length"),
        }
    }

    /// The same as [`sign`] with this signer's key.
    pub fn sign(&self, canonical: &str) -> String {
        hex_to_string(&self.sign_hex(canonical))
    }

    /// The signature as 64 lowercase hex ASCII bytes, without allocating (the client's path).
    pub(crate) fn sign_hex(&self, canonical: &str) -> [u8; 64] {
        let mut mac = self.keyed.clone();
        mac.update(canonical.as_bytes());
        lower_hex(&mac.finalize().into_bytes().into())
    }
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(<redacted>)")
    }
}

/// Compares a received signature with the expected one in constant time.
///
/// Used by verifiers (the mock server) so that timing does not leak how much of a guess matched.
pub fn verify(secret_key: &str, canonical: &str, signature: &str) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(canonical.as_bytes());
    match from_lower_hex(signature) {
        Some(bytes) => mac.verify_slice(&bytes).is_ok(),
        None => false,
    }
}

/// A fresh nonce: 16 bytes from the operating system's random source as 32 lowercase hex chars.
///
/// The server rejects a nonce it has already seen, so every attempt (including retries) needs a
/// new one.
pub fn generate_nonce() -> Result<String, NonceError> {
    fresh_nonce_hex().map(|hex| hex_to_string(&hex))
}

/// [`generate_nonce`] as 32 hex ASCII bytes, without allocating (the client's path).
pub(crate) fn fresh_nonce_hex() -> Result<[u8; 32], NonceError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(NonceError)?;
    Ok(lower_hex(&bytes))
}

/// The operating system's random source failed; no request can be signed safely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NonceError(getrandom::Error);

impl std::fmt::Display for NonceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the OS random source failed while generating a nonce: {}",
            self.0
        )
    }
}

impl std::error::Error for NonceError {}

/// The canonical form of a raw query string: pairs decoded as `application/x-www-form-urlencoded`
/// (as a URL parser on the server sees them), re-encoded with the `encodeURIComponent` set,
/// sorted by key and then by value, and joined with `&`.
///
/// `z=3&a=1&b=2` becomes `a=1&b=2&z=3`; an empty query gives the empty string.
pub fn canonical_query(raw_query: &str) -> String {
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(raw_query.as_bytes())
        .map(|(key, value)| (uri_component(&key), uri_component(&value)))
        .collect();
    pairs.sort();
    let mut out = String::with_capacity(raw_query.len());
    for (index, (key, value)) in pairs.iter().enumerate() {
        if index > 0 {
            out.push('&');
        }
        out.push_str(key);
        out.push('=');
        out.push_str(value);
    }
    out
}

/// Characters `encodeURIComponent` escapes: everything except `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
const URI_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

fn uri_component(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, URI_COMPONENT).to_string()
}

/// Lowercase hex SHA-256 of the body as compact JSON with object keys sorted recursively.
///
/// An empty body hashes like no body. A body that is not JSON cannot be re-serialised, so its raw
/// bytes are hashed unchanged (the API only takes JSON bodies; this keeps signing total).
pub fn body_sha256(body: &[u8]) -> String {
    if body.is_empty() {
        return EMPTY_BODY_SHA256.to_owned();
    }
    let digest = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value) => {
            let mut canonical = String::with_capacity(body.len());
            write_canonical_json(&value, &mut canonical);
            Sha256::digest(canonical.as_bytes())
        }
        Err(_) => Sha256::digest(body),
    };
    to_lower_hex(&digest)
}

/// Compact JSON with keys sorted at every level.
///
/// Sorting is explicit rather than relying on `serde_json::Map` being a `BTreeMap`, because
/// another crate in the build enabling serde_json's `preserve_order` would silently change it.
fn write_canonical_json(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (index, (key, item)) in entries.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical_json(item, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_canonical_json(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn to_lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 0x0f)] as char);
    }
    out
}

/// `N` bytes as `2 * N` lowercase hex ASCII bytes (`M` must be `2 * N`).
fn lower_hex<const N: usize, const M: usize>(bytes: &[u8; N]) -> [u8; M] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    const { assert!(M == 2 * N) };
    let mut out = [0u8; M];
    for (pair, byte) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0x0f)];
    }
    out
}

fn hex_to_string(hex: &[u8]) -> String {
    hex.iter().map(|&digit| char::from(digit)).collect()
}

fn from_lower_hex(text: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| Some(nibble(pair[0])? << 4 | nibble(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "sk_test_8d1e77b0c3";

    fn vector_input<'a>(path: &'a str, query: Option<&'a str>) -> SigningInput<'a> {
        SigningInput {
            public_key: "pk_test_4f2a9c",
            timestamp_ms: 1_706_918_400_000,
            nonce: "a1b2c3d4e5f6a7b8a1b2c3d4e5f6a7b8",
            method: "GET",
            path,
            query,
            body: None,
        }
    }

    #[test]
    fn notes_vector_1_node_details() {
        let input = vector_input("/v1/nodes/5f0c6a1e-9a7b-4c1e-8a57-2f4d2c9b1e01", None);
        let canonical = input.canonical_string();
        assert_eq!(
            canonical,
            "pk_test_4f2a9c|1706918400000|a1b2c3d4e5f6a7b8a1b2c3d4e5f6a7b8|GET|\
             /v1/nodes/5f0c6a1e-9a7b-4c1e-8a57-2f4d2c9b1e01||\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sign(SECRET, &canonical),
            "50f121cd3e90112eb9c9b4d3b91d004649e3386ae19adcc5a3b75f86f93ff1a3"
        );
    }

    #[test]
    fn notes_vector_2_list_with_unsorted_query() {
        // The wire order is page-first; the canonical string sorts it.
        let input = vector_input("/v1/nodes", Some("page=1&limit=10"));
        let canonical = input.canonical_string();
        assert!(
            canonical.contains("|/v1/nodes|limit=10&page=1|"),
            "{canonical}"
        );
        assert_eq!(
            input.signature(SECRET),
            "11081ed1c709797d31289bee65e8d1b0234dd5def0f3b4db5b156e83edd4657a"
        );
    }

    #[test]
    fn query_sorts_keys_then_repeated_values() {
        assert_eq!(canonical_query("z=3&a=1&b=2"), "a=1&b=2&z=3");
        assert_eq!(canonical_query("tag=b&tag=a&id=9"), "id=9&tag=a&tag=b");
        assert_eq!(canonical_query(""), "");
    }

    #[test]
    fn query_is_reencoded_consistently() {
        // `+` and `%20` are both a space on the server; both canonicalise to `%20`.
        assert_eq!(canonical_query("q=a+b"), "q=a%20b");
        assert_eq!(canonical_query("q=a%20b"), "q=a%20b");
        assert_eq!(
            canonical_query("filter%5Bstatus%5D=A,B"),
            "filter%5Bstatus%5D=A%2CB"
        );
        assert_eq!(canonical_query("name=%C3%BC"), "name=%C3%BC");
    }

    #[test]
    fn body_hash_is_of_compact_recursively_sorted_json() {
        let pretty = br#"{ "b": 1, "a": { "z": [ {"y": 2, "x": 1} ], "c": null } }"#;
        let compact_sorted = r#"{"a":{"c":null,"z":[{"x":1,"y":2}]},"b":1}"#;
        assert_eq!(
            body_sha256(pretty),
            to_lower_hex(&Sha256::digest(compact_sorted))
        );
    }

    #[test]
    fn no_body_and_empty_body_hash_the_empty_string() {
        assert_eq!(body_sha256(b""), EMPTY_BODY_SHA256);
        assert_eq!(to_lower_hex(&Sha256::digest(b"")), EMPTY_BODY_SHA256);
        let mut input = vector_input("/v1/nodes", None);
        input.body = Some(b"");
        assert!(input.canonical_string().ends_with(EMPTY_BODY_SHA256));
    }

    #[test]
    fn method_is_upper_cased() {
        let mut input = vector_input("/v1/nodes", None);
        input.method = "get";
        assert!(input.canonical_string().contains("|GET|"));
    }

    #[test]
    fn nonces_are_32_lowercase_hex_and_fresh() {
        let first = generate_nonce().unwrap();
        let second = generate_nonce().unwrap();
        assert_eq!(first.len(), 32);
        assert!(first
            .bytes()
            .all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')));
        assert_ne!(first, second);
    }

    #[test]
    fn a_keyed_signer_matches_sign_and_hides_its_key() {
        let canonical = vector_input("/v1/nodes", Some("page=1&limit=10")).canonical_string();
        let signer = Signer::new(SECRET);
        assert_eq!(signer.sign(&canonical), sign(SECRET, &canonical));
        assert_eq!(
            signer.sign(&canonical),
            "11081ed1c709797d31289bee65e8d1b0234dd5def0f3b4db5b156e83edd4657a"
        );
        assert!(!format!("{signer:?}").contains(SECRET));
    }

    #[test]
    fn verify_accepts_only_the_right_signature() {
        let canonical = vector_input("/v1/nodes", None).canonical_string();
        let good = sign(SECRET, &canonical);
        assert!(verify(SECRET, &canonical, &good));
        assert!(!verify("sk_other", &canonical, &good));
        assert!(!verify(SECRET, &canonical, &good.to_uppercase()));
        assert!(!verify(SECRET, &canonical, "zz"));
    }
}
