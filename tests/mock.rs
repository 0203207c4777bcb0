//! The built-in mock server, over real HTTP on loopback: it verifies the four signing headers
//! exactly as documented and serves the nodes it was given.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dispersed::decode::decode_json;
use dispersed::mock::MockServer;
use dispersed::signing::{self, SigningInput};
use dispersed::types::{ApiError, Node, NodeStatus};
use serde_json::Value;

const PUBLIC_KEY: &str = "pk_test_4f2a9c";
const SECRET_KEY: &str = "sk_test_8d1e77b0c3";
const NODE_UUID: &str = "5f0c6a1e-9a7b-4c1e-8a57-2f4d2c9b1e01";
const DOCS_EXAMPLE: &str = include_str!("fixtures/node-docs-example.json");
const REALISTIC: &str = include_str!("fixtures/node-realistic.json");

fn realistic_node() -> Node {
    decode_json(REALISTIC.as_bytes()).unwrap()
}

async fn server() -> MockServer {
    MockServer::builder(PUBLIC_KEY, SECRET_KEY)
        .with_node(NODE_UUID, &realistic_node())
        .with_raw_node("docs-example", DOCS_EXAMPLE)
        .start()
        .await
        .unwrap()
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// The four headers of a correctly signed GET, which a test may then spoil.
struct Signed {
    api_key: String,
    time: String,
    nonce: String,
    signature: String,
}

impl Signed {
    fn get(target: &str, timestamp_ms: u64, nonce: &str) -> Self {
        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (target, None),
        };
        let input = SigningInput {
            public_key: PUBLIC_KEY,
            timestamp_ms,
            nonce,
            method: "GET",
            path,
            query,
            body: None,
        };
        Self {
            api_key: PUBLIC_KEY.to_owned(),
            time: timestamp_ms.to_string(),
            nonce: nonce.to_owned(),
            signature: signing::sign(SECRET_KEY, &input.canonical_string()),
        }
    }

    fn fresh(target: &str) -> Self {
        Self::get(target, now_ms(), &signing::generate_nonce().unwrap())
    }

    async fn send(&self, server: &MockServer, target: &str) -> (u16, Vec<u8>) {
        send(
            server,
            target,
            &[
                ("X-API-Key", &self.api_key),
                ("X-Time", &self.time),
                ("X-Nonce", &self.nonce),
                ("X-Signature", &self.signature),
            ],
        )
        .await
    }
}

async fn send(server: &MockServer, target: &str, headers: &[(&str, &str)]) -> (u16, Vec<u8>) {
    // The crate builds reqwest without a default TLS provider; plain HTTP still needs one set.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut request = reqwest::Client::new().get(format!("{}{target}", server.base_url()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

/// The `error.code` of a 401/404 body, which must be JSON of the spec's `ApiError` shape.
fn error_code(body: &[u8]) -> String {
    let error: ApiError = decode_json(body).unwrap();
    let code = error.error.unwrap().code.unwrap();
    code.as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_correctly_signed_request_gets_the_node() {
    let server = server().await;
    let target = format!("/v1/nodes/{NODE_UUID}");
    let (status, body) = Signed::fresh(&target).send(&server, &target).await;
    assert_eq!(status, 200);
    let node: Node = decode_json(&body).unwrap();
    assert_eq!(node, realistic_node());
    assert_eq!(node.status, Some(NodeStatus::Working));
}

#[tokio::test]
async fn a_raw_node_is_served_byte_for_byte() {
    let server = server().await;
    let target = "/v1/nodes/docs-example";
    let (status, body) = Signed::fresh(target).send(&server, target).await;
    assert_eq!(status, 200);
    assert_eq!(body, DOCS_EXAMPLE.as_bytes());
}

#[tokio::test]
async fn a_bad_signature_gets_401_with_a_json_error() {
    let server = server().await;
    let target = format!("/v1/nodes/{NODE_UUID}");
    let mut signed = Signed::fresh(&target);
    // Flip the last hex digit.
    let last = if signed.signature.ends_with('0') {
        "1"
    } else {
        "0"
    };
    signed.signature.replace_range(63.., last);
    let (status, body) = signed.send(&server, &target).await;
    assert_eq!(status, 401);
    assert_eq!(error_code(&body), "invalid_signature");

    // Right key, wrong secret.
    let mut signed = Signed::fresh(&target);
    let input = SigningInput {
        public_key: PUBLIC_KEY,
        timestamp_ms: signed.time.parse().unwrap(),
        nonce: &signed.nonce,
        method: "GET",
        path: &target,
        query: None,
        body: None,
    };
    signed.signature = signing::sign("sk_someone_else", &input.canonical_string());
    assert_eq!(signed.send(&server, &target).await.0, 401);
}

#[tokio::test]
async fn a_signature_for_another_path_or_query_is_rejected() {
    let server = server().await;
    let signed = Signed::fresh("/v1/nodes/another-node");
    let target = format!("/v1/nodes/{NODE_UUID}");
    let (status, body) = signed.send(&server, &target).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (401, "invalid_signature")
    );

    let signed = Signed::fresh(&format!("{target}?page=1"));
    let (status, _) = signed.send(&server, &format!("{target}?page=2")).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn the_query_is_signed_in_canonical_order() {
    let server = server().await;
    let signed_as = format!("/v1/nodes/{NODE_UUID}?a=1&b=2&z=3");
    let sent_as = format!("/v1/nodes/{NODE_UUID}?z=3&a=1&b=2");
    let (status, _) = Signed::fresh(&signed_as).send(&server, &sent_as).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn each_missing_header_is_named() {
    let server = server().await;
    let target = format!("/v1/nodes/{NODE_UUID}");
    for missing in ["X-API-Key", "X-Time", "X-Nonce", "X-Signature"] {
        let signed = Signed::fresh(&target);
        let all = [
            ("X-API-Key", signed.api_key.as_str()),
            ("X-Time", &signed.time),
            ("X-Nonce", &signed.nonce),
            ("X-Signature", &signed.signature),
        ];
        let headers: Vec<_> = all
            .into_iter()
            .filter(|(name, _)| *name != missing)
            .collect();
        let (status, body) = send(&server, &target, &headers).await;
        assert_eq!(status, 401, "{missing}");
        let error: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(error["error"]["code"], "missing_header");
        let message = error["error"]["message"].as_str().unwrap();
        assert!(message.contains(&missing.to_ascii_lowercase()), "{message}");
    }
}

#[tokio::test]
async fn an_unknown_public_key_is_rejected() {
    let server = server().await;
    let target = format!("/v1/nodes/{NODE_UUID}");
    let mut signed = Signed::fresh(&target);
    signed.api_key = "pk_test_other".to_owned();
    let (status, body) = signed.send(&server, &target).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (401, "invalid_api_key")
    );
}

#[tokio::test]
async fn a_reused_nonce_is_rejected() {
    let server = server().await;
    let target = format!("/v1/nodes/{NODE_UUID}");
    let signed = Signed::fresh(&target);
    assert_eq!(signed.send(&server, &target).await.0, 200);
    let (status, body) = signed.send(&server, &target).await;
    assert_eq!((status, error_code(&body).as_str()), (401, "nonce_reused"));

    // Re-signed with the same nonce but a new time: still a reuse.
    let again = Signed::get(&target, now_ms() + 1, &signed.nonce);
    assert_eq!(again.send(&server, &target).await.0, 401);
}

#[tokio::test]
async fn a_rejected_request_does_not_use_up_its_nonce() {
    let server = server().await;
    let target = format!("/v1/nodes/{NODE_UUID}");
    let mut bad = Signed::fresh(&target);
    let good_signature = std::mem::replace(&mut bad.signature, "0".repeat(64));
    assert_eq!(bad.send(&server, &target).await.0, 401);
    bad.signature = good_signature;
    assert_eq!(bad.send(&server, &target).await.0, 200);
}

#[tokio::test]
async fn the_time_must_be_within_five_minutes() {
    let server = server().await;
    let target = format!("/v1/nodes/{NODE_UUID}");
    let minute = 60_000;
    for (offset, expected) in [
        (-6 * minute, 401),
        (6 * minute, 401),
        (-4 * minute, 200),
        (4 * minute, 200),
    ] {
        let time = now_ms().checked_add_signed(offset).unwrap();
        let signed = Signed::get(&target, time, &signing::generate_nonce().unwrap());
        let (status, body) = signed.send(&server, &target).await;
        assert_eq!(status, expected, "offset {offset} ms");
        if expected == 401 {
            assert_eq!(error_code(&body), "stale_timestamp");
        }
    }

    let mut signed = Signed::fresh(&target);
    signed.time = "yesterday".to_owned();
    let (status, body) = signed.send(&server, &target).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (401, "invalid_timestamp")
    );
}

#[tokio::test]
async fn a_malformed_nonce_is_rejected() {
    let server = server().await;
    let target = format!("/v1/nodes/{NODE_UUID}");
    for nonce in [
        "A1B2C3D4E5F6A7B8A1B2C3D4E5F6A7B8",
        "a1b2c3",
        "zz".repeat(16).as_str(),
    ] {
        // Signed correctly over the bad nonce: the format alone is the problem.
        let signed = Signed::get(&target, now_ms(), nonce);
        let (status, body) = signed.send(&server, &target).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (401, "invalid_nonce"),
            "{nonce}"
        );
    }
}

#[tokio::test]
async fn an_unknown_node_gets_404_with_a_json_error() {
    let server = server().await;
    let target = "/v1/nodes/00000000-0000-0000-0000-000000000000";
    let (status, body) = Signed::fresh(target).send(&server, target).await;
    assert_eq!((status, error_code(&body).as_str()), (404, "not_found"));
}

#[tokio::test]
async fn authentication_comes_before_routing() {
    let server = server().await;
    let (status, body) = send(&server, "/v1/nodes/00000000-unknown", &[]).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (401, "missing_header")
    );
}

#[tokio::test]
async fn a_percent_encoded_uuid_is_looked_up_decoded() {
    let server = server().await;
    server.add_node("a/b c", &realistic_node());
    let target = "/v1/nodes/a%2Fb%20c";
    let (status, _) = Signed::fresh(target).send(&server, target).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn requests_are_recorded_as_they_went_over_the_wire() {
    let server = server().await;
    let target = "/v1/nodes/..%2Fadmin?z=3&a=1";
    let signed = Signed::fresh(target);
    assert_eq!(signed.send(&server, target).await.0, 404);
    send(&server, "/v1/nodes/x", &[]).await;

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let first = &requests[0];
    assert_eq!(first.method, "GET");
    assert_eq!(first.path, target);
    assert_eq!(first.status, 404);
    assert_eq!(first.header("x-nonce"), Some(signed.nonce.as_str()));
    assert_eq!(first.header("X-Signature"), Some(signed.signature.as_str()));
    assert!(first.body.is_empty());
    assert_eq!(requests[1].status, 401);
    assert_eq!(requests[1].header("x-api-key"), None);
}

#[tokio::test]
async fn shutdown_closes_the_port() {
    let server = server().await;
    let addr = server.addr();
    assert!(tokio::net::TcpStream::connect(addr).await.is_ok());
    server.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn dropping_the_server_stops_it() {
    let server = server().await;
    let addr = server.addr();
    drop(server);
    // The serving task closes the listener as soon as it runs again; give it a bounded while.
    let mut closed = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            closed = true;
            break;
        }
    }
    assert!(closed, "the port was still open 1 s after drop");
}

#[tokio::test]
async fn the_secret_key_is_not_in_debug_output() {
    let builder = MockServer::builder(PUBLIC_KEY, SECRET_KEY);
    let debug = format!("{builder:?}");
    assert!(!debug.contains(SECRET_KEY), "{debug}");
    let server = builder.start().await.unwrap();
    assert!(!format!("{server:?}").contains(SECRET_KEY));
}
