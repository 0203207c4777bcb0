//! Path parameters that cannot change the request path.
//!
//! The generated client percent-encodes a path parameter with `progenitor_client::encode_path`
//! and then lets the URL parser normalise the result. That parser removes `.` and `..` segments
//! and reads `\` as `/`, so `..` would be sent as `GET /v1/` and `..\admin` as `GET /v1/admin`.
//! Every path parameter is therefore checked here before anything is sent: it must come out of
//! encoding and URL parsing as exactly one segment that decodes back to the caller's value.

use percent_encoding::percent_decode_str;
use reqwest::Url;

use crate::error::Error;

/// Checks that `value`, sent as path parameter `name`, stays one segment and arrives unaltered.
pub(crate) fn check_segment(operation: &'static str, name: &str, value: &str) -> Result<(), Error> {
    let reject =
        |why: &str| Error::invalid_input(operation, format!("{name} {why}; nothing was sent"));
    match value {
        "" => return Err(reject("is empty")),
        "." | ".." => {
            return Err(reject(&format!(
                "is `{value}`, a dot segment that would change the request path"
            )))
        }
        _ => {}
    }
    // The common case (UUIDs, ids): unreserved characters only, which neither encoding nor URL
    // parsing touches. Skips the URL round trip below on the hot path.
    if value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
    {
        return Ok(());
    }
    if value.contains('\\') {
        return Err(reject(
            "contains `\\`, which URL parsers read as `/`; it would change the request path",
        ));
    }

    // Do what the generated code does, then look at what the URL parser made of it.
    const PREFIX: &str = "http://check.invalid/segment/";
    let encoded = progenitor_client::encode_path(value);
    let parsed = Url::parse(&format!("{PREFIX}{encoded}"))
        .map_err(|e| reject(&format!("cannot be put in a URL ({e})")))?;
    let survived = parsed
        .path()
        .strip_prefix("/segment/")
        .filter(|segment| !segment.contains('/'))
        .is_some_and(|segment| {
            percent_decode_str(segment)
                .decode_utf8()
                .is_ok_and(|s| s == value)
        });
    if survived && parsed.query().is_none() && parsed.fragment().is_none() {
        Ok(())
    } else {
        Err(reject("would not arrive unaltered as one path segment"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn dot_segments_empty_and_backslashes_are_rejected() {
        for value in ["", ".", "..", "..\\admin", "a\\b"] {
            let error = check_segment("get_node", "node_uuid", value).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidInput, "{value:?}");
            assert_eq!(error.attempts(), 0);
            assert!(error.to_string().contains("node_uuid"), "{error}");
        }
        let error = check_segment("get_node", "node_uuid", "..").unwrap_err();
        assert!(error.to_string().contains("dot segment"), "{error}");
    }

    #[test]
    fn everything_else_is_accepted_to_be_encoded() {
        for value in [
            "5f0c6a1e-9a7b-4c1e-8a57-2f4d2c9b1e01",
            "../admin",
            "a/b?c=d#e",
            "%2e%2e",
            "...",
            ".hidden",
            "ü名",
            "with space",
            "tab\tnew\nline",
        ] {
            assert!(
                check_segment("get_node", "node_uuid", value).is_ok(),
                "{value:?}"
            );
        }
    }
}
