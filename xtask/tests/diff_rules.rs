//! Every rule in the catalog has a pair under `tests/rules/<rule-id>/{base,revision}.yaml`, and
//! that pair yields exactly that rule (with the catalog's level and direction), nothing else.

use std::path::{Path, PathBuf};

use xtask::diff::{diff_files, CATALOG};

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules")
}

#[test]
fn catalog_has_more_than_a_hundred_rules() {
    assert!(CATALOG.len() > 100, "{} rules", CATALOG.len());
}

#[test]
fn every_rule_has_a_pair_that_yields_exactly_that_rule() {
    let mut failures = Vec::new();
    for rule in CATALOG.iter() {
        let dir = rules_dir().join(&rule.id);
        let (base, revision) = (dir.join("base.yaml"), dir.join("revision.yaml"));
        if !base.exists() || !revision.exists() {
            failures.push(format!("{}: no test pair in {}", rule.id, dir.display()));
            continue;
        }
        let report = match diff_files(&base, &revision) {
            Ok(report) => report,
            Err(error) => {
                failures.push(format!("{}: {error}", rule.id));
                continue;
            }
        };
        let ids: Vec<&str> = report.findings.iter().map(|f| f.id).collect();
        if ids.is_empty() || ids.iter().any(|id| *id != rule.id) {
            failures.push(format!("{}: got {ids:?}", rule.id));
            continue;
        }
        for finding in &report.findings {
            assert_eq!(finding.level, rule.level, "{}", rule.id);
            assert_eq!(finding.direction, rule.direction, "{}", rule.id);
            assert!(!finding.message.is_empty(), "{}", rule.id);
        }
        // Reversed, the pair must not yield the rule again (a change is not its own opposite),
        // except for changes that are symmetric by nature.
        let symmetric = [
            "type-changed",
            "format-changed",
            "multiple-of-changed",
            "pattern-changed",
            "default-changed",
            "discriminator-property-changed",
            "operation-id-changed",
            "security-scheme-type-changed",
            "request-parameter-location-changed",
            "request-parameter-style-changed",
            "request-parameter-explode-changed",
            "request-path-parameter-renamed",
        ];
        if !symmetric.iter().any(|s| rule.id.ends_with(s)) {
            let reversed = diff_files(&revision, &base).expect("reversed pair loads");
            assert!(
                reversed.findings.iter().all(|f| f.id != rule.id),
                "{}: the reversed pair yields it too",
                rule.id
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_pair_belongs_to_a_rule() {
    for entry in std::fs::read_dir(rules_dir()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            CATALOG.iter().any(|rule| rule.id == name),
            "tests/rules/{name} names no rule"
        );
    }
}

#[test]
fn a_pair_against_itself_yields_nothing() {
    for rule in CATALOG.iter() {
        let base = rules_dir().join(&rule.id).join("base.yaml");
        let report = diff_files(&base, &base).unwrap();
        assert!(
            report.findings.is_empty(),
            "{}: {:?}",
            rule.id,
            report.findings
        );
    }
}
