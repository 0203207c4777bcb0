//! A loopback HTTP/1.1 server that misbehaves on cue, for the client's tests.
//!
//! Hand-rolled on a tokio `TcpListener` so a test controls every byte: resets, truncated bodies,
//! stalls. Each connection serves one request (`Connection: close`) with the next [`Reply`] of
//! the script (the last one repeats), and every request is recorded as it arrived on the wire.
#![allow(dead_code)] // each test file uses a different part

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The secret key the tests sign with; asserted absent from every output.
pub const SECRET_KEY: &str = "sk_test_never_print_me_4b1d";
/// The public key the tests sign with.
pub const PUBLIC_KEY: &str = "pk_test_4f2a9c";

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A complete response.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Read the request, then reset the connection (RST) without answering.
    Reset,
    /// Headers claim `content_length` bytes, only `body` is sent, then the connection closes.
    Truncate {
        content_length: usize,
        body: Vec<u8>,
    },
    /// Headers and the first `body` bytes, then silence for `stall` (Content-Length is `total`).
    StallBody {
        total: usize,
        body: Vec<u8>,
        stall: Duration,
    },
    /// Nothing at all for `stall`, then close.
    StallHeaders(Duration),
    /// A 200 with `Transfer-Encoding: chunked` (no Content-Length), `body` in 1 KiB chunks.
    Chunked(Vec<u8>),
}

impl Reply {
    /// A JSON response.
    pub fn json(status: u16, body: &str) -> Self {
        Self::with_type(status, "application/json", body)
    }

    /// A response with the given content type.
    pub fn with_type(status: u16, content_type: &str, body: &str) -> Self {
        Reply::Respond {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// Adds a header to a [`Reply::Respond`].
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let Reply::Respond { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// The request target exactly as sent: path and query, still percent-encoded.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub at: std::time::Instant,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, query)| query)
    }

    /// Whether the signature headers verify with `secret` for this request as received.
    pub fn signature_verifies(&self, secret: &str) -> bool {
        let (Some(key), Some(time), Some(nonce), Some(signature)) = (
            self.header("x-api-key"),
            self.header("x-time"),
            self.header("x-nonce"),
            self.header("x-signature"),
        ) else {
            return false;
        };
        let Ok(timestamp_ms) = time.parse() else {
            return false;
        };
        let input = dispersed::signing::SigningInput {
            public_key: key,
            timestamp_ms,
            nonce,
            method: &self.method,
            path: self.path(),
            query: self.query(),
            body: None,
        };
        dispersed::signing::verify(secret, &input.canonical_string(), signature)
    }
}

/// A running scripted server; dropped with the test's runtime.
pub struct ScriptedServer {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl ScriptedServer {
    /// Starts a server on 127.0.0.1 (ephemeral port) that plays `script` in order.
    pub async fn start(script: Vec<Reply>) -> Self {
        Self::start_on("127.0.0.1:0", script).await
    }

    pub async fn start_on(bind: &str, script: Vec<Reply>) -> Self {
        assert!(!script.is_empty(), "a script needs at least one reply");
        let listener = TcpListener::bind(bind).await.expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let recorded = requests.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let recorded = recorded.clone();
                let script = script.clone();
                tokio::spawn(async move {
                    serve(stream, recorded, script).await;
                });
            }
        });
        Self { addr, requests }
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Everything received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

async fn serve(
    mut stream: TcpStream,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    script: Arc<Mutex<VecDeque<Reply>>>,
) {
    let Some(request) = read_head(&mut stream).await else {
        return;
    };
    recorded.lock().unwrap().push(request);
    let reply = {
        let mut script = script.lock().unwrap();
        if script.len() > 1 {
            script.pop_front().unwrap()
        } else {
            script.front().unwrap().clone()
        }
    };
    match reply {
        Reply::Respond {
            status,
            headers,
            body,
        } => {
            let mut out = head(status, &headers, body.len());
            out.extend_from_slice(&body);
            let _ = stream.write_all(&out).await;
        }
        Reply::Reset => {
            let _ = stream.set_zero_linger();
            drop(stream);
            return;
        }
        Reply::Truncate {
            content_length,
            body,
        } => {
            let mut out = head(
                200,
                &[("content-type".into(), "application/json".into())],
                content_length,
            );
            out.extend_from_slice(&body);
            let _ = stream.write_all(&out).await;
        }
        Reply::StallBody { total, body, stall } => {
            let mut out = head(
                200,
                &[("content-type".into(), "application/json".into())],
                total,
            );
            out.extend_from_slice(&body);
            let _ = stream.write_all(&out).await;
            let _ = stream.flush().await;
            tokio::time::sleep(stall).await;
        }
        Reply::StallHeaders(stall) => tokio::time::sleep(stall).await,
        Reply::Chunked(body) => {
            let mut out =
                b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
                    .to_vec();
            for chunk in body.chunks(1024) {
                out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                out.extend_from_slice(chunk);
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(b"0\r\n\r\n");
            let _ = stream.write_all(&out).await;
        }
    }
    let _ = stream.shutdown().await;
}

fn head(status: u16, headers: &[(String, String)], content_length: usize) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} Status\r\ncontent-length: {content_length}\r\nconnection: close\r\n"
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

async fn read_head(stream: &mut TcpStream) -> Option<Recorded> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let text = String::from_utf8_lossy(&buffer);
    let mut lines = text.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers = lines
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    Some(Recorded {
        method,
        target,
        headers,
        at: std::time::Instant::now(),
    })
}

/// A client for `server` with test keys and the given tweaks.
pub fn client_for(base_url: &str, config: dispersed::ClientConfig) -> dispersed::Client {
    let config = config
        .with_base_url(base_url)
        .with_public_key(PUBLIC_KEY)
        .with_secret_key(SECRET_KEY);
    dispersed::Client::with_env(config, |_| None).expect("valid test config")
}

/// Timeouts and backoff short enough for tests to take milliseconds.
pub fn fast_config() -> dispersed::ClientConfig {
    dispersed::ClientConfig::new()
        .with_retry(
            dispersed::RetryConfig::default()
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .with_timeouts(
            dispersed::Timeouts::default()
                .with_connect(Duration::from_secs(2))
                .with_read(Duration::from_millis(300))
                .with_attempt(Duration::from_secs(2))
                .with_operation(Duration::from_secs(5)),
        )
}

/// A node body with realistic values that the typed model accepts.
pub fn node_json(uuid: &str) -> String {
    let template = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/support/node.json"
    ))
    .expect("tests/support/node.json");
    template.replace("{{uuid}}", uuid)
}
