//! Fault injection: a loopback server misbehaves on cue, and each test pins the outcome and the
//! number of attempts the client made. Timeouts and backoffs are shortened per test so the whole
//! file runs in a few seconds.

mod support;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use dispersed::{ErrorKind, RetryConfig, TimeoutKind, Timeouts};
use support::{client_for, fast_config, node_json, Reply, ScriptedServer, SECRET_KEY};

const UUID: &str = "5f0c6a1e-9a7b-4c1e-8a57-2f4d2c9b1e01";

fn assert_secret_free(error: &dispersed::Error) {
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(SECRET_KEY), "{shown}");
    assert!(!shown.contains('\n') || !error.to_string().contains('\n'));
}

#[tokio::test]
async fn two_503s_then_200_succeeds_on_the_third_attempt_with_fresh_nonces() {
    let server = ScriptedServer::start(vec![
        Reply::json(503, r#"{"error":{"code":"overloaded"}}"#),
        Reply::with_type(503, "text/plain", "try later"),
        Reply::json(200, &node_json(UUID)),
    ])
    .await;
    let client = client_for(&server.url(), fast_config());

    let node = client.get_node(UUID).await.expect("third attempt succeeds");
    assert_eq!(node.name, "render-box-07");

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let nonces: HashSet<_> = requests
        .iter()
        .map(|r| r.header("x-nonce").unwrap())
        .collect();
    assert_eq!(nonces.len(), 3, "every attempt has its own nonce");
    let signatures: HashSet<_> = requests
        .iter()
        .map(|r| r.header("x-signature").unwrap())
        .collect();
    assert_eq!(signatures.len(), 3, "every attempt is signed again");
    assert!(requests.iter().all(|r| r.signature_verifies(SECRET_KEY)));
}

#[tokio::test]
async fn retry_after_one_second_is_waited_for() {
    let server = ScriptedServer::start(vec![
        Reply::json(429, r#"{"error":{"code":"rate_limited"}}"#).header("retry-after", "1"),
        Reply::json(200, &node_json(UUID)),
    ])
    .await;
    let client = client_for(&server.url(), fast_config());

    client.get_node(UUID).await.expect("succeeds after waiting");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let waited = requests[1].at - requests[0].at;
    assert!(waited >= Duration::from_secs(1), "waited only {waited:?}");
    assert!(waited < Duration::from_secs(3), "waited {waited:?}");
}

#[tokio::test]
async fn retry_after_is_capped() {
    let server = ScriptedServer::start(vec![
        Reply::json(503, "{}").header("retry-after", "3600"),
        Reply::json(200, &node_json(UUID)),
    ])
    .await;
    let config = fast_config()
        .with_retry(RetryConfig::default().with_max_retry_after(Duration::from_millis(50)));
    let client = client_for(&server.url(), config);
    let started = Instant::now();
    client
        .get_node(UUID)
        .await
        .expect("succeeds after the capped wait");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_404_with_json_keeps_status_and_parsed_body_and_is_not_retried() {
    let server = ScriptedServer::start(vec![Reply::json(
        404,
        r#"{"error":{"code":"node_not_found","message":"no node with that uuid"}}"#,
    )
    .header("x-request-id", "req-404-abc")])
    .await;
    let client = client_for(&server.url(), fast_config());

    let error = client.get_node(UUID).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.request_id(), Some("req-404-abc"));
    let detail = error
        .api_error()
        .and_then(|e| e.error.as_ref())
        .expect("parsed body");
    assert_eq!(detail.message.as_deref(), Some("no node with that uuid"));
    assert!(!error.is_retryable());
    assert_eq!(error.attempts(), 1);
    assert_eq!(server.requests().len(), 1);
    assert_eq!(
        error.to_string(),
        "get_node: API error: HTTP 404 Not Found: node_not_found: no node with that uuid (request id req-404-abc)"
    );
    assert_secret_free(&error);
}

#[tokio::test]
async fn a_502_with_html_keeps_status_and_raw_page_after_all_attempts() {
    let page = "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>";
    let server = ScriptedServer::start(vec![Reply::with_type(502, "text/html", page)]).await;
    let client = client_for(&server.url(), fast_config());

    let error = client.get_node(UUID).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(error.raw_body(), Some(page.as_bytes()));
    assert!(error.api_error().is_none());
    assert!(error.is_retryable());
    assert_eq!(error.attempts(), 3);
    assert_eq!(server.requests().len(), 3);
    assert!(!error.to_string().contains("<html>"), "{error}");
    assert_secret_free(&error);
}

#[tokio::test]
async fn a_401_with_an_empty_body_keeps_its_status() {
    let server = ScriptedServer::start(vec![Reply::with_type(401, "application/json", "")]).await;
    let client = client_for(&server.url(), fast_config());

    let error = client.get_node(UUID).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(error.raw_body(), Some(&b""[..]));
    assert!(!error.is_retryable());
    assert_eq!(error.attempts(), 1);
    assert!(error.to_string().contains("empty body"), "{error}");
}

#[tokio::test]
async fn a_200_with_a_bad_field_names_the_path_and_keeps_the_status() {
    let body = node_json(UUID).replace("\"reputation\": 87.5", "\"reputation\": \"high\"");
    let server = ScriptedServer::start(vec![Reply::json(200, &body)]).await;
    let client = client_for(&server.url(), fast_config());

    let error = client.get_node(UUID).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.json_path(), Some("reputation"));
    assert_eq!(error.raw_body(), Some(body.as_bytes()));
    assert!(!error.is_retryable());
    assert_eq!(error.attempts(), 1);
    assert!(error.to_string().contains("reputation"), "{error}");
}

#[tokio::test]
async fn a_200_that_is_not_json_at_all_is_a_decode_error_with_status() {
    let server = ScriptedServer::start(vec![Reply::with_type(
        200,
        "text/html",
        "<html>maintenance</html>",
    )])
    .await;
    let client = client_for(&server.url(), fast_config());
    let error = client.get_node(UUID).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert!(error.json_path().is_some());
}

/// A transport fault that repeats on every attempt uses up all three attempts and ends as a
/// retryable transport error (returned for further checks); the same fault once is survived by
/// the retry.
async fn assert_transport_fault_is_retried(fault: Reply) -> dispersed::Error {
    let server = ScriptedServer::start(vec![fault.clone()]).await;
    let client = client_for(&server.url(), fast_config());

    let error = client.get_node(UUID).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert!(error.is_retryable());
    assert_eq!(error.attempts(), 3);
    assert_eq!(server.requests().len(), 3);

    let server = ScriptedServer::start(vec![fault, Reply::json(200, &node_json(UUID))]).await;
    let client = client_for(&server.url(), fast_config());
    client
        .get_node(UUID)
        .await
        .expect("second attempt succeeds");
    assert_eq!(server.requests().len(), 2);
    error
}

#[tokio::test]
async fn connection_resets_are_transport_errors_and_retried() {
    let error = assert_transport_fault_is_retried(Reply::Reset).await;
    assert!(error.status().is_none());
}

#[tokio::test]
async fn a_truncated_body_is_a_transport_error_and_retried() {
    let full = node_json(UUID);
    assert_transport_fault_is_retried(Reply::Truncate {
        content_length: full.len(),
        body: full.as_bytes()[..full.len() / 2].to_vec(),
    })
    .await;
}

#[tokio::test]
async fn a_stalled_body_hits_the_read_timeout() {
    let full = node_json(UUID);
    let server = ScriptedServer::start(vec![Reply::StallBody {
        total: full.len(),
        body: full.as_bytes()[..40].to_vec(),
        stall: Duration::from_secs(30),
    }])
    .await;
    let config = fast_config()
        .with_retry(
            RetryConfig::default()
                .with_max_attempts(2)
                .with_initial_backoff(Duration::from_millis(5)),
        )
        .with_timeouts(Timeouts::default().with_read(Duration::from_millis(200)));
    let client = client_for(&server.url(), config);

    let started = Instant::now();
    let error = client.get_node(UUID).await.unwrap_err();
    assert_eq!(
        error.kind(),
        ErrorKind::Timeout(TimeoutKind::Read),
        "{error}"
    );
    assert_eq!(error.attempts(), 2);
    assert_eq!(server.requests().len(), 2);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_oversized_body_hits_the_cap() {
    let big = format!("{{\"name\":\"{}\"}}", "x".repeat(10_000));
    let server = ScriptedServer::start(vec![Reply::json(200, &big)]).await;
    let client = client_for(&server.url(), fast_config().with_max_response_bytes(1024));

    let error = client.get_node(UUID).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ResponseTooLarge, "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert!(!error.is_retryable());
    assert_eq!(error.attempts(), 1);
    assert!(error.to_string().contains("1024"), "{error}");
}

#[tokio::test]
async fn an_oversized_body_without_content_length_is_cut_off_while_streaming() {
    let big = format!("{{\"name\":\"{}\"}}", "x".repeat(100_000));
    let server = ScriptedServer::start(vec![Reply::Chunked(big.into_bytes())]).await;
    let client = client_for(&server.url(), fast_config().with_max_response_bytes(4096));

    let error = client.get_node(UUID).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ResponseTooLarge, "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.attempts(), 1);

    // Under the cap, the same framing decodes.
    let server = ScriptedServer::start(vec![Reply::Chunked(node_json(UUID).into_bytes())]).await;
    let client = client_for(&server.url(), fast_config().with_max_response_bytes(4096));
    assert_eq!(
        client.get_node(UUID).await.expect("chunked node").name,
        "render-box-07"
    );
}

#[tokio::test]
async fn a_cross_host_redirect_does_not_carry_the_signing_headers() {
    let elsewhere = ScriptedServer::start(vec![Reply::json(200, &node_json(UUID))]).await;
    let location = format!("http://localhost:{}/v1/nodes/{UUID}", elsewhere.addr.port());
    let server =
        ScriptedServer::start(vec![Reply::json(302, "").header("location", &location)]).await;
    let client = client_for(&server.url(), fast_config());

    let error = client.get_node(UUID).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api, "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(302));
    assert!(error.to_string().contains("not followed"), "{error}");
    assert_eq!(server.requests().len(), 1);
    assert!(
        elsewhere.requests().is_empty(),
        "the other host received {:?}",
        elsewhere.requests()
    );
}

#[tokio::test]
async fn retries_stop_at_the_operation_timeout() {
    let server = ScriptedServer::start(vec![Reply::StallHeaders(Duration::from_secs(30))]).await;
    let config = fast_config()
        .with_retry(
            RetryConfig::default()
                .with_max_attempts(10)
                .with_initial_backoff(Duration::from_millis(1)),
        )
        .with_timeouts(
            Timeouts::default()
                .with_read(Duration::from_secs(10))
                .with_attempt(Duration::from_millis(250))
                .with_operation(Duration::from_millis(600)),
        );
    let client = client_for(&server.url(), config);

    let started = Instant::now();
    let error = client.get_node(UUID).await.unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(
        error.kind(),
        ErrorKind::Timeout(TimeoutKind::Operation),
        "{error}"
    );
    assert!(!error.is_retryable());
    // 250 ms + 250 ms + the last 100 ms on an idle machine; a slow connect under load may leave
    // room for only two. Either way the operation timeout, not the 10-attempt budget, ended it.
    let attempts = error.attempts();
    assert!((2..=3).contains(&attempts), "{attempts} attempts");
    assert_eq!(server.requests().len(), attempts as usize);
    assert!(elapsed >= Duration::from_millis(600), "{elapsed:?}");
    // Generous: only catches a call that ignores the operation deadline (10 x 250 ms = 2.5 s).
    assert!(elapsed < Duration::from_millis(2400), "{elapsed:?}");
}

#[tokio::test]
async fn retries_disabled_means_one_attempt() {
    let server = ScriptedServer::start(vec![Reply::json(503, "{}")]).await;
    let client = client_for(
        &server.url(),
        fast_config().with_retry(RetryConfig::disabled()),
    );
    let error = client.get_node(UUID).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.is_retryable());
    assert_eq!(error.attempts(), 1);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported_as_transport() {
    // Bind and drop to get a port nobody listens on.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = client_for(&format!("http://127.0.0.1:{port}"), fast_config());
    let error = client.get_node(UUID).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert!(error.to_string().contains("could not connect"), "{error}");
    assert_eq!(error.attempts(), 3);
}
