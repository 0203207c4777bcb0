//! The `cargo xtask spec derive` command line: exit codes and what it prints.

mod derive_support;

use std::process::{Command, Output};

use derive_support::*;

fn xtask(arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(arguments)
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn check_passes_on_the_checked_in_spec() {
    let output = xtask(&["spec", "derive", "--check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("openapi/dispersed.yaml"));
}

#[test]
fn check_fails_with_exit_1_on_drift_and_names_the_fix() {
    let dir = scratch("cli-drift");
    let out = dir.join("dispersed.yaml");
    let spec = std::fs::read_to_string(repo_root().join("openapi/dispersed.yaml")).unwrap();
    std::fs::write(&out, spec.replacen("- OUTDATED_CLIENT\n", "", 1)).unwrap();
    let output = xtask(&["spec", "derive", "--check", "--out", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("+ ") && message.contains("OUTDATED_CLIENT"),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "run: cargo xtask spec derive --out {}",
            out.display()
        )),
        "{message}"
    );
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        spec.replacen("- OUTDATED_CLIENT\n", "", 1),
        "--check wrote the file"
    );
}

#[test]
fn derive_writes_and_reports_what_it_inferred() {
    let dir = scratch("cli-write");
    let out = dir.join("dispersed.yaml");
    let output = xtask(&["spec", "derive", "--out", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        written,
        std::fs::read_to_string(repo_root().join("openapi/dispersed.yaml")).unwrap()
    );
    let message = stderr(&output);
    assert!(
        message.contains("Inferred") && message.contains("Node.operator_account"),
        "{message}"
    );
    assert!(message.contains("Wrote"), "{message}");
}

#[test]
fn an_error_is_one_line_with_exit_2_and_the_output_untouched() {
    let dir = scratch("cli-error");
    let out = dir.join("dispersed.yaml");
    std::fs::write(&out, "sentinel\n").unwrap();
    let output = xtask(&[
        "spec",
        "derive",
        "--source",
        "/nonexistent/page.txt",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.starts_with("error: /nonexistent/page.txt: cannot read"),
        "{message}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "sentinel\n");
}
