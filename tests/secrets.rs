//! The secret key and signatures stay out of every `Debug`, `Display` and log line.
//!
//! Its own test binary: the `tracing` subscriber is process-global here, so no other test's
//! thread can race with it.

mod support;

use std::sync::{Arc, Mutex};

use dispersed::ClientConfig;
use support::{client_for, fast_config, node_json, Reply, ScriptedServer, PUBLIC_KEY, SECRET_KEY};

const UUID: &str = "5f0c6a1e-9a7b-4c1e-8a57-2f4d2c9b1e01";

/// A `tracing` writer that keeps everything in memory.
#[derive(Clone, Default)]
struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn secret_and_signature_stay_out_of_debug_display_and_logs() {
    let logs = CapturedLogs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let server = ScriptedServer::start(vec![
        Reply::json(503, r#"{"error":{"code":"busy"}}"#),
        Reply::json(200, &node_json(UUID)),
        Reply::json(
            404,
            r#"{"error":{"code":"not_found","message":"no such node"}}"#,
        ),
    ])
    .await;
    let client = client_for(&server.url(), fast_config());
    let node = client.get_node(UUID).await.expect("retried to success");
    let error = client.get_node("missing").await.unwrap_err();
    let config_error = dispersed::Client::with_env(
        ClientConfig::new()
            .with_secret_key(SECRET_KEY)
            .with_public_key(PUBLIC_KEY)
            .with_base_url("http://example.com"),
        |_| None,
    )
    .unwrap_err();

    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("dispersed.call"),
        "the call span was logged: {logged}"
    );
    let signatures: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.header("x-signature").unwrap().to_owned())
        .collect();
    assert_eq!(signatures.len(), 3);

    let outputs = [
        format!("{client:?}"),
        format!("{node:?}"),
        format!("{error} {error:?}"),
        format!("{config_error} {config_error:?}"),
        logged,
    ];
    for output in &outputs {
        assert!(!output.contains(SECRET_KEY), "secret leaked: {output}");
        for signature in &signatures {
            assert!(
                !output.contains(signature.as_str()),
                "signature leaked: {output}"
            );
        }
    }
}
