//! The client against the built-in mock server (feature `mock`), which verifies every signature
//! with the documented rules: what a user's own tests would do.

use std::collections::HashSet;

use dispersed::mock::MockServer;
use dispersed::{Client, ClientConfig, ErrorKind, RetryConfig};

const PUBLIC_KEY: &str = "pk_test_4f2a9c";
const SECRET_KEY: &str = "sk_test_8d1e77b0c3";
const UUID: &str = "5f0c6a1e-9a7b-4c1e-8a57-2f4d2c9b1e01";
const NODE: &str = include_str!("fixtures/node-realistic.json");

async fn mock() -> MockServer {
    MockServer::builder(PUBLIC_KEY, SECRET_KEY)
        .with_raw_node(UUID, NODE)
        .start()
        .await
        .expect("mock starts")
}

fn client(server: &MockServer, secret_key: &str) -> Client {
    let config = ClientConfig::new()
        .with_base_url(server.base_url())
        .with_public_key(PUBLIC_KEY)
        .with_secret_key(secret_key);
    Client::with_env(config, |_| None).expect("valid config")
}

#[tokio::test]
async fn signed_requests_are_accepted_and_decoded() {
    let server = mock().await;
    let client = client(&server, SECRET_KEY);

    let node = client
        .get_node(UUID)
        .await
        .expect("the mock accepts our signature");
    let expected: dispersed::types::Node = serde_json::from_str(NODE).unwrap();
    assert_eq!(node, expected);

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].status, 200);
    assert_eq!(requests[0].path, format!("/v1/nodes/{UUID}"));
}

#[tokio::test]
async fn every_call_uses_a_fresh_nonce_the_mock_accepts() {
    let server = mock().await;
    let client = client(&server, SECRET_KEY);
    for _ in 0..5 {
        client.get_node(UUID).await.expect("no nonce reuse");
    }
    let requests = server.requests();
    assert!(requests.iter().all(|r| r.status == 200));
    let nonces: HashSet<_> = requests
        .iter()
        .map(|r| r.header("x-nonce").unwrap().to_owned())
        .collect();
    assert_eq!(nonces.len(), 5);
}

#[tokio::test]
async fn a_wrong_secret_is_a_401_with_the_mocks_reason() {
    let server = mock().await;
    let client = client(&server, "sk_wrong_key");

    let error = client.get_node(UUID).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let detail = error
        .api_error()
        .and_then(|e| e.error.as_ref())
        .expect("JSON error body");
    assert_eq!(detail.code, Some(serde_json::json!("invalid_signature")));
    assert!(!error.is_retryable());
    assert_eq!(error.attempts(), 1, "a 401 is not retried");
    assert!(error.to_string().contains("invalid_signature"), "{error}");
    assert!(!format!("{error} {error:?}").contains("sk_wrong_key"));
}

#[tokio::test]
async fn an_unknown_node_is_a_404() {
    let server = mock().await;
    let client = client(&server, SECRET_KEY);
    let error = client
        .get_node("00000000-0000-0000-0000-000000000000")
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn encoded_node_ids_reach_the_mock_signed_and_intact() {
    // The mock decodes the path segment and verifies the signature over the encoded wire path.
    let server = MockServer::builder(PUBLIC_KEY, SECRET_KEY)
        .with_raw_node("odd id/ü?#", NODE)
        .start()
        .await
        .unwrap();
    let client = client(&server, SECRET_KEY);
    client
        .get_node("odd id/ü?#")
        .await
        .expect("found under the decoded id");
    assert_eq!(
        server.requests()[0].path,
        "/v1/nodes/odd%20id%2F%C3%BC%3F%23"
    );
}

#[tokio::test]
async fn retries_against_a_stopped_mock_end_as_transport_errors() {
    let server = mock().await;
    let base_url = server.base_url();
    server.shutdown().await;
    let config = ClientConfig::new()
        .with_base_url(base_url)
        .with_public_key(PUBLIC_KEY)
        .with_secret_key(SECRET_KEY)
        .with_retry(
            RetryConfig::default().with_initial_backoff(std::time::Duration::from_millis(1)),
        );
    let client = Client::with_env(config, |_| None).unwrap();
    let error = client.get_node(UUID).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert_eq!(error.attempts(), 3);
}
