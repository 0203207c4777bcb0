//! The four real pairs in `../shared/corpus/`, classified as its README says, with the findings
//! that decide each verdict.

use std::collections::BTreeSet;
use std::path::PathBuf;

use xtask::diff::{diff_files, Finding, Level, Report};

fn corpus(pair: &str) -> Report {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus")
        .join(pair);
    diff_files(&dir.join("base.json"), &dir.join("revision.json")).expect("corpus pair loads")
}

fn at_level(report: &Report, level: Level) -> Vec<&Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.level == level)
        .collect()
}

#[test]
fn stripe_new_endpoint_and_optional_properties_are_not_breaking() {
    let report = corpus("stripe-openapi-fc5a2b92-e0123a38");
    assert!(
        at_level(&report, Level::Breaking).is_empty(),
        "{:#?}",
        at_level(&report, Level::Breaking)
    );
    assert!(
        at_level(&report, Level::Warning).is_empty(),
        "{:#?}",
        at_level(&report, Level::Warning)
    );
    let added: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.id == "path-added")
        .collect();
    assert_eq!(added.len(), 1, "{added:#?}");
    assert!(
        added[0].operation.starts_with("POST "),
        "{}",
        added[0].operation
    );
    let ids: BTreeSet<&str> = report.findings.iter().map(|f| f.id).collect();
    assert_eq!(
        ids,
        BTreeSet::from([
            "path-added",
            "request-body-new-optional-property",
            "response-body-new-optional-property"
        ])
    );
}

#[test]
fn twilio_coordinates_changing_type_in_responses_is_breaking() {
    let report = corpus("twilio-oai-a5038748-887162a3");
    let breaking = at_level(&report, Level::Breaking);
    assert!(!breaking.is_empty());
    assert!(
        breaking
            .iter()
            .all(|f| f.id == "response-body-type-changed"),
        "{breaking:#?}"
    );
    // latitude and longitude, in 7 schemas: 14 distinct places in the revision.
    let places: BTreeSet<&str> = breaking
        .iter()
        .map(|f| f.revision_pointer.as_str())
        .collect();
    assert_eq!(places.len(), 14, "{places:#?}");
    for place in &places {
        assert!(
            place.ends_with("/properties/latitude/type")
                || place.ends_with("/properties/longitude/type"),
            "{place}"
        );
        assert!(place.starts_with("/components/schemas/"), "{place}");
    }
    assert!(breaking
        .iter()
        .all(|f| f.message.contains("from `string` to `number`")));
    let request = report
        .findings
        .iter()
        .filter(|f| f.id == "request-body-new-optional-property")
        .count();
    assert_eq!(request, 1);
    assert_eq!(report.summary().warning, 0);
}

#[test]
fn box_new_optional_property_is_not_breaking() {
    let report = corpus("box-openapi-8668c95b-7273044c");
    assert_eq!(report.summary().breaking, 0);
    assert_eq!(report.summary().warning, 0);
    assert!(!report.findings.is_empty());
    for finding in &report.findings {
        assert!(
            finding.id.ends_with("-new-optional-property"),
            "{finding:#?}"
        );
        assert!(
            finding.message.contains("max_extension_length"),
            "{finding:#?}"
        );
    }
    let directions: BTreeSet<&str> = report
        .findings
        .iter()
        .map(|f| f.id.split('-').next().unwrap())
        .collect();
    assert_eq!(directions, BTreeSet::from(["request", "response"]));
}

#[test]
fn box_required_id_reached_only_through_refs_is_breaking() {
    let report = corpus("box-openapi-dff6472f-177e92d4");
    let breaking = at_level(&report, Level::Breaking);
    assert!(!breaking.is_empty());
    for finding in &breaking {
        assert_eq!(finding.id, "request-body-property-became-required");
        assert!(
            finding.operation.starts_with("POST /ai/"),
            "{}",
            finding.operation
        );
        assert!(
            finding.message.contains("property `id` became required"),
            "{}",
            finding.message
        );
        // The schema sits in components: the finding was reached through `$ref`s.
        assert!(
            finding
                .revision_pointer
                .starts_with("/components/schemas/AiAgentReference"),
            "{}",
            finding.revision_pointer
        );
    }
    let operations: BTreeSet<&str> = breaking.iter().map(|f| f.operation.as_str()).collect();
    assert!(operations.len() >= 2, "{operations:?}");
    assert_eq!(report.findings.len(), breaking.len());
}
