//! Helpers shared by the `derive*` integration tests (included with `mod derive_support;`).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_norway::Value;
use xtask::derive::{DeriveOptions, OperationKey};

/// The repository root (xtask lives in `<root>/xtask`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/derive")
        .join(name)
}

/// A fresh, empty directory for one test (removed first if a previous run left it).
pub fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-derive-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Options for the real repository, with explicit sources and output.
pub fn options(sources: &[&Path], out: &Path) -> DeriveOptions {
    let mut options = DeriveOptions::new(repo_root());
    options.sources = sources.iter().map(|p| p.display().to_string()).collect();
    options.out = out.to_path_buf();
    options
}

/// Options for the widget fixture page.
pub fn widget_options(source: &str, out: &Path) -> DeriveOptions {
    let mut options = DeriveOptions::new(repo_root());
    options.sources = vec![source.to_string()];
    options.overlay = None;
    options.out = out.to_path_buf();
    options.operations = vec![OperationKey::new("get", "/v2/widgets/{widget_id}")];
    options
}

/// The committed snapshot of the node-details page.
pub fn snapshot_text() -> String {
    std::fs::read_to_string(repo_root().join("openapi/upstream/node-details.txt")).unwrap()
}

pub fn parse(yaml: &str) -> Value {
    serde_norway::from_str(yaml).unwrap()
}

/// JSON pointers where two documents differ (the first differing node on each path; arrays and
/// scalars compare whole; key order is ignored).
pub fn differences(before: &Value, after: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(before, after, String::new(), &mut out);
    out.sort();
    out
}

fn walk(before: &Value, after: &Value, pointer: String, out: &mut Vec<String>) {
    match (before, after) {
        (Value::Mapping(a), Value::Mapping(b)) => {
            for (key, value) in a {
                let child = format!(
                    "{pointer}/{}",
                    key.as_str()
                        .unwrap_or("?")
                        .replace('~', "~0")
                        .replace('/', "~1")
                );
                match b.get(key) {
                    Some(other) => walk(value, other, child, out),
                    None => out.push(format!("-{child}")),
                }
            }
            for key in b.keys() {
                if !a.contains_key(key) {
                    out.push(format!(
                        "+{pointer}/{}",
                        key.as_str()
                            .unwrap_or("?")
                            .replace('~', "~0")
                            .replace('/', "~1")
                    ));
                }
            }
        }
        _ if before == after => {}
        _ => out.push(format!("~{pointer}")),
    }
}

/// A one-shot HTTP server on 127.0.0.1 answering every request with `body`; returns its URL.
/// It stops after `requests` requests.
pub fn serve(body: String, content_type: &'static str, requests: usize) -> String {
    serve_response(format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ), requests)
}

/// A server on 127.0.0.1 that redirects every request to `location`.
pub fn serve_redirect(location: &str) -> String {
    serve_response(format!(
        "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    ), 1)
}

/// Answers up to `requests` requests on 127.0.0.1 with the raw `response`; returns the base URL.
fn serve_response(response: String, requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut request = Vec::new();
            let mut buffer = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buffer[..n]),
                }
            }
            let _ = stream.write_all(response.as_bytes());
        }
    });
    format!("http://{address}")
}

/// A server on 127.0.0.1 that accepts one connection and never answers (for 2 s).
pub fn serve_silence() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        if let Ok((stream, _)) = listener.accept() {
            std::thread::sleep(Duration::from_secs(2));
            drop(stream);
        }
    });
    format!("http://{address}/node-details.txt")
}
