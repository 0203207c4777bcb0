//! The one error type every public call returns.
//!
//! It answers the questions a caller has after a failure: how far did the request get
//! ([`ErrorKind`]), what did the server say ([`status`](Error::status),
//! [`request_id`](Error::request_id), [`api_error`](Error::api_error),
//! [`raw_body`](Error::raw_body)), where in the JSON did decoding fail
//! ([`json_path`](Error::json_path)), and is trying again sensible
//! ([`is_retryable`](Error::is_retryable)). Its `Display` is one line and never contains a key,
//! a signature or a whole body.

use std::fmt;

use bytes::Bytes;
use reqwest::header::{HeaderMap, CONTENT_TYPE, LOCATION};
use reqwest::StatusCode;

use crate::retry::is_retryable_status;
use crate::timeouts::TimeoutKind;
use crate::types::ApiError;

/// At most this much of a response body is kept in an error.
pub const RAW_BODY_CAP: usize = 64 * 1024;

/// Server-provided text quoted in `Display` is cut to this many characters.
const QUOTE_CAP: usize = 160;

/// Response headers that carry a request id, in order of preference.
const REQUEST_ID_HEADERS: [&str; 4] = ["x-request-id", "request-id", "x-amzn-requestid", "cf-ray"];

/// How far a request got before it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Rejected before sending: an argument cannot be sent safely (e.g. a `node_uuid` of `..`).
    InvalidInput,
    /// Rejected before sending: configuration is missing or invalid (keys, base URL, TLS).
    Config,
    /// One of the four [`Timeouts`](crate::Timeouts) fired.
    Timeout(TimeoutKind),
    /// The connection failed: connect, reset, TLS, or a body cut short.
    Transport,
    /// The server answered with a status that is not a success.
    Api,
    /// The server answered with success, but the body is not what the API documents.
    Decode,
    /// The response body is larger than the configured cap.
    ResponseTooLarge,
}

/// The error of every public call. See the module docs.
#[non_exhaustive]
pub struct Error {
    // Boxed: a `Result<T, Error>` stays one pointer wide on the happy path.
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    operation: &'static str,
    detail: String,
    status: Option<StatusCode>,
    request_id: Option<String>,
    api_error: Option<ApiError>,
    raw_body: Option<Bytes>,
    raw_body_truncated: bool,
    json_path: Option<String>,
    attempts: u32,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    fn new(kind: ErrorKind, operation: &'static str, detail: impl Into<String>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                operation,
                detail: one_line(&detail.into(), usize::MAX),
                status: None,
                request_id: None,
                api_error: None,
                raw_body: None,
                raw_body_truncated: false,
                json_path: None,
                attempts: 0,
                source: None,
            }),
        }
    }

    pub(crate) fn invalid_input(operation: &'static str, detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, operation, detail)
    }

    pub(crate) fn config(detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, "config", detail)
    }

    pub(crate) fn timeout(operation: &'static str, kind: TimeoutKind, attempts: u32) -> Self {
        let mut error = Self::new(ErrorKind::Timeout(kind), operation, kind.describe());
        error.inner.attempts = attempts;
        error
    }

    pub(crate) fn transport(
        operation: &'static str,
        detail: impl Into<String>,
        source: Option<reqwest::Error>,
        attempts: u32,
    ) -> Self {
        let mut error = Self::new(ErrorKind::Transport, operation, detail);
        error.inner.attempts = attempts;
        error.inner.source = source.map(|e| Box::new(e) as _);
        error
    }

    /// A non-success status, with whatever the body said.
    pub(crate) fn api(
        operation: &'static str,
        status: StatusCode,
        headers: &HeaderMap,
        body: Bytes,
        attempts: u32,
    ) -> Self {
        let api_error = serde_json::from_slice::<ApiError>(&body).ok();
        let detail = match &api_error {
            _ if status.is_redirection() => describe_redirect(headers),
            Some(parsed) => describe_api_error(parsed),
            None => describe_unparsed_body(headers, &body),
        };
        let mut error = Self::new(ErrorKind::Api, operation, detail);
        error.attach_response(status, headers, body, attempts);
        error.inner.api_error = api_error;
        error
    }

    /// A success status whose body does not decode; `path` names where it went wrong.
    pub(crate) fn decode(
        operation: &'static str,
        status: StatusCode,
        headers: &HeaderMap,
        body: Bytes,
        failure: &crate::decode::DecodeError,
        attempts: u32,
    ) -> Self {
        let mut error = Self::new(
            ErrorKind::Decode,
            operation,
            one_line(&failure.to_string(), 300),
        );
        error.attach_response(status, headers, body, attempts);
        error.inner.json_path = Some(failure.path().to_string());
        error
    }

    pub(crate) fn too_large(
        operation: &'static str,
        status: StatusCode,
        headers: &HeaderMap,
        limit: usize,
        attempts: u32,
    ) -> Self {
        let detail = format!("response body exceeds the {limit}-byte cap");
        let mut error = Self::new(ErrorKind::ResponseTooLarge, operation, detail);
        error.inner.status = Some(status);
        error.inner.request_id = request_id(headers);
        error.inner.attempts = attempts;
        error
    }

    fn attach_response(
        &mut self,
        status: StatusCode,
        headers: &HeaderMap,
        body: Bytes,
        attempts: u32,
    ) {
        self.inner.status = Some(status);
        self.inner.request_id = request_id(headers);
        self.inner.raw_body_truncated = body.len() > RAW_BODY_CAP;
        self.inner.raw_body = Some(body.slice(..body.len().min(RAW_BODY_CAP)));
        self.inner.attempts = attempts;
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        self
    }

    /// How far the request got.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The HTTP status, whenever the server answered (also for decode failures and oversized
    /// bodies).
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.status
    }

    /// The request id the server sent (`X-Request-Id`, `Request-Id`, `X-Amzn-RequestId` or
    /// `CF-Ray`), for support tickets.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// Whether the same call may succeed if tried again later: transport failures, connect,
    /// read and per-attempt timeouts, and the statuses 429, 500, 502, 503 and 504.
    ///
    /// When this is `true` the client has already retried as far as its
    /// [`RetryConfig`](crate::RetryConfig) allowed.
    pub fn is_retryable(&self) -> bool {
        match self.inner.kind {
            ErrorKind::Transport => true,
            ErrorKind::Timeout(kind) => kind != TimeoutKind::Operation,
            ErrorKind::Api => self.inner.status.is_some_and(is_retryable_status),
            _ => false,
        }
    }

    /// The response body as received (at most [`RAW_BODY_CAP`] bytes), whatever its format:
    /// JSON, HTML or empty.
    pub fn raw_body(&self) -> Option<&[u8]> {
        self.inner.raw_body.as_deref()
    }

    /// Whether [`raw_body`](Self::raw_body) was cut at [`RAW_BODY_CAP`].
    pub fn raw_body_truncated(&self) -> bool {
        self.inner.raw_body_truncated
    }

    /// The error body, when the server sent one that parses as the API's error object.
    pub fn api_error(&self) -> Option<&ApiError> {
        self.inner.api_error.as_ref()
    }

    /// For [`ErrorKind::Decode`]: the JSON path of the bad value, e.g. `reputation` or
    /// `current_hardware.gpus[0].name`.
    pub fn json_path(&self) -> Option<&str> {
        self.inner.json_path.as_deref()
    }

    /// How many attempts were made; `0` when the request was rejected before sending.
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// The operation that failed (`get_node`), or `config`.
    pub fn operation(&self) -> &'static str {
        self.inner.operation
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stage = match self.inner.kind {
            ErrorKind::InvalidInput => "rejected before sending",
            ErrorKind::Config => "invalid configuration",
            ErrorKind::Timeout(_) => "timed out",
            ErrorKind::Transport => "transport failure",
            ErrorKind::Api => "API error",
            ErrorKind::Decode => "invalid response body",
            ErrorKind::ResponseTooLarge => "response too large",
        };
        write!(f, "{}: {stage}", self.inner.operation)?;
        if let Some(status) = self.inner.status {
            write!(f, ": HTTP {status}")?;
        }
        if !self.inner.detail.is_empty() {
            write!(f, ": {}", self.inner.detail)?;
        }
        let mut notes = Vec::new();
        if let Some(id) = &self.inner.request_id {
            notes.push(format!("request id {}", one_line(id, 80)));
        }
        if self.inner.attempts > 1 {
            notes.push(format!("after {} attempts", self.inner.attempts));
        }
        if !notes.is_empty() {
            write!(f, " ({})", notes.join(", "))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    // Like a derived Debug, but the body is summarised: a 64 KiB dump helps nobody in a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.inner.kind)
            .field("operation", &self.inner.operation)
            .field("detail", &self.inner.detail)
            .field("status", &self.inner.status)
            .field("request_id", &self.inner.request_id)
            .field("api_error", &self.inner.api_error)
            .field(
                "raw_body_len",
                &self.inner.raw_body.as_ref().map(Bytes::len),
            )
            .field("json_path", &self.inner.json_path)
            .field("attempts", &self.inner.attempts)
            .field("source", &self.inner.source)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source.as_deref().map(|e| e as _)
    }
}

pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
        .map(str::to_owned)
}

fn describe_api_error(parsed: &ApiError) -> String {
    let Some(detail) = &parsed.error else {
        return "error body without an `error` object".to_owned();
    };
    let code = detail.code.as_ref().map(|code| match code {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    });
    match (code, &detail.message) {
        (Some(code), Some(message)) => one_line(&format!("{code}: {message}"), QUOTE_CAP),
        (Some(code), None) => one_line(&code, QUOTE_CAP),
        (None, Some(message)) => one_line(message, QUOTE_CAP),
        (None, None) => "error body without code or message".to_owned(),
    }
}

fn describe_redirect(headers: &HeaderMap) -> String {
    let location = headers
        .get(LOCATION)
        .and_then(|value| value.to_str().ok())
        .map_or_else(
            || "an unnamed location".to_owned(),
            |value| one_line(value, 120),
        );
    format!("redirect to {location} not followed (a signed request is never redirected)")
}

fn describe_unparsed_body(headers: &HeaderMap, body: &[u8]) -> String {
    if body.is_empty() {
        return "empty body".to_owned();
    }
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| format!(", {}", one_line(value, 60)))
        .unwrap_or_default();
    format!("unparsed body of {} bytes{content_type}", body.len())
}

/// Collapses control characters (newlines included) to spaces and cuts to `cap` characters, so
/// server-provided text cannot break the one-line `Display` or flood a log.
pub(crate) fn one_line(text: &str, cap: usize) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(cap)
        .collect();
    if text.chars().count() > cap {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn api_error_keeps_status_request_id_and_parsed_body() {
        let body =
            Bytes::from_static(br#"{"error":{"code":"not_found","message":"no such node"}}"#);
        let error = Error::api(
            "get_node",
            StatusCode::NOT_FOUND,
            &headers(&[("x-request-id", "req-42")]),
            body.clone(),
            1,
        );
        assert_eq!(error.kind(), ErrorKind::Api);
        assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(error.request_id(), Some("req-42"));
        assert_eq!(error.raw_body(), Some(&body[..]));
        assert_eq!(
            error
                .api_error()
                .unwrap()
                .error
                .as_ref()
                .unwrap()
                .message
                .as_deref(),
            Some("no such node")
        );
        assert!(!error.is_retryable());
        assert_eq!(
            error.to_string(),
            "get_node: API error: HTTP 404 Not Found: not_found: no such node (request id req-42)"
        );
    }

    #[test]
    fn html_body_is_kept_raw_but_not_displayed() {
        let page = format!("<html>{}</html>", "x".repeat(100_000));
        let error = Error::api(
            "get_node",
            StatusCode::BAD_GATEWAY,
            &headers(&[("content-type", "text/html")]),
            Bytes::from(page.clone()),
            3,
        );
        assert!(error.api_error().is_none());
        assert_eq!(error.raw_body().unwrap().len(), RAW_BODY_CAP);
        assert!(error.raw_body_truncated());
        assert!(error.is_retryable());
        let shown = error.to_string();
        assert!(!shown.contains("<html>"), "{shown}");
        assert!(
            shown.contains("502 Bad Gateway") && shown.contains("after 3 attempts"),
            "{shown}"
        );
        assert!(!format!("{error:?}").contains("xxxx"));
    }

    #[test]
    fn server_text_cannot_break_the_single_line() {
        let body = Bytes::from(format!(
            r#"{{"error":{{"message":"a\nb{}"}}}}"#,
            "y".repeat(500)
        ));
        let error = Error::api(
            "get_node",
            StatusCode::BAD_REQUEST,
            &HeaderMap::new(),
            body,
            1,
        );
        let shown = error.to_string();
        assert!(!shown.contains('\n'));
        assert!(shown.len() < 300, "{shown}");
    }

    #[test]
    fn retryability_follows_the_kind() {
        assert!(Error::timeout("get_node", TimeoutKind::Read, 1).is_retryable());
        assert!(!Error::timeout("get_node", TimeoutKind::Operation, 2).is_retryable());
        assert!(Error::transport("get_node", "connection reset", None, 1).is_retryable());
        assert!(!Error::invalid_input("get_node", "bad").is_retryable());
        assert!(!Error::config("missing key").is_retryable());
    }
}
