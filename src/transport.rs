//! What happens between the generated client building a request and getting a response back:
//! signing, the four timeouts, the size cap and retries, all inside progenitor's `exec` hook.
//!
//! The generated `Client` carries a [`Transport`] as its inner type, and
//! `impl ClientHooks<Transport> for generated::Client` replaces progenitor's single
//! `reqwest::Client::execute` with [`Transport::execute`]: a loop of attempts, each signed afresh
//! (new nonce, new time), each reading the whole body under the read timeout and the size cap.
//! The hook hands progenitor a fully buffered response, so the generated code decodes as usual.
//!
//! progenitor's hook can only return a `reqwest::Result`, which cannot express "body too large"
//! or "operation timed out", and its error type loses the status of an unparsable body. So the
//! outcome of each call is also written to a task-local [`CallRecord`], which
//! [`Client`](crate::Client) reads to build a [`crate::Error`] that keeps everything.

use std::cell::RefCell;
use std::future::Future;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_LENGTH};
use reqwest::{ResponseBuilderExt, StatusCode, Url};
use tracing::Instrument;

use crate::config::ResolvedConfig;
use crate::error::{one_line, Error};
use crate::retry::{is_retryable_status, unit_random, RetryConfig};
use crate::signing::{self, SigningInput};
use crate::timeouts::{TimeoutKind, Timeouts};

// Parsed at compile time: `from_static` is a `const fn`.
const API_KEY: HeaderName = HeaderName::from_static(signing::HEADER_API_KEY);
const TIME: HeaderName = HeaderName::from_static(signing::HEADER_TIME);
const NONCE: HeaderName = HeaderName::from_static(signing::HEADER_NONCE);
const SIGNATURE: HeaderName = HeaderName::from_static(signing::HEADER_SIGNATURE);

/// The generated client's inner type: everything a call needs besides the `reqwest::Client`.
#[derive(Clone, Debug)]
pub(crate) struct Transport {
    settings: Arc<TransportSettings>,
}

#[derive(Debug)]
struct TransportSettings {
    /// The URL given to the buffered responses handed to the generated code, which never reads
    /// it (reqwest would otherwise parse a placeholder URL for every response).
    base_url: Url,
    public_key: HeaderValue,
    public_key_text: String,
    signer: signing::Signer,
    retry: RetryConfig,
    timeouts: Timeouts,
    max_response_bytes: usize,
}

/// A response read to the end (within the cap).
#[derive(Debug, Clone)]
pub(crate) struct BufferedResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// What one call did: how many attempts, and how the last one ended.
#[derive(Debug, Default)]
pub(crate) struct CallRecord {
    pub(crate) attempts: u32,
    pub(crate) outcome: Option<Result<BufferedResponse, Error>>,
}

tokio::task_local! {
    // Boxed: tokio moves a task-local value in and out of its slot on every poll.
    static CALL_RECORD: RefCell<Box<CallRecord>>;
}

/// Runs `call` (a generated `send()`) and returns its output with the record of what happened.
pub(crate) async fn recorded<F: Future>(call: F) -> (F::Output, CallRecord) {
    let mut scoped = std::pin::pin!(CALL_RECORD.scope(RefCell::new(Box::default()), call));
    // The output goes straight to the caller; the record is taken out of the finished scope.
    let output = scoped.as_mut().await;
    let record = scoped
        .take_value()
        .map_or_else(CallRecord::default, |record| *record.into_inner());
    (output, record)
}

fn record(update: impl FnOnce(&mut CallRecord)) {
    // Outside `recorded` (no scope) there is nobody to tell; the hook still works.
    let _ = CALL_RECORD.try_with(|record| update(&mut record.borrow_mut()));
}

impl Transport {
    /// Builds the transport and the `reqwest::Client` it drives.
    pub(crate) fn new(config: &ResolvedConfig) -> Result<(Self, reqwest::Client), Error> {
        let public_key = HeaderValue::from_str(&config.public_key)
            .map_err(|_| Error::config("the public key is not a valid header value"))?;
        let http = reqwest::Client::builder()
            .connect_timeout(config.timeouts.connect())
            .read_timeout(config.timeouts.read())
            // A redirect would carry the signing headers, and the signature covers the path, so
            // a redirect is never followed: the 3xx comes back as an error with its status.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("dispersed-rust/", env!("CARGO_PKG_VERSION")))
            .tls_backend_preconfigured(tls_config()?)
            .build()
            .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?;
        let transport = Self {
            settings: Arc::new(TransportSettings {
                base_url: Url::parse(&config.base_url)
                    .map_err(|e| Error::config(format!("the base URL is not a valid URL: {e}")))?,
                public_key,
                public_key_text: config.public_key.clone(),
                signer: signing::Signer::new(config.secret_key.expose_secret()),
                retry: config.retry.clone(),
                timeouts: config.timeouts,
                max_response_bytes: config.max_response_bytes,
            }),
        };
        Ok((transport, http))
    }

    /// All attempts of one call, inside one tracing span.
    pub(crate) async fn execute(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation: &'static str,
    ) -> Result<BufferedResponse, Error> {
        let span = tracing::info_span!(
            "dispersed.call",
            operation,
            method = %request.method(),
            path = request.url().path(),
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let outcome = self
            .attempts(http, request, operation, started, &span)
            .instrument(span.clone())
            .await;
        if span.is_disabled() {
            // Nobody listens: skip the clock read and the request-id header lookups.
            return outcome;
        }
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        match &outcome {
            Ok(response) => {
                span.record("status", response.status.as_u16());
                if let Some(id) = crate::error::request_id(&response.headers) {
                    span.record("request_id", id.as_str());
                }
            }
            Err(error) => {
                if let Some(status) = error.status() {
                    span.record("status", status.as_u16());
                }
                if let Some(id) = error.request_id() {
                    span.record("request_id", id);
                }
            }
        }
        outcome
    }

    async fn attempts(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation: &'static str,
        started: Instant,
        span: &tracing::Span,
    ) -> Result<BufferedResponse, Error> {
        let settings = &*self.settings;
        let deadline = started + settings.timeouts.operation();
        let retry_allowed = settings.retry.allows_method(request.method());
        let mut original = Some(request);
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            record(|r| r.attempts = attempt);
            span.record("attempt", attempt);

            let Some(request) = original.take() else {
                return Err(Error::transport(
                    operation,
                    "the request could not be repeated",
                    None,
                    attempt - 1,
                ));
            };
            // A copy is kept only when another attempt may follow. A request with a streaming
            // body cannot be copied; it gets exactly one attempt.
            let may_retry = retry_allowed && attempt < settings.retry.max_attempts();
            let (mut this_attempt, last_possible) = match may_retry.then(|| request.try_clone()) {
                Some(Some(copy)) => {
                    original = Some(request);
                    (copy, false)
                }
                _ => (request, true),
            };
            self.sign(&mut this_attempt, operation)?;

            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(Error::timeout(
                    operation,
                    TimeoutKind::Operation,
                    attempt - 1,
                ));
            }
            let budget = settings.timeouts.attempt().min(remaining);
            let outcome = match tokio::time::timeout(
                budget,
                Box::pin(self.attempt(http, this_attempt, operation)),
            )
            .await
            {
                Ok(outcome) => outcome,
                Err(_) if budget < settings.timeouts.attempt() => {
                    Err(Error::timeout(operation, TimeoutKind::Operation, attempt))
                }
                Err(_) => Err(Error::timeout(operation, TimeoutKind::Attempt, attempt)),
            }
            .map_err(|error| error.with_attempts(attempt));

            let retry_hint = match &outcome {
                Ok(response) if is_retryable_status(response.status) => settings
                    .retry
                    .retry_after(&response.headers, SystemTime::now()),
                Ok(_) => return outcome,
                Err(error) if error.is_retryable() => None,
                Err(_) => return outcome,
            };
            if last_possible {
                return outcome;
            }
            let wait = retry_hint.unwrap_or_else(|| settings.retry.backoff(attempt, unit_random()));
            if Instant::now() + wait >= deadline {
                // Waiting would use up the whole budget: report what we have now.
                return outcome;
            }
            tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    /// Adds the four signing headers, computed over the request exactly as it will be sent.
    fn sign(&self, request: &mut reqwest::Request, operation: &'static str) -> Result<(), Error> {
        let settings = &*self.settings;
        let nonce = signing::fresh_nonce_hex()
            .map_err(|e| Error::transport(operation, e.to_string(), None, 0))?;
        let timestamp_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|since| since.as_millis() as u64)
            .unwrap_or(0);
        let url = request.url();
        let canonical = SigningInput {
            public_key: &settings.public_key_text,
            timestamp_ms,
            nonce: std::str::from_utf8(&nonce).expect("hex is ASCII"),
            method: request.method().as_str(),
            path: url.path(),
            query: url.query(),
            body: request.body().and_then(reqwest::Body::as_bytes),
        }
        .canonical_string();
        let signature = settings.signer.sign_hex(&canonical);

        let headers = request.headers_mut();
        // One growth of the map for all four, not one per insert.
        headers.reserve(4);
        headers.insert(API_KEY, settings.public_key.clone());
        headers.insert(TIME, HeaderValue::from(timestamp_ms));
        headers.insert(NONCE, sensitive_hex(&nonce));
        headers.insert(SIGNATURE, sensitive_hex(&signature));
        Ok(())
    }

    /// One attempt: send, then read the body to the end under the read timeout and the cap.
    async fn attempt(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation: &'static str,
    ) -> Result<BufferedResponse, Error> {
        let settings = &*self.settings;
        let mut response = http
            .execute(request)
            .await
            .map_err(|e| transport_error(operation, e))?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let cap = settings.max_response_bytes;
        let too_large = |headers: &HeaderMap| Error::too_large(operation, status, headers, cap, 0);

        let declared = headers
            .get(CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|length| length > cap as u64) {
            return Err(too_large(&headers));
        }
        // A small body usually arrives as one chunk, which is kept as is (no copy); only a body
        // in several chunks is gathered into one buffer.
        let mut first: Option<Bytes> = None;
        let mut gathered: Option<BytesMut> = None;
        let mut received = 0usize;
        // reqwest's read timeout (set in `new`) bounds the silence before each chunk.
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| transport_error(operation, e))?
        {
            received += chunk.len();
            if received > cap {
                return Err(too_large(&headers));
            }
            match (&mut gathered, first.take()) {
                (Some(buffer), _) => buffer.extend_from_slice(&chunk),
                (None, None) => first = Some(chunk),
                (None, Some(previous)) => {
                    let capacity = declared.map_or(0, |n| n as usize).max(received);
                    let mut buffer = BytesMut::with_capacity(capacity);
                    buffer.extend_from_slice(&previous);
                    buffer.extend_from_slice(&chunk);
                    gathered = Some(buffer);
                }
            }
        }
        let body = match gathered {
            Some(buffer) => buffer.freeze(),
            None => first.unwrap_or_default(),
        };
        Ok(BufferedResponse {
            status,
            headers,
            body,
        })
    }
}

impl BufferedResponse {
    /// A `reqwest::Response` over the buffered body, for the generated code to decode.
    ///
    /// The generated code reads only the status and the body; the headers, and everything else
    /// an error needs, stay in the call record, so they are not copied here.
    fn for_generated_code(&self, url: &Url) -> reqwest::Response {
        let body = || reqwest::Body::from(self.body.clone());
        // A builder given only a URL cannot fail; the fallback merely keeps this panic-free.
        let mut response = http::Response::builder()
            .url(url.clone())
            .body(body())
            .unwrap_or_else(|_| http::Response::new(body()));
        *response.status_mut() = self.status;
        reqwest::Response::from(response)
    }
}

fn sensitive_hex(hex: &[u8]) -> HeaderValue {
    let mut value = HeaderValue::from_bytes(hex).expect("hex is a valid header value");
    value.set_sensitive(true);
    value
}

impl ClientHooks<Transport> for crate::generated::Client {
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let outcome = self
            .inner()
            .execute(self.client(), request, info.operation_id)
            .await;
        let response = match &outcome {
            Ok(buffered) => buffered.for_generated_code(&self.inner().settings.base_url),
            // The real error goes to the call record; `post` turns this stand-in into an error
            // so the generated code never decodes it.
            Err(_) => {
                reqwest::Response::from(http::Response::new(reqwest::Body::from(Bytes::new())))
            }
        };
        record(|r| r.outcome = Some(outcome));
        Ok(response)
    }

    async fn post<E>(
        &self,
        _result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let failure = CALL_RECORD
            .try_with(|record| match &record.borrow().outcome {
                Some(Err(error)) => Some(error.to_string()),
                _ => None,
            })
            .ok()
            .flatten();
        match failure {
            Some(message) => Err(progenitor_client::Error::Custom(message)),
            None => Ok(()),
        }
    }
}

fn transport_error(operation: &'static str, error: reqwest::Error) -> Error {
    if error.is_timeout() {
        let kind = if error.is_connect() {
            TimeoutKind::Connect
        } else {
            TimeoutKind::Read
        };
        return Error::timeout(operation, kind, 0);
    }
    let stage = if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "the response body was cut short"
    } else {
        "the connection failed"
    };
    let detail = format!("{stage}: {}", one_line(&root_cause(&error), 200));
    Error::transport(operation, detail, Some(error), 0)
}

/// The innermost error message (e.g. "connection reset by peer"), which says more than
/// reqwest's "error sending request".
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

/// rustls with the pure-Rust `ring` provider and the platform's trust store: no C toolchain,
/// no OpenSSL, and no process-wide default provider installed behind the user's back.
fn tls_config() -> Result<rustls::ClientConfig, Error> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|builder| builder.with_platform_verifier())
        .map_err(|e| Error::config(format!("cannot set up TLS: {e}")))?
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}
