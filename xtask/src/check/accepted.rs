//! `openapi/accepted-changes.toml`: breaking changes we ship on purpose, each with the reason
//! and the release that carries it.
//!
//! ```toml
//! [[accepted]]
//! rule = "response-body-required-property-removed"
//! operation = "GET /v1/nodes/{node_uuid}"
//! pointer = "/components/schemas/Node/properties/name"
//! reason = "Upstream dropped `name` (changelog 2026-11-02); it was always empty."
//! version = "0.2.0"
//! ```
//!
//! An entry matches a finding with the same rule, operation and [`key_pointer`]. One that
//! matches nothing is reported as stale.

use std::path::Path;

use semver::Version;
use serde::Deserialize;

use super::CheckError;
use crate::diff::{rules, Finding};

/// The file, relative to the repository root.
pub const ACCEPTED_CHANGES_PATH: &str = "openapi/accepted-changes.toml";

/// One deliberate change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    pub rule: String,
    pub operation: String,
    pub pointer: String,
    pub reason: String,
    /// The release that ships the change.
    pub version: Version,
    /// 1-based line of the entry in the file, for reports.
    pub line: usize,
}

impl Acknowledgement {
    pub fn matches(&self, finding: &Finding) -> bool {
        self.rule == finding.id
            && self.operation == finding.operation
            && self.pointer == key_pointer(finding)
    }
}

/// The pointer that names a finding: where the changed thing is, so an addition points into the
/// revision and a removal into the base (the other side holds only its parent).
pub fn key_pointer(finding: &Finding) -> &str {
    let base = finding.base_pointer.as_str();
    let revision = finding.revision_pointer.as_str();
    let is_proper_prefix = |parent: &str, child: &str| {
        child.len() > parent.len()
            && child.starts_with(parent)
            && (parent.is_empty() || child.as_bytes()[parent.len()] == b'/')
    };
    if is_proper_prefix(base, revision) {
        revision
    } else {
        base
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AcceptedFile {
    #[serde(default)]
    accepted: Vec<toml::Spanned<Entry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    rule: String,
    operation: String,
    pointer: String,
    reason: String,
    version: String,
}

/// Reads the file under `root`; a missing file means no acknowledgements.
pub fn load(root: &Path) -> Result<Vec<Acknowledgement>, CheckError> {
    let path = root.join(ACCEPTED_CHANGES_PATH);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => {
            return Err(CheckError::Accepted {
                line: None,
                message: format!("cannot read: {error}"),
            })
        }
    };
    parse(&text)
}

pub fn parse(text: &str) -> Result<Vec<Acknowledgement>, CheckError> {
    let file: AcceptedFile = toml::from_str(text).map_err(|error| CheckError::Accepted {
        line: error.span().map(|span| line_of(text, span.start)),
        message: error.message().trim().to_string(),
    })?;
    file.accepted
        .into_iter()
        .map(|spanned| {
            let line = line_of(text, spanned.span().start);
            let entry = spanned.into_inner();
            let invalid = |message: String| CheckError::Accepted {
                line: Some(line),
                message,
            };
            if rules::find(&entry.rule).is_none() {
                return Err(invalid(format!(
                    "`{}` is not a rule of `cargo xtask spec rules`",
                    entry.rule
                )));
            }
            if entry.reason.trim().is_empty() {
                return Err(invalid(
                    "`reason` is empty: say why the change is accepted".into(),
                ));
            }
            let version = Version::parse(&entry.version).map_err(|error| {
                invalid(format!(
                    "`version = \"{}\"` is not a semver version: {error}",
                    entry.version
                ))
            })?;
            Ok(Acknowledgement {
                rule: entry.rule,
                operation: entry.operation,
                pointer: entry.pointer,
                reason: entry.reason,
                version,
                line,
            })
        })
        .collect()
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The entry to add for a finding, as TOML, for the report's hint.
pub fn entry_for(finding: &Finding, version: &Version) -> String {
    format!(
        "[[accepted]]\nrule = {}\noperation = {}\npointer = {}\nreason = \"…\"\nversion = \"{version}\"\n",
        toml_string(finding.id),
        toml_string(&finding.operation),
        toml_string(key_pointer(finding)),
    )
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Direction, Level};

    fn finding(base: &str, revision: &str) -> Finding {
        Finding {
            operation: "GET /v1/nodes/{node_uuid}".into(),
            id: "response-body-required-property-removed",
            level: Level::Breaking,
            direction: Direction::Response,
            base_pointer: base.into(),
            revision_pointer: revision.into(),
            message: String::new(),
        }
    }

    #[test]
    fn the_key_pointer_is_the_side_that_holds_the_change() {
        let removed = finding("/c/Node/properties/name", "/c/Node/properties");
        assert_eq!(key_pointer(&removed), "/c/Node/properties/name");
        let added = finding("/c/Node/properties", "/c/Node/properties/extra");
        assert_eq!(key_pointer(&added), "/c/Node/properties/extra");
        let changed = finding("/c/Node/properties/n", "/c/Node/properties/n");
        assert_eq!(key_pointer(&changed), "/c/Node/properties/n");
        // A sibling sharing a prefix of characters is not a child.
        let sibling = finding("/c/Node/properties/n", "/c/Node/properties/name");
        assert_eq!(key_pointer(&sibling), "/c/Node/properties/n");
    }

    #[test]
    fn entries_parse_with_their_lines_and_round_trip_through_the_hint() {
        let removed = finding("/c/Node/properties/name", "/c/Node/properties");
        let text = format!(
            "# header\n\n{}",
            entry_for(&removed, &Version::new(0, 2, 0)).replace('…', "upstream dropped it")
        );
        let entries = parse(&text).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].line, 3);
        assert!(entries[0].matches(&removed));
        assert!(!entries[0].matches(&finding("/c/Node/properties/other", "/c/Node/properties")));
    }

    #[test]
    fn mistakes_name_their_line() {
        let unknown_rule = "[[accepted]]\nrule = \"no-such-rule\"\noperation = \"GET /\"\npointer = \"/\"\nreason = \"x\"\nversion = \"0.2.0\"\n";
        let error = parse(unknown_rule).unwrap_err().to_string();
        assert!(
            error.contains(":1:") && error.contains("no-such-rule"),
            "{error}"
        );
        let bad_version = unknown_rule
            .replace("no-such-rule", "path-removed")
            .replace("0.2.0", "two");
        let error = parse(&bad_version).unwrap_err().to_string();
        assert!(error.contains("`version = \"two\"`"), "{error}");
        let missing_field = "\n[[accepted]]\nrule = \"path-removed\"\n";
        let error = parse(missing_field).unwrap_err().to_string();
        assert!(error.contains("missing field"), "{error}");
        assert!(error.starts_with(ACCEPTED_CHANGES_PATH), "{error}");
        assert!(parse("# nothing accepted yet\n").unwrap().is_empty());
    }
}
