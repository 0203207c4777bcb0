//! Fetch one node and print it.
//!
//! ```text
//! cargo run --example node_details -- <NODE_UUID> [--json]
//! ```
//!
//! Reads `DISPERSED_BASE_URL`, `DISPERSED_PUBLIC_KEY` and `DISPERSED_SECRET_KEY`. With none of
//! them set, it starts the built-in mock server on loopback serving a sample node under the
//! requested UUID (or a default one when none is given), says so on stderr, and queries it, so
//! it runs on a machine with no network and no keys, whatever UUID is asked for.
//!
//! Output contract (scripts rely on it): `--json` prints the node exactly as the typed model
//! serialises it, as one JSON document on stdout; otherwise a readable summary. Any failure is
//! one line on stderr and a non-zero exit code.

use std::process::ExitCode;

use dispersed::mock::MockServer;
use dispersed::types::Node;
use dispersed::{Client, ClientConfig, ENV_BASE_URL, ENV_PUBLIC_KEY, ENV_SECRET_KEY};

const USAGE: &str = "usage: cargo run --example node_details -- <NODE_UUID> [--json]";
const SAMPLE_NODE: &str = include_str!("../tests/fixtures/node-realistic.json");
const SAMPLE_UUID: &str = "5f0c6a1e-9a7b-4c1e-8a57-2f4d2c9b1e01";
const MOCK_PUBLIC_KEY: &str = "pk_mock_example";
const MOCK_SECRET_KEY: &str = "sk_mock_example";

struct Args {
    node_uuid: Option<String>,
    json: bool,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("node_details: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let args = parse_args(std::env::args().skip(1))?;
    let configured = [ENV_BASE_URL, ENV_PUBLIC_KEY, ENV_SECRET_KEY]
        .iter()
        .any(|name| std::env::var(name).is_ok_and(|value| !value.is_empty()));

    // The mock must outlive the request: it stops when dropped.
    let (client, node_uuid, _mock) = if configured {
        let node_uuid = args.node_uuid.ok_or(USAGE)?;
        let client = Client::from_env().map_err(|e| e.to_string())?;
        (client, node_uuid, None)
    } else {
        let node_uuid = args.node_uuid.unwrap_or_else(|| SAMPLE_UUID.to_owned());
        let mock = MockServer::builder(MOCK_PUBLIC_KEY, MOCK_SECRET_KEY)
            .with_raw_node(&node_uuid, sample_node(&node_uuid)?)
            .start()
            .await
            .map_err(|e| format!("cannot start the built-in mock server: {e}"))?;
        eprintln!(
            "node_details: none of {ENV_BASE_URL}, {ENV_PUBLIC_KEY}, {ENV_SECRET_KEY} is set; \
             querying the built-in mock server at {} (a sample node served as {node_uuid})",
            mock.base_url()
        );
        let config = ClientConfig::new()
            .with_base_url(mock.base_url())
            .with_public_key(MOCK_PUBLIC_KEY)
            .with_secret_key(MOCK_SECRET_KEY);
        let client = Client::new(config).map_err(|e| e.to_string())?;
        (client, node_uuid, Some(mock))
    };

    let node = client
        .get_node(&node_uuid)
        .await
        .map_err(|e| e.to_string())?;
    if args.json {
        let json =
            serde_json::to_string(&node).map_err(|e| format!("cannot serialise the node: {e}"))?;
        println!("{json}");
    } else {
        print!("{}", summary(&node));
    }
    Ok(())
}

/// The sample node, as the mock serves it under `node_uuid`: the fixture with its `uuid` set to
/// the one asked for, so the answer is consistent with the question.
fn sample_node(node_uuid: &str) -> Result<String, String> {
    let mut node: serde_json::Value = serde_json::from_str(SAMPLE_NODE)
        .map_err(|e| format!("the bundled sample node is not JSON: {e}"))?;
    node["uuid"] = serde_json::Value::String(node_uuid.to_owned());
    Ok(node.to_string())
}

fn parse_args(args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        node_uuid: None,
        json: false,
    };
    for arg in args {
        match arg.as_str() {
            "--json" => parsed.json = true,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            flag if flag.starts_with("--") => {
                return Err(format!("unknown option `{flag}`; {USAGE}"))
            }
            _ if parsed.node_uuid.is_some() => {
                return Err(format!("more than one NODE_UUID; {USAGE}"))
            }
            _ => parsed.node_uuid = Some(arg),
        }
    }
    Ok(parsed)
}

/// Name, status, reputation, GPUs with VRAM, last seen.
fn summary(node: &Node) -> String {
    let status = node
        .status
        .as_ref()
        .map_or_else(|| "not reported".to_owned(), ToString::to_string);
    let last_seen = node
        .last_seen_at
        .as_ref()
        .map_or_else(|| "never".to_owned(), ToString::to_string);
    let mut out = format!(
        "name:       {}\nstatus:     {status}\nreputation: {} / 100\nlast seen:  {last_seen}\n",
        node.name, node.reputation
    );
    let gpus = gpu_lines(node);
    if gpus.is_empty() {
        out.push_str("GPUs:       none reported\n");
    } else {
        out.push_str(&format!("GPUs:       {}\n", gpus.len()));
        for gpu in gpus {
            out.push_str(&format!("  - {gpu}\n"));
        }
    }
    out
}

/// GPUs from `current_hardware`, or from the deprecated top-level `gpus` for older nodes.
fn gpu_lines(node: &Node) -> Vec<String> {
    const GIB: f64 = (1u64 << 30) as f64;
    if let Some(hardware) = node
        .current_hardware
        .as_ref()
        .filter(|h| !h.gpus.is_empty())
    {
        return hardware
            .gpus
            .iter()
            .map(|gpu| {
                format!(
                    "{} ({:.1} GiB VRAM)",
                    gpu.name,
                    gpu.vram_bytes_total as f64 / GIB
                )
            })
            .collect();
    }
    #[allow(deprecated)] // the only source of GPU data for nodes without current_hardware
    node.gpus
        .iter()
        .map(|gpu| {
            let name = gpu.name.as_deref().unwrap_or("unnamed GPU");
            match gpu.vram_gb_max {
                Some(vram) => format!("{name} ({vram} GB VRAM)"),
                None => format!("{name} (VRAM not reported)"),
            }
        })
        .collect()
}
