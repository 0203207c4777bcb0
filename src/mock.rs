//! A mock Dispersed server on loopback, for tests (ours and users'): feature `mock`.
//!
//! It is a real HTTP/1.1 server on `127.0.0.1` with an ephemeral port, and it checks requests
//! the way the API documents: `X-API-Key` must be the configured public key, `X-Time` within
//! ±5 minutes of now, `X-Nonce` 32 lowercase hex characters never seen before, and
//! `X-Signature` the HMAC-SHA256 of the canonical string (verified with [`crate::signing`], in
//! constant time). A bad or missing credential gets `401` with a JSON error body, an unknown node
//! `404`. Every request is recorded (method, path as sent, headers, body) so tests can assert on
//! what went over the wire.
//!
//! ```no_run
//! # async fn demo(node: dispersed::types::Node) -> std::io::Result<()> {
//! use dispersed::mock::MockServer;
//!
//! let server = MockServer::builder("pk_test_4f2a9c", "sk_test_8d1e77b0c3")
//!     .with_node("5f0c6a1e-9a7b-4c1e-8a57-2f4d2c9b1e01", &node)
//!     .start()
//!     .await?;
//! // Point a client at `server.base_url()`; the server stops when `server` is dropped.
//! # Ok(()) }
//! ```

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use crate::signing::{self, SigningInput};
use crate::types;

/// Clock skew the API allows between `X-Time` and the server's clock.
pub const DEFAULT_MAX_CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

/// How long [`MockServer::shutdown`] lets in-flight requests finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// Where node details are served.
const NODES_PREFIX: &str = "/v1/nodes/";

/// Configures and starts a [`MockServer`].
pub struct MockServerBuilder {
    public_key: String,
    secret_key: String,
    nodes: HashMap<String, Bytes>,
    max_clock_skew: Duration,
}

impl MockServerBuilder {
    /// Serves `node` (as the typed model serialises it) at `GET /v1/nodes/{uuid}`.
    pub fn with_node(mut self, uuid: impl Into<String>, node: &types::Node) -> Self {
        self.nodes.insert(uuid.into(), node_json(node));
        self
    }

    /// Serves `json` byte for byte at `GET /v1/nodes/{uuid}`: for documents the typed model would
    /// not produce, such as the docs' example or deliberately broken bodies.
    pub fn with_raw_node(mut self, uuid: impl Into<String>, json: impl Into<Bytes>) -> Self {
        self.nodes.insert(uuid.into(), json.into());
        self
    }

    /// How far `X-Time` may be from the server's clock (default ±5 minutes).
    pub fn with_max_clock_skew(mut self, skew: Duration) -> Self {
        self.max_clock_skew = skew;
        self
    }

    /// Binds `127.0.0.1:0` and starts serving on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            public_key: self.public_key,
            secret_key: self.secret_key,
            max_clock_skew: self.max_clock_skew,
            nodes: Mutex::new(self.nodes),
            seen_nonces: Mutex::new(HashSet::new()),
            requests: Mutex::new(Vec::new()),
        });
        let (shutdown, shutdown_rx) = watch::channel(false);
        let task = tokio::spawn(serve(listener, Arc::clone(&state), shutdown_rx));
        Ok(MockServer {
            addr,
            state,
            shutdown,
            task: Some(task),
        })
    }
}

impl fmt::Debug for MockServerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServerBuilder")
            .field("public_key", &self.public_key)
            .field("secret_key", &"<redacted>")
            .field("nodes", &self.nodes.keys().collect::<Vec<_>>())
            .field("max_clock_skew", &self.max_clock_skew)
            .finish()
    }
}

/// A running mock server; it stops when dropped (or, awaiting the end, with [`Self::shutdown`]).
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<State>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Starts configuring a server that accepts requests signed with this key pair.
    pub fn builder(
        public_key: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> MockServerBuilder {
        MockServerBuilder {
            public_key: public_key.into(),
            secret_key: secret_key.into(),
            nodes: HashMap::new(),
            max_clock_skew: DEFAULT_MAX_CLOCK_SKEW,
        }
    }

    /// `http://127.0.0.1:<port>`, the base URL to give a client.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Adds or replaces a node while the server runs.
    pub fn add_node(&self, uuid: impl Into<String>, node: &types::Node) {
        lock(&self.state.nodes).insert(uuid.into(), node_json(node));
    }

    /// Adds or replaces a raw JSON node while the server runs.
    pub fn add_raw_node(&self, uuid: impl Into<String>, json: impl Into<Bytes>) {
        lock(&self.state.nodes).insert(uuid.into(), json.into());
    }

    /// Every request received so far, in arrival order, including rejected ones.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.requests).clone()
    }

    /// Stops accepting, lets in-flight requests finish (up to 2 s), and waits until the port is
    /// closed.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        // The serving task sees the signal, closes the listener and ends its connections.
        let _ = self.shutdown.send(true);
    }
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// One request as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method, e.g. `GET`.
    pub method: String,
    /// The request target exactly as sent: path plus `?query` if any, still percent-encoded.
    pub path: String,
    /// Header names (lower case) and values, in the order received; non-UTF-8 bytes replaced.
    pub headers: Vec<(String, String)>,
    /// The request body.
    pub body: Vec<u8>,
    /// The status the mock answered with.
    pub status: u16,
}

impl RecordedRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

struct State {
    public_key: String,
    secret_key: String,
    max_clock_skew: Duration,
    nodes: Mutex<HashMap<String, Bytes>>,
    seen_nonces: Mutex<HashSet<String>>,
    requests: Mutex<Vec<RecordedRequest>>,
}

/// A poisoned lock only means another test thread panicked; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn node_json(node: &types::Node) -> Bytes {
    // A generated model always serialises: its map keys are strings, and serde_json writes a
    // non-finite float as `null` rather than failing.
    serde_json::to_vec(node)
        .expect("a node serialises to JSON")
        .into()
}

async fn serve(listener: TcpListener, state: Arc<State>, mut shutdown: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let state = Arc::clone(&state);
                let mut shutdown = shutdown.clone();
                connections.spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        handle(Arc::clone(&state), request)
                    });
                    let connection = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service);
                    tokio::pin!(connection);
                    tokio::select! {
                        _ = connection.as_mut() => {}
                        _ = shutdown.changed() => {
                            connection.as_mut().graceful_shutdown();
                            let _ = connection.await;
                        }
                    }
                });
            }
            // Reap finished connections so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    });
    if drained.await.is_err() {
        connections.shutdown().await;
    }
}

async fn handle(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    // A body cut off mid-way is recorded as what arrived; GET requests have none.
    let body = body
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .unwrap_or_default();
    let target = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned());
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();

    let response = match authenticate(&state, &parts, &body) {
        Err(rejection) => rejection.into_response(),
        Ok(()) => route(&state, &parts),
    };
    lock(&state.requests).push(RecordedRequest {
        method: parts.method.as_str().to_owned(),
        path: target,
        headers,
        body: body.to_vec(),
        status: response.status().as_u16(),
    });
    Ok(response)
}

fn route(state: &State, parts: &hyper::http::request::Parts) -> Response<Full<Bytes>> {
    let uuid = parts
        .uri
        .path()
        .strip_prefix(NODES_PREFIX)
        .filter(|segment| !segment.is_empty() && !segment.contains('/'));
    let (Some(uuid), &hyper::Method::GET) = (uuid, &parts.method) else {
        return error_response(
            StatusCode::NOT_FOUND,
            "not_found",
            &format!("no route for {} {}", parts.method, parts.uri.path()),
        );
    };
    let uuid = percent_encoding::percent_decode_str(uuid).decode_utf8_lossy();
    match lock(&state.nodes).get(uuid.as_ref()) {
        Some(json) => json_response(StatusCode::OK, json.clone()),
        None => error_response(
            StatusCode::NOT_FOUND,
            "not_found",
            &format!("no node with uuid {uuid:?}"),
        ),
    }
}

/// Why a request was refused; each becomes a 401 with a JSON error body.
#[derive(Debug)]
struct Rejection {
    code: &'static str,
    message: String,
}

impl Rejection {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    fn into_response(self) -> Response<Full<Bytes>> {
        error_response(StatusCode::UNAUTHORIZED, self.code, &self.message)
    }
}

/// Checks the four signing headers in the order a caller can fix them.
fn authenticate(
    state: &State,
    parts: &hyper::http::request::Parts,
    body: &[u8],
) -> Result<(), Rejection> {
    let header = |name: &'static str| -> Result<&str, Rejection> {
        let value = parts.headers.get(name).ok_or_else(|| {
            Rejection::new("missing_header", format!("the {name} header is missing"))
        })?;
        value.to_str().map_err(|_| {
            Rejection::new("invalid_header", format!("the {name} header is not ASCII"))
        })
    };
    let api_key = header(signing::HEADER_API_KEY)?;
    let time = header(signing::HEADER_TIME)?;
    let nonce = header(signing::HEADER_NONCE)?;
    let signature = header(signing::HEADER_SIGNATURE)?;

    if api_key != state.public_key {
        return Err(Rejection::new("invalid_api_key", "unknown public key"));
    }
    let timestamp_ms: u64 = time.parse().map_err(|_| {
        Rejection::new(
            "invalid_timestamp",
            "X-Time must be Unix time in milliseconds",
        )
    })?;
    let now_ms = now_ms();
    let skew_ms = u64::try_from(state.max_clock_skew.as_millis()).unwrap_or(u64::MAX);
    if now_ms.abs_diff(timestamp_ms) > skew_ms {
        return Err(Rejection::new(
            "stale_timestamp",
            format!(
                "X-Time is {} ms away from the server's clock; at most {skew_ms} ms is allowed",
                now_ms.abs_diff(timestamp_ms)
            ),
        ));
    }
    let well_formed_nonce = nonce.len() == 32
        && nonce
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !well_formed_nonce {
        return Err(Rejection::new(
            "invalid_nonce",
            "X-Nonce must be 32 lowercase hex characters",
        ));
    }
    let input = SigningInput {
        public_key: api_key,
        timestamp_ms,
        nonce,
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        body: (!body.is_empty()).then_some(body),
    };
    if !signing::verify(&state.secret_key, &input.canonical_string(), signature) {
        return Err(Rejection::new(
            "invalid_signature",
            "X-Signature does not match the request",
        ));
    }
    // Only a correctly signed request uses up its nonce.
    if !lock(&state.seen_nonces).insert(nonce.to_owned()) {
        return Err(Rejection::new(
            "nonce_reused",
            "this X-Nonce was already used",
        ));
    }
    Ok(())
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
        })
}

fn error_response(status: StatusCode, code: &str, message: &str) -> Response<Full<Bytes>> {
    let body = serde_json::json!({ "error": { "code": code, "message": message } });
    json_response(status, Bytes::from(body.to_string()))
}

fn json_response(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
