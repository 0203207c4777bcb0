//! What the client costs: decoding a node, signing a request, and a whole GET over loopback
//! compared with a plain `reqwest` loop against the same server.
//!
//! `cargo bench --bench client`; the README lists the figures measured on the CI machine.

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The realistic node: the docs' example response with real values.
const NODE_FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/node-realistic.json"
);
const UUID: &str = "5f0c6a1e-9a7b-4c1e-8a57-2f4d2c9b1e01";

fn node_bytes() -> Vec<u8> {
    std::fs::read(NODE_FIXTURE).expect("the realistic node fixture")
}

fn decode(c: &mut Criterion) {
    let bytes = node_bytes();
    let mut group = c.benchmark_group("decode_node");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("typed_model_decode_json", |b| {
        b.iter(|| {
            dispersed::decode::decode_json::<dispersed::types::Node>(black_box(&bytes)).unwrap()
        })
    });
    // What the client does on the hot path (progenitor's decode); decode_json above is what it
    // falls back to on failure, for the JSON path.
    group.bench_function("typed_model_without_path_tracking", |b| {
        b.iter(|| serde_json::from_slice::<dispersed::types::Node>(black_box(&bytes)).unwrap())
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&bytes)).unwrap())
    });
    group.finish();
}

fn signing(c: &mut Criterion) {
    let path = format!("/v1/nodes/{UUID}");
    // As the client does it: keyed once, then per request a nonce, the canonical string and
    // the HMAC.
    let signer = dispersed::signing::Signer::new("sk_live_8d1e77b0c3a94f");
    c.bench_function("sign_request", |b| {
        b.iter(|| {
            let nonce = dispersed::signing::generate_nonce().unwrap();
            let input = dispersed::signing::SigningInput {
                public_key: "pk_live_4f2a9c0d",
                timestamp_ms: 1_706_918_400_000,
                nonce: &nonce,
                method: "GET",
                path: black_box(&path),
                query: None,
                body: None,
            };
            signer.sign(&input.canonical_string())
        })
    });
}

/// A keep-alive HTTP/1.1 server on loopback that answers every request with the node.
async fn serve_node(body: Vec<u8>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(&body);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let response = response.clone();
            tokio::spawn(async move {
                let mut buffer = Vec::with_capacity(4096);
                let mut chunk = [0u8; 4096];
                loop {
                    while let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                        buffer.drain(..end + 4);
                        if stream.write_all(&response).await.is_err() {
                            return;
                        }
                    }
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => buffer.extend_from_slice(&chunk[..read]),
                    }
                }
            });
        }
    });
    addr
}

fn end_to_end(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let addr = runtime.block_on(serve_node(node_bytes()));
    let base = format!("http://{addr}");

    let ours = dispersed::Client::with_env(
        dispersed::ClientConfig::new()
            .with_base_url(&base)
            .with_public_key("pk_bench")
            .with_secret_key("sk_bench"),
        |_| None,
    )
    .unwrap();
    // reqwest is built without a default crypto provider (see the README's TLS note); the
    // plain client gets ring, as ours does.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let plain = reqwest::Client::builder().build().unwrap();
    // Our client never follows redirects (the signature covers the path); this baseline has the
    // same transport settings, so the difference to it is only signing, hooks and retry machinery.
    let plain_no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let url = format!("{base}/v1/nodes/{UUID}");

    // Paired measurement: every iteration makes one call each way (rotating which goes first)
    // and times only the side being benchmarked, so all sides see the same machine load (the CI
    // machine is shared and noisy).
    let paired = |iters: u64, timed: usize| {
        runtime.block_on(async {
            let mut measured = Duration::ZERO;
            for iteration in 0..iters {
                for turn in 0..3 {
                    let side = (iteration as usize + turn) % 3;
                    let started = std::time::Instant::now();
                    if side == 0 {
                        black_box(ours.get_node(UUID).await.unwrap());
                    } else {
                        let client = if side == 1 {
                            &plain
                        } else {
                            &plain_no_redirects
                        };
                        let bytes = client
                            .get(&url)
                            .send()
                            .await
                            .unwrap()
                            .bytes()
                            .await
                            .unwrap();
                        black_box(
                            serde_json::from_slice::<dispersed::types::Node>(&bytes).unwrap(),
                        );
                    }
                    if side == timed {
                        measured += started.elapsed();
                    }
                }
            }
            measured
        })
    };

    let mut group = c.benchmark_group("sequential_get_node");
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("dispersed_client", |b| {
        b.iter_custom(|iters| paired(iters, 0))
    });
    // The same request and the same typed decode, with a default reqwest client.
    group.bench_function("plain_reqwest", |b| b.iter_custom(|iters| paired(iters, 1)));
    group.bench_function("plain_reqwest_no_redirects", |b| {
        b.iter_custom(|iters| paired(iters, 2))
    });
    group.finish();
}

criterion_group!(benches, decode, signing, end_to_end);
criterion_main!(benches);
