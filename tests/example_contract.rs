//! The `node_details` example's fixed contract (scripts outside the repo rely on it), checked on
//! the binary `cargo test` builds, in its no-keys mode against the built-in mock.

use std::path::PathBuf;
use std::process::{Command, Output};

const SAMPLE_UUID: &str = "5f0c6a1e-9a7b-4c1e-8a57-2f4d2c9b1e01";

/// `cargo test` builds examples next to the test binaries' `deps/` directory.
fn example_binary() -> PathBuf {
    let test_binary = std::env::current_exe().unwrap();
    let profile_dir = test_binary.parent().unwrap().parent().unwrap();
    profile_dir
        .join("examples")
        .join(format!("node_details{}", std::env::consts::EXE_SUFFIX))
}

fn run(args: &[&str]) -> Output {
    run_with_env(args, &[])
}

/// Runs the example with only the given `DISPERSED_*` variables set.
fn run_with_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(example_binary());
    command
        .args(args)
        .env_remove("DISPERSED_BASE_URL")
        .env_remove("DISPERSED_PUBLIC_KEY")
        .env_remove("DISPERSED_SECRET_KEY");
    for (name, value) in env {
        command.env(name, value);
    }
    command
        .output()
        .expect("examples/node_details is built by `cargo test` (run the whole package, not only this file)")
}

/// A loopback port with nothing listening on it: bound, then released.
fn closed_loopback_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn json_mode_prints_exactly_the_typed_model() {
    let output = run(&[SAMPLE_UUID, "--json"]);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let fixture: dispersed::types::Node =
        serde_json::from_str(include_str!("fixtures/node-realistic.json")).unwrap();
    assert_eq!(
        stdout,
        format!("{}\n", serde_json::to_string(&fixture).unwrap())
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("built-in mock server"), "{stderr}");
}

#[test]
fn without_configuration_any_uuid_is_served_by_the_mock() {
    let uuid = "0b7c1d2e-1111-2222-3333-444455556666";
    let output = run(&[uuid, "--json"]);
    assert!(output.status.success(), "{output:?}");
    let node: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(node["uuid"], uuid);
    assert_eq!(node["name"], "render-farm-07");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains(uuid), "{stderr}");
}

#[test]
fn summary_mode_names_the_essentials() {
    let output = run(&[]);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "render-farm-07",
        "WORKING",
        "87.5",
        "RTX 4090",
        "GiB VRAM",
        "2024-06-02T17:39:58Z",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
}

#[test]
fn failures_are_one_line_on_stderr_and_a_non_zero_exit() {
    let dead_server = format!("http://127.0.0.1:{}", closed_loopback_port());
    let configured = [
        ("DISPERSED_BASE_URL", dead_server.as_str()),
        ("DISPERSED_PUBLIC_KEY", "pk_test_4f2a9c"),
        ("DISPERSED_SECRET_KEY", "sk_test_8d1e77b0c3"),
    ];
    for (args, env, expected) in [
        (&[SAMPLE_UUID][..], &configured[..], "could not connect"),
        (&[SAMPLE_UUID][..], &configured[..2], "DISPERSED_SECRET_KEY"),
        (&[".."][..], &[][..], "node_uuid"),
        (&["a", "b"][..], &[][..], "usage"),
    ] {
        let output = run_with_env(args, env);
        assert!(!output.status.success(), "{args:?} {env:?}");
        assert!(output.stdout.is_empty(), "{args:?} {env:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        let failure_lines: Vec<_> = stderr
            .lines()
            .filter(|l| !l.contains("built-in mock server"))
            .collect();
        assert_eq!(failure_lines.len(), 1, "{stderr}");
        assert!(
            failure_lines[0].contains(expected),
            "{expected:?} in {stderr}"
        );
        assert!(!stderr.contains("sk_test_8d1e77b0c3"), "{stderr}");
    }
}
