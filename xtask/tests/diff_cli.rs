//! The CLI contract of `cargo xtask spec diff` / `spec rules`, by running the built binary:
//! exit codes, the JSON shape, GitHub annotation lines, text and markdown output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/diff")
        .join(name)
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}

fn diff(base: &str, revision: &str, extra: &[&str]) -> Output {
    let (base, revision) = (fixture(base), fixture(revision));
    let mut args = vec![
        "spec",
        "diff",
        base.to_str().unwrap(),
        revision.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    xtask(&args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn exit_codes_follow_fail_on() {
    assert_eq!(diff("pets.yaml", "pets.yaml", &[]).status.code(), Some(0));
    assert_eq!(
        diff("pets.yaml", "pets-breaking.yaml", &[]).status.code(),
        Some(1)
    );
    let never = diff("pets.yaml", "pets-breaking.yaml", &["--fail-on", "never"]);
    assert_eq!(never.status.code(), Some(0));
    // Only a warning (a response enum gained a value): passes by default, fails on warning.
    assert_eq!(
        diff("pets.yaml", "pets-warning.yaml", &[]).status.code(),
        Some(0)
    );
    let warning = diff("pets.yaml", "pets-warning.yaml", &["--fail-on", "warning"]);
    assert_eq!(warning.status.code(), Some(1));
    let breaking = diff("pets.yaml", "pets-warning.yaml", &["--fail-on", "breaking"]);
    assert_eq!(breaking.status.code(), Some(0));
}

#[test]
fn bad_input_and_usage_exit_2_with_a_message() {
    let missing = diff("pets.yaml", "no-such-file.yaml", &[]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("no-such-file.yaml"),
        "{}",
        stderr(&missing)
    );

    let dir = tempdir();
    let broken = dir.join("broken.yaml");
    std::fs::write(&broken, "openapi: 3.0.3\npaths:\n  /a: [1, 2\n").unwrap();
    let output = xtask(&[
        "spec",
        "diff",
        fixture("pets.yaml").to_str().unwrap(),
        broken.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("broken.yaml:"), "{message}");
    assert!(
        message.contains(":4:") || message.contains(":3:"),
        "{message}"
    );

    let usage = diff("pets.yaml", "pets.yaml", &["--format", "xml"]);
    assert_eq!(usage.status.code(), Some(2));
    let usage = xtask(&["spec", "diff", "only-one.yaml"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn json_has_exactly_the_contract_shape() {
    let output = diff("pets.yaml", "pets-breaking.yaml", &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let raw = stdout(&output);
    let value: Value = serde_json::from_str(&raw).expect("one JSON object");
    // Keys come in the contract's order.
    let order: Vec<usize> = ["\"base\"", "\"revision\"", "\"findings\"", "\"summary\""]
        .iter()
        .map(|key| raw.find(key).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{raw}");
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 4);
    for key in ["base", "revision", "findings", "summary"] {
        assert!(keys.contains(&key), "{keys:?}");
    }
    assert!(value["base"].as_str().unwrap().ends_with("pets.yaml"));
    assert!(value["revision"]
        .as_str()
        .unwrap()
        .ends_with("pets-breaking.yaml"));
    let findings = value["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for finding in findings {
        let object = finding.as_object().unwrap();
        let mut fields: Vec<&str> = object.keys().map(String::as_str).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "base_pointer",
                "direction",
                "id",
                "level",
                "message",
                "operation",
                "revision_pointer"
            ]
        );
        assert!(object.values().all(Value::is_string));
        assert!(["breaking", "warning", "info"].contains(&finding["level"].as_str().unwrap()));
        assert!(["request", "response", "none"].contains(&finding["direction"].as_str().unwrap()));
    }
    let count = |level: &str| findings.iter().filter(|f| f["level"] == level).count() as u64;
    let summary = &value["summary"];
    assert_eq!(summary.as_object().unwrap().len(), 3);
    assert_eq!(summary["breaking"].as_u64(), Some(count("breaking")));
    assert_eq!(summary["warning"].as_u64(), Some(count("warning")));
    assert_eq!(summary["info"].as_u64(), Some(count("info")));
    let ids: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f["id"].as_str().unwrap(), f["operation"].as_str().unwrap()))
        .collect();
    assert!(
        ids.contains(&("request-body-enum-value-removed", "POST /pets")),
        "{ids:?}"
    );
    assert!(
        ids.contains(&("request-parameter-max-decreased", "GET /pets")),
        "{ids:?}"
    );
    assert!(
        ids.contains(&("response-body-enum-value-removed", "GET /pets/{petId}")),
        "{ids:?}"
    );
}

#[test]
fn output_is_deterministic() {
    for format in ["text", "json", "markdown", "github"] {
        let first = diff("pets.yaml", "pets-breaking.yaml", &["--format", format]);
        let second = diff("pets.yaml", "pets-breaking.yaml", &["--format", format]);
        assert_eq!(first.stdout, second.stdout, "{format}");
    }
}

#[test]
fn github_annotations_point_at_the_line_in_the_revision_file() {
    let output = diff("pets.yaml", "pets-breaking.yaml", &["--format", "github"]);
    assert_eq!(output.status.code(), Some(1));
    let text = std::fs::read_to_string(fixture("pets-breaking.yaml")).unwrap();
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let out = stdout(&output);
    let revision = fixture("pets-breaking.yaml").display().to_string();
    let enum_line = format!(
        "::error file={revision},line={},title=request-body-enum-value-removed::POST /pets: ",
        line_of("enum: [cat]")
    );
    assert!(out.contains(&enum_line), "{enum_line}\n{out}");
    let max_line = format!(
        "::error file={revision},line={},title=request-parameter-max-decreased::GET /pets: ",
        line_of("maximum: 50")
    );
    assert!(out.contains(&max_line), "{max_line}\n{out}");
    // Info findings are notices, not errors.
    assert!(out.contains("::notice file="), "{out}");
}

#[test]
fn text_is_grouped_by_operation_with_a_summary_and_no_colour_when_piped() {
    let out = stdout(&diff("pets.yaml", "pets-breaking.yaml", &[]));
    assert!(!out.contains('\x1b'), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    let header = |op: &str| lines.iter().position(|l| *l == op);
    let (get, post) = (header("GET /pets").unwrap(), header("POST /pets").unwrap());
    assert!(get < post);
    assert!(
        lines[get + 1].contains("breaking [request-parameter-max-decreased]"),
        "{out}"
    );
    let last = lines.last().unwrap();
    assert!(last.trim_start().starts_with("Breaking"), "{last}");
    assert!(last.contains(" breaking, "), "{last}");

    let clean = stdout(&diff("pets.yaml", "pets.yaml", &[]));
    assert!(
        clean
            .lines()
            .last()
            .unwrap()
            .trim_start()
            .starts_with("Compatible 0 breaking"),
        "{clean}"
    );
}

#[test]
fn markdown_is_a_pr_comment_with_tables() {
    let out = stdout(&diff(
        "pets.yaml",
        "pets-breaking.yaml",
        &["--format", "markdown"],
    ));
    assert!(
        out.starts_with("### Spec diff: ❌ breaking changes"),
        "{out}"
    );
    assert!(
        out.contains("| `POST /pets` | `request-body-enum-value-removed` |"),
        "{out}"
    );
    assert!(out.contains("<details><summary>"), "{out}");
}

#[test]
fn rules_prints_the_catalog_as_a_markdown_table() {
    let output = xtask(&["spec", "rules"]);
    assert_eq!(output.status.code(), Some(0));
    let out = stdout(&output);
    let rows = out.lines().filter(|l| l.starts_with("| `")).count();
    assert_eq!(rows, xtask::diff::CATALOG.len());
    assert!(out.starts_with("| id | level | direction | description |"));
    assert!(
        out.contains("| `response-body-type-changed` | breaking | response |"),
        "{out}"
    );
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-diff-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
