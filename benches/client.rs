//! What the client costs: decoding a node, signing a request, and a whole GET over loopback
//! compared with a plain `reqwest` loop against the same server.
//!
//! `cargo bench --bench client`; the README lists the figures measured on the CI machine.

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion, Throughput};
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

/// The two sides of the end-to-end comparison, against one loopback server.
struct EndToEnd {
    runtime: tokio::runtime::Runtime,
    ours: dispersed::Client,
    plain: reqwest::Client,
    url: String,
}

impl EndToEnd {
    fn new() -> Self {
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
        // The baseline is the reqwest client ours builds (`transport::Transport::new`) minus our
        // machinery: the same default timeouts, no redirects, the same user agent and rustls
        // with ring. The difference is only signing, hooks, retries and tracing.
        let timeouts = dispersed::Timeouts::default();
        let plain = reqwest::Client::builder()
            .connect_timeout(timeouts.connect())
            .read_timeout(timeouts.read())
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("dispersed-rust/", env!("CARGO_PKG_VERSION")))
            .tls_backend_preconfigured(ring_tls_config())
            .build()
            .unwrap();
        let url = format!("{base}/v1/nodes/{UUID}");
        Self {
            runtime,
            ours,
            plain,
            url,
        }
    }

    async fn call_ours(&self) -> dispersed::types::Node {
        self.ours.get_node(UUID).await.unwrap()
    }

    /// The same request as the generated code builds (same `Accept` and `api-version` headers,
    /// without the four signing headers) and the same typed decode.
    async fn call_plain(&self) -> dispersed::types::Node {
        let bytes = self
            .plain
            .get(&self.url)
            .header(reqwest::header::ACCEPT, "application/json")
            .header("api-version", "v1")
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        serde_json::from_slice::<dispersed::types::Node>(&bytes).unwrap()
    }
}

fn ring_tls_config() -> rustls::ClientConfig {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_platform_verifier()
        .unwrap()
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config
}

fn end_to_end(c: &mut Criterion) {
    let sides = EndToEnd::new();
    // Paired measurement: every iteration makes one call each way (alternating which goes
    // first) and times only the side being benchmarked, so both sides see the same machine
    // load (the CI machine is shared and noisy).
    let paired = |iters: u64, timed: usize| {
        sides.runtime.block_on(async {
            let mut measured = Duration::ZERO;
            for iteration in 0..iters {
                for turn in 0..2 {
                    let side = (iteration as usize + turn) % 2;
                    let started = Instant::now();
                    if side == 0 {
                        black_box(sides.call_ours().await);
                    } else {
                        black_box(sides.call_plain().await);
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
    group.bench_function("plain_reqwest", |b| b.iter_custom(|iters| paired(iters, 1)));
    group.finish();
}

/// `DISPERSED_PROFILE=ours|plain` (and optionally `DISPERSED_PROFILE_CALLS=N`, default 500):
/// instead of benchmarking, make N sequential calls of one side after 20 warm-up calls, for
/// a load-independent count under `valgrind --tool=callgrind`. The per-call figure is the
/// difference between two runs with different N, divided by the difference in N.
fn profile(side: &str) {
    let calls: u64 = std::env::var("DISPERSED_PROFILE_CALLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(500);
    let sides = EndToEnd::new();
    sides.runtime.block_on(async {
        for _ in 0..20 + calls {
            match side {
                "ours" => black_box(sides.call_ours().await),
                "plain" => black_box(sides.call_plain().await),
                other => panic!("DISPERSED_PROFILE={other}: expected `ours` or `plain`"),
            };
        }
    });
}

criterion_group!(benches, decode, signing, end_to_end);

fn main() {
    if let Ok(side) = std::env::var("DISPERSED_PROFILE") {
        return profile(&side);
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
