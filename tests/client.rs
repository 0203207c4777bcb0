//! The client over real loopback HTTP: signing as it arrives on the wire, path safety, and
//! secrets kept out of every output.

mod support;

use dispersed::{ClientConfig, ErrorKind};
use support::{client_for, fast_config, node_json, Reply, ScriptedServer, PUBLIC_KEY, SECRET_KEY};

const UUID: &str = "5f0c6a1e-9a7b-4c1e-8a57-2f4d2c9b1e01";

#[tokio::test]
async fn get_node_is_signed_over_exactly_the_wire_path() {
    let server = ScriptedServer::start(vec![Reply::json(200, &node_json(UUID))]).await;
    let client = client_for(&server.url(), fast_config());

    let node = client.get_node(UUID).await.expect("node");
    assert_eq!(node.name, "render-box-07");

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, format!("/v1/nodes/{UUID}"));
    assert_eq!(request.header("x-api-key"), Some(PUBLIC_KEY));
    let nonce = request.header("x-nonce").unwrap();
    assert_eq!(nonce.len(), 32);
    assert!(nonce
        .bytes()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    let sent_at: u64 = request.header("x-time").unwrap().parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    assert!(
        now.abs_diff(sent_at) < 60_000,
        "X-Time {sent_at} vs now {now}"
    );
    assert!(request.signature_verifies(SECRET_KEY), "{request:?}");
    assert!(!request.signature_verifies("sk_some_other_key"));
    // The secret itself never travels.
    assert!(request
        .headers
        .iter()
        .all(|(_, value)| !value.contains(SECRET_KEY)));
}

#[tokio::test]
async fn base_url_path_prefix_is_kept_and_signed() {
    let server = ScriptedServer::start(vec![Reply::json(200, &node_json(UUID))]).await;
    let client = client_for(&format!("{}/gateway/", server.url()), fast_config());
    client.get_node(UUID).await.expect("node");
    let request = &server.requests()[0];
    assert_eq!(request.target, format!("/gateway/v1/nodes/{UUID}"));
    assert!(request.signature_verifies(SECRET_KEY));
}

#[tokio::test]
async fn node_ids_are_percent_encoded_as_one_segment() {
    let cases = [
        ("../admin", "/v1/nodes/..%2Fadmin"),
        ("a/b?c=d#e", "/v1/nodes/a%2Fb%3Fc=d%23e"),
        ("%2e%2e", "/v1/nodes/%252e%252e"),
        ("ü", "/v1/nodes/%C3%BC"),
        ("with space", "/v1/nodes/with%20space"),
        ("...", "/v1/nodes/..."),
    ];
    for (node_uuid, wire) in cases {
        let server = ScriptedServer::start(vec![Reply::json(200, &node_json(UUID))]).await;
        let client = client_for(&server.url(), fast_config());
        client.get_node(node_uuid).await.expect(node_uuid);
        let request = &server.requests()[0];
        assert_eq!(request.target, wire, "for {node_uuid:?}");
        assert!(
            request.signature_verifies(SECRET_KEY),
            "signature for {node_uuid:?}"
        );
    }
}

#[tokio::test]
async fn path_changing_ids_are_rejected_before_sending() {
    let server = ScriptedServer::start(vec![Reply::json(200, &node_json(UUID))]).await;
    let client = client_for(&server.url(), fast_config());
    for node_uuid in ["", ".", "..", "..\\admin", "a\\b"] {
        let error = client.get_node(node_uuid).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{node_uuid:?}");
        assert_eq!(error.attempts(), 0);
        assert!(error.status().is_none());
        assert!(error.to_string().contains("node_uuid"), "{error}");
        assert!(error.to_string().contains("nothing was sent"), "{error}");
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test]
async fn config_errors_happen_before_any_connection() {
    let error = dispersed::Client::with_env(ClientConfig::new(), |_| None).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(
        error.to_string().contains("DISPERSED_PUBLIC_KEY"),
        "{error}"
    );
}
