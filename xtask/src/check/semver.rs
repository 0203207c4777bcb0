//! What a spec change means for the *Rust* API of the generated crate, and whether the crate's
//! version says so.
//!
//! A finding's level (from `spec diff`) says whether a client built for the old spec still works
//! against the new server; the verdict here says what regenerating the crate does to code that
//! uses it. They differ: a renamed path parameter is harmless on the wire but renames a builder
//! setter (major); a removed response header breaks the wire contract but progenitor does not
//! type headers (patch).
//!
//! The verdicts follow what progenitor 0.15 / typify 0.8 generate (builder interface) plus our
//! rewrite in `build/rewrite.rs`: structs and response enums are `#[non_exhaustive]`, so a new
//! field or a new response enum value is minor. Where the rule id alone cannot prove a change
//! compatible (integer bounds pick the Rust integer type, string constraints make a validating
//! newtype), the verdict is major: acknowledge it if it is not.

use std::fmt;

use semver::Version;

/// The semver class of a change to the crate's API, in Rust's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    Patch,
    Minor,
    Major,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Patch => "patch",
            Verdict::Minor => "minor",
            Verdict::Major => "major",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A verdict and the reason, as shown in reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assessment {
    pub verdict: Verdict,
    pub why: &'static str,
}

use Verdict::{Major, Minor, Patch};

/// Rules outside schemas, by full id.
const STRUCTURAL: &[(&str, Verdict, &str)] = &[
    ("path-removed", Major, "its `Client` methods are gone"),
    ("path-added", Minor, "new `Client` methods"),
    ("operation-removed", Major, "the `Client` method is gone"),
    ("operation-added", Minor, "a new `Client` method"),
    ("operation-deprecated", Minor, "a deprecation is additive"),
    (
        "operation-no-longer-deprecated",
        Patch,
        "documentation only",
    ),
    (
        "operation-id-changed",
        Major,
        "the `Client` method is renamed",
    ),
    (
        "operation-id-removed",
        Major,
        "the `Client` method gets a generated name",
    ),
    (
        "request-parameter-removed",
        Major,
        "its builder setter is gone",
    ),
    (
        "request-parameter-location-changed",
        Patch,
        "same setter; only what the client sends changes",
    ),
    (
        "new-required-request-parameter",
        Major,
        "calls that do not set it fail at run time (`Error::InvalidRequest`)",
    ),
    (
        "new-optional-request-parameter",
        Minor,
        "a new builder setter",
    ),
    (
        "request-parameter-became-required",
        Major,
        "calls that do not set it fail at run time (`Error::InvalidRequest`)",
    ),
    (
        "request-parameter-became-optional",
        Minor,
        "the setter stays; leaving it out becomes allowed",
    ),
    (
        "request-parameter-style-changed",
        Patch,
        "serialisation inside the client only",
    ),
    (
        "request-parameter-explode-changed",
        Patch,
        "serialisation inside the client only",
    ),
    (
        "request-parameter-deprecated",
        Minor,
        "a deprecation is additive",
    ),
    (
        "request-path-parameter-renamed",
        Major,
        "the builder setter is named after the parameter",
    ),
    (
        "new-required-request-body",
        Major,
        "calls without a body fail at run time",
    ),
    ("new-optional-request-body", Minor, "a new `body` setter"),
    ("request-body-removed", Major, "the `body` setter is gone"),
    (
        "request-body-became-required",
        Major,
        "calls without a body fail at run time",
    ),
    (
        "request-body-became-optional",
        Minor,
        "leaving the body out becomes allowed",
    ),
    (
        "request-body-media-type-removed",
        Major,
        "the body's Rust type follows the media type progenitor picks",
    ),
    (
        "request-body-media-type-added",
        Minor,
        "progenitor keeps the JSON body",
    ),
    (
        "response-success-status-removed",
        Major,
        "the method's success type may change",
    ),
    (
        "response-non-success-status-removed",
        Major,
        "the error type `Error<E>` may change",
    ),
    (
        "response-success-status-added",
        Major,
        "progenitor merges success responses into one return type, which may change",
    ),
    (
        "response-non-success-status-added",
        Minor,
        "one error schema keeps `Error<E>`; a second one stops the build (progenitor allows one)",
    ),
    (
        "response-media-type-removed",
        Major,
        "the method's return type may change",
    ),
    (
        "response-media-type-added",
        Minor,
        "progenitor keeps the JSON response",
    ),
    (
        "response-required-header-removed",
        Patch,
        "progenitor does not type response headers (a `HeaderMap`)",
    ),
    (
        "response-optional-header-removed",
        Patch,
        "progenitor does not type response headers (a `HeaderMap`)",
    ),
    (
        "response-header-became-optional",
        Patch,
        "progenitor does not type response headers (a `HeaderMap`)",
    ),
    (
        "response-header-became-required",
        Patch,
        "progenitor does not type response headers (a `HeaderMap`)",
    ),
    (
        "response-header-added",
        Patch,
        "progenitor does not type response headers (a `HeaderMap`)",
    ),
    (
        "operation-security-added",
        Patch,
        "progenitor ignores security schemes; signing is hand-written (src/transport.rs)",
    ),
    (
        "operation-security-removed",
        Patch,
        "progenitor ignores security schemes",
    ),
    (
        "security-requirement-removed",
        Patch,
        "progenitor ignores security schemes; signing is hand-written (src/transport.rs)",
    ),
    (
        "security-requirement-added",
        Patch,
        "progenitor ignores security schemes",
    ),
    (
        "security-scope-added",
        Patch,
        "progenitor ignores security schemes",
    ),
    (
        "security-scope-removed",
        Patch,
        "progenitor ignores security schemes",
    ),
    (
        "security-scheme-type-changed",
        Patch,
        "progenitor ignores security schemes; signing is hand-written (src/transport.rs)",
    ),
    (
        "server-removed",
        Patch,
        "the base URL is the caller's (`Client::new`), not generated",
    ),
    (
        "server-added",
        Patch,
        "the base URL is the caller's (`Client::new`), not generated",
    ),
];

/// Schema rules by the suffix after their site prefix: the verdict where the schema is part of a
/// request (body or parameter) and where it is part of a response body. Response *header*
/// schemas are always patch: progenitor does not type headers.
const SCHEMA: &[(&str, Verdict, Verdict, &str)] = &[
    ("type-changed", Major, Major, "the Rust type changes"),
    ("type-widened", Major, Major, "the Rust type changes (e.g. `i64` to `f64`, or an untagged enum)"),
    ("type-narrowed", Major, Major, "the Rust type changes"),
    ("format-changed", Major, Major, "the format picks the Rust type (`int32` to `i32`, `date-time`, `ip`)"),
    ("format-added", Major, Major, "the format picks the Rust type (`int32` to `i32`, `date-time`, `ip`)"),
    ("format-removed", Major, Major, "the format picks the Rust type (`int32` to `i32`, `date-time`, `ip`)"),
    ("became-nullable", Major, Major, "`T` becomes `Option<T>`"),
    ("became-not-nullable", Major, Major, "`Option<T>` becomes `T`"),
    ("enum-value-added", Major, Minor, "a new variant: response enums are `#[non_exhaustive]` (with `Unknown`), request enums are exhaustive"),
    ("enum-value-removed", Major, Major, "a variant is gone"),
    ("enum-constraint-added", Major, Major, "a `String` becomes an enum"),
    ("enum-constraint-removed", Major, Major, "an enum becomes a `String`"),
    ("new-required-property", Major, Minor, "a new field of a `#[non_exhaustive]` struct; a request built without it fails at run time"),
    ("new-optional-property", Minor, Minor, "a new field of a `#[non_exhaustive]` struct"),
    ("required-property-removed", Major, Major, "a struct field is gone"),
    ("optional-property-removed", Major, Major, "a struct field is gone"),
    ("property-became-required", Major, Major, "`Option<T>` becomes `T`"),
    ("property-became-optional", Major, Major, "`T` becomes `Option<T>`"),
    ("max-decreased", Major, Major, "integer bounds pick the Rust type (`u8`…`i64`, `NonZero*`)"),
    ("max-increased", Major, Major, "integer bounds pick the Rust type (`u8`…`i64`, `NonZero*`)"),
    ("min-increased", Major, Major, "integer bounds pick the Rust type (`u8`…`i64`, `NonZero*`)"),
    ("min-decreased", Major, Major, "integer bounds pick the Rust type (`u8`…`i64`, `NonZero*`)"),
    ("max-length-decreased", Major, Major, "a constrained string is a validating newtype"),
    ("max-length-increased", Major, Major, "a constrained string is a validating newtype"),
    ("min-length-increased", Major, Major, "a constrained string is a validating newtype"),
    ("min-length-decreased", Major, Major, "a constrained string is a validating newtype"),
    ("max-items-decreased", Major, Major, "equal minItems and maxItems make a fixed-size array `[T; N]`"),
    ("max-items-increased", Major, Major, "equal minItems and maxItems make a fixed-size array `[T; N]`"),
    ("min-items-increased", Major, Major, "equal minItems and maxItems make a fixed-size array `[T; N]`"),
    ("min-items-decreased", Major, Major, "equal minItems and maxItems make a fixed-size array `[T; N]`"),
    ("unique-items-added", Major, Major, "`Vec<T>` becomes a set"),
    ("unique-items-removed", Major, Major, "a set becomes `Vec<T>`"),
    ("multiple-of-changed", Major, Major, "integer bounds pick the Rust type"),
    ("pattern-added", Major, Major, "a constrained string is a validating newtype"),
    ("pattern-removed", Major, Major, "a constrained string is a validating newtype"),
    ("pattern-changed", Major, Major, "the newtype accepts other values"),
    ("became-read-only", Patch, Patch, "typify ignores readOnly"),
    ("no-longer-read-only", Patch, Patch, "typify ignores readOnly"),
    ("became-write-only", Patch, Patch, "typify ignores writeOnly"),
    ("no-longer-write-only", Patch, Patch, "typify ignores writeOnly"),
    ("default-added", Major, Major, "an optional field with a default is `T`, not `Option<T>`"),
    ("default-removed", Major, Major, "an optional field without a default is `Option<T>`"),
    ("default-changed", Patch, Patch, "only the value a missing field decodes to changes"),
    ("became-deprecated", Minor, Minor, "`#[deprecated]` is additive"),
    ("additional-properties-narrowed", Major, Major, "`deny_unknown_fields` or a map type changes"),
    ("additional-properties-widened", Major, Major, "`deny_unknown_fields` or a map type changes"),
    ("one-of-added", Major, Major, "an enum variant is added to an exhaustive enum"),
    ("one-of-removed", Major, Major, "an enum variant is gone"),
    ("any-of-added", Major, Major, "the generated type changes"),
    ("any-of-removed", Major, Major, "the generated type changes"),
    ("discriminator-property-changed", Major, Major, "the serde tag changes"),
    ("discriminator-mapping-removed", Major, Major, "an enum variant is gone"),
    ("discriminator-mapping-added", Major, Major, "an enum variant is added to an exhaustive enum"),
];

const REQUEST_SITES: &[&str] = &["request-body-", "request-parameter-"];
const RESPONSE_BODY_SITE: &str = "response-body-";
const RESPONSE_HEADER_SITE: &str = "response-header-";
const UNTYPED_HEADER: &str = "progenitor does not type response headers (a `HeaderMap`)";

/// The verdict for a diff rule, `None` for a rule this table does not know (a test keeps the
/// table and the diff catalog in step).
pub fn assess(rule_id: &str) -> Option<Assessment> {
    if let Some((_, verdict, why)) = STRUCTURAL.iter().find(|(id, ..)| *id == rule_id) {
        return Some(Assessment {
            verdict: *verdict,
            why,
        });
    }
    let schema_entry = |suffix: &str| SCHEMA.iter().find(|(s, ..)| *s == suffix);
    if let Some(suffix) = rule_id.strip_prefix(RESPONSE_HEADER_SITE) {
        return schema_entry(suffix).map(|_| Assessment {
            verdict: Patch,
            why: UNTYPED_HEADER,
        });
    }
    if let Some(suffix) = rule_id.strip_prefix(RESPONSE_BODY_SITE) {
        return schema_entry(suffix).map(|(_, _, response, why)| Assessment {
            verdict: *response,
            why,
        });
    }
    REQUEST_SITES.iter().find_map(|site| {
        let suffix = rule_id.strip_prefix(site)?;
        schema_entry(suffix).map(|(_, request, _, why)| Assessment {
            verdict: *request,
            why,
        })
    })
}

/// How far a version moved, as the largest verdict it covers under Cargo's rules: the leftmost
/// non-zero number is the major one (`0.1.0 → 0.2.0` is major; `0.1.0 → 0.1.1` covers minor and
/// patch, since pre-1.0 has no separate minor; every `0.0.x` change is major). `None` when the
/// version did not move forward. Build metadata is ignored, as Cargo does.
pub fn bump(base: &Version, current: &Version) -> Option<Verdict> {
    let key = |v: &Version| (v.major, v.minor, v.patch);
    if key(current) <= key(base) {
        return None;
    }
    let verdict = if current.major != base.major {
        Major
    } else if base.major > 0 {
        if current.minor != base.minor {
            Minor
        } else {
            Patch
        }
    } else if current.minor != base.minor || base.minor == 0 {
        Major
    } else {
        Minor
    };
    Some(verdict)
}

/// The smallest release after `base` that a change of `verdict` needs (build metadata dropped).
pub fn next_version(base: &Version, verdict: Verdict) -> Version {
    let (major, minor, patch) = (base.major, base.minor, base.patch);
    let (major, minor, patch) = match (verdict, major, minor) {
        (_, 0, 0) => (0, 0, patch + 1),
        (Major, 0, _) => (0, minor + 1, 0),
        (_, 0, _) => (0, minor, patch + 1),
        (Major, _, _) => (major + 1, 0, 0),
        (Minor, _, _) => (major, minor + 1, 0),
        (Patch, _, _) => (major, minor, patch + 1),
    };
    Version::new(major, minor, patch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::CATALOG;

    #[test]
    fn every_rule_of_the_diff_catalog_has_a_verdict() {
        let missing: Vec<&str> = CATALOG
            .iter()
            .map(|rule| rule.id.as_str())
            .filter(|id| assess(id).is_none())
            .collect();
        assert!(
            missing.is_empty(),
            "add these diff rules to xtask/src/check/semver.rs: {missing:?}"
        );
    }

    #[test]
    fn the_table_names_no_rule_the_catalog_lacks() {
        for (id, ..) in STRUCTURAL {
            assert!(
                crate::diff::rules::find(id).is_some(),
                "{id} is not a diff rule"
            );
        }
        for (suffix, ..) in SCHEMA {
            assert!(
                crate::diff::rules::find(&format!("response-body-{suffix}")).is_some(),
                "{suffix} is not a schema rule"
            );
        }
    }

    #[test]
    fn verdicts_follow_the_site_of_the_schema() {
        let verdict = |id| assess(id).unwrap().verdict;
        assert_eq!(verdict("response-body-new-optional-property"), Minor);
        assert_eq!(verdict("response-body-new-required-property"), Minor);
        assert_eq!(verdict("request-body-new-required-property"), Major);
        assert_eq!(verdict("response-body-required-property-removed"), Major);
        assert_eq!(verdict("response-body-type-changed"), Major);
        assert_eq!(verdict("response-body-enum-value-added"), Minor);
        assert_eq!(verdict("request-parameter-enum-value-added"), Major);
        assert_eq!(verdict("response-header-type-changed"), Patch);
        // Harmless on the wire, a renamed setter in Rust.
        assert_eq!(verdict("request-path-parameter-renamed"), Major);
        // Structural ids that share a site prefix are found as themselves.
        assert_eq!(verdict("request-parameter-removed"), Major);
        assert!(assess("response-body-no-such-change").is_none());
    }

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn bumps_follow_cargo_rules_before_and_after_1_0() {
        assert_eq!(bump(&v("1.2.3"), &v("2.0.0")), Some(Major));
        assert_eq!(bump(&v("1.2.3"), &v("1.3.0")), Some(Minor));
        assert_eq!(bump(&v("1.2.3"), &v("1.2.4")), Some(Patch));
        assert_eq!(bump(&v("0.1.0"), &v("0.2.0")), Some(Major));
        assert_eq!(bump(&v("0.1.0"), &v("0.1.1")), Some(Minor));
        assert_eq!(bump(&v("0.1.0"), &v("1.0.0")), Some(Major));
        assert_eq!(bump(&v("0.0.1"), &v("0.0.2")), Some(Major));
        assert_eq!(bump(&v("0.1.0+api.v1"), &v("0.1.0+api.v2")), None);
        assert_eq!(bump(&v("0.2.0"), &v("0.1.9")), None);
    }

    #[test]
    fn the_next_version_is_the_smallest_that_covers_the_verdict() {
        assert_eq!(next_version(&v("0.1.3+api.v1"), Major), v("0.2.0"));
        assert_eq!(next_version(&v("0.1.3"), Minor), v("0.1.4"));
        assert_eq!(next_version(&v("0.1.3"), Patch), v("0.1.4"));
        assert_eq!(next_version(&v("0.0.3"), Patch), v("0.0.4"));
        assert_eq!(next_version(&v("1.4.2"), Major), v("2.0.0"));
        assert_eq!(next_version(&v("1.4.2"), Minor), v("1.5.0"));
        assert_eq!(next_version(&v("1.4.2"), Patch), v("1.4.3"));
        for (base, verdict) in [("0.1.3", Major), ("0.1.3", Minor), ("1.4.2", Patch)] {
            let next = next_version(&v(base), verdict);
            assert!(bump(&v(base), &next) >= Some(verdict), "{base} → {next}");
        }
    }
}
