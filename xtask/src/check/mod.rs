//! `cargo xtask spec check`: the CI gate on the spec.
//!
//! ```text
//! spec derive --check           the checked-in spec is what the snapshot and overlay give
//! base (git)                    which commit to compare with; see [`base`] for the order
//! spec diff base → working tree every change, classified (level, rule, operation)
//! semver verdict per finding    what it does to the Rust API; see [`semver`]
//! accepted-changes.toml         deliberate breaking changes; see [`accepted`]
//! Cargo.toml version            base → working tree, under Cargo's semver rules
//! ```
//!
//! A finding *gates* when it is `breaking` on the wire or `major` for the Rust API. A gating
//! finding fails the check unless it is acknowledged or the version moved by at least its
//! verdict. Other findings only say what the next release must bump.
//!
//! The engine takes the repository root and returns a [`CheckReport`]; it prints nothing, so the
//! tests run it on throwaway repositories. [`report`] renders it.

pub mod accepted;
pub mod base;
mod git;
pub mod report;
pub mod semver;

use std::fmt;
use std::path::{Path, PathBuf};

use ::semver::Version;

use crate::derive::{self, CheckOutcome, DeriveError, DeriveOptions, Drift, SPEC_PATH};
use crate::diff::{self, DiffError, Finding, Level, Source};
pub use accepted::{Acknowledgement, ACCEPTED_CHANGES_PATH};
pub use base::{Base, BaseSelection};
pub use semver::{Assessment, Verdict};

/// The crate manifest whose `[package] version` is judged, relative to the root.
pub const MANIFEST_PATH: &str = "Cargo.toml";
/// The command, for hints.
pub const CHECK_COMMAND: &str = "cargo xtask spec check";

/// What to check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The repository root: the spec, overlay, snapshots, manifest and git history are here.
    pub root: PathBuf,
    /// `--base`: a revision to compare with instead of the default (see [`base`]).
    pub base: Option<String>,
}

impl CheckOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            base: None,
        }
    }
}

/// Why the check could not be made (exit code 2). One line each.
#[derive(Debug)]
pub enum CheckError {
    NotARepository {
        root: String,
    },
    Git {
        root: String,
        message: String,
    },
    BaseNotFound {
        revision: String,
        shallow: bool,
    },
    ShallowClone,
    Derive(DeriveError),
    Diff(DiffError),
    Accepted {
        line: Option<usize>,
        message: String,
    },
    Manifest {
        file: String,
        message: String,
    },
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckError::NotARepository { root } => write!(
                f,
                "{root} is not a git work tree, so there is no base spec to compare with (run in a clone of the repository)"
            ),
            CheckError::Git { root, message } => write!(f, "git in {root}: {message}"),
            CheckError::BaseNotFound { revision, shallow } => {
                write!(f, "--base `{revision}` names no commit in this repository")?;
                if *shallow {
                    write!(f, " (a shallow clone: fetch the history with `git fetch --unshallow`)")?;
                }
                Ok(())
            }
            CheckError::ShallowClone => write!(
                f,
                "this is a shallow clone without HEAD's parent, so there is no base spec to compare with: fetch the history (`git fetch --unshallow`, or `fetch-depth: 0` for actions/checkout) or pass --base REV"
            ),
            CheckError::Derive(error) => write!(f, "spec derive: {error}"),
            CheckError::Diff(error) => write!(f, "spec diff: {error}"),
            CheckError::Accepted { line, message } => match line {
                Some(line) => write!(f, "{ACCEPTED_CHANGES_PATH}:{line}: {message}"),
                None => write!(f, "{ACCEPTED_CHANGES_PATH}: {message}"),
            },
            CheckError::Manifest { file, message } => write!(f, "{file}: {message}"),
        }
    }
}

impl std::error::Error for CheckError {}

/// What became of one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Matched by an entry of `accepted-changes.toml`.
    Accepted(Acknowledgement),
    /// The version moved by at least the verdict since the base.
    Covered,
    /// Gating, neither acknowledged nor covered: the check fails.
    Unaccepted,
    /// Not gating and not yet covered: the next release must bump by the verdict.
    Pending,
}

/// A finding with its semver verdict and status.
#[derive(Debug, Clone)]
pub struct Assessed {
    pub finding: Finding,
    pub assessment: Assessment,
    pub status: Status,
}

impl Assessed {
    /// Breaking on the wire or major for the Rust API.
    pub fn gates(&self) -> bool {
        self.finding.level == Level::Breaking || self.assessment.verdict == Verdict::Major
    }
}

/// The crate version at the base and now.
#[derive(Debug, Clone)]
pub struct Versions {
    /// `None` when the base has no readable manifest (or there is no base).
    pub base: Option<Version>,
    pub current: Version,
    /// The largest verdict the move from base to current covers; `None` for no move forward.
    pub bump: Option<Verdict>,
}

/// The build metadata `+api.X` of the version against the spec's `info.version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiVersionMismatch {
    pub recorded: String,
    pub spec: String,
}

/// How the spec at the base was compared.
#[derive(Debug)]
pub enum Comparison {
    /// No base (first commit, empty repository); why.
    NoBase(String),
    /// The base has no spec: everything in it is new.
    NoSpecAtBase,
    Compared(diff::Report),
}

/// Everything the check found; [`CheckReport::passed`] decides the exit code.
#[derive(Debug)]
pub struct CheckReport {
    pub derive: CheckOutcome,
    pub base: BaseSelection,
    pub comparison: Comparison,
    pub findings: Vec<Assessed>,
    /// Entries that match no change since the base and were not released by it.
    pub stale: Vec<Acknowledgement>,
    /// Entries for releases at or before the base's version: history, not judged.
    pub released: usize,
    pub versions: Versions,
    pub api_version: Option<ApiVersionMismatch>,
}

impl CheckReport {
    pub fn passed(&self) -> bool {
        self.drift().is_none() && self.unaccepted().next().is_none() && self.api_version.is_none()
    }

    pub fn drift(&self) -> Option<&Drift> {
        match &self.derive {
            CheckOutcome::Drift(drift) => Some(drift),
            CheckOutcome::UpToDate => None,
        }
    }

    pub fn unaccepted(&self) -> impl Iterator<Item = &Assessed> {
        self.findings
            .iter()
            .filter(|a| a.status == Status::Unaccepted)
    }

    /// The largest verdict among findings not acknowledged: what the release must bump.
    pub fn needed(&self) -> Option<Verdict> {
        self.findings
            .iter()
            .filter(|a| !matches!(a.status, Status::Accepted(_)))
            .map(|a| a.assessment.verdict)
            .max()
    }

    /// The smallest version that covers [`needed`](Self::needed), from the base's version.
    pub fn needed_version(&self) -> Option<Version> {
        let needed = self.needed()?;
        let from = self
            .versions
            .base
            .as_ref()
            .unwrap_or(&self.versions.current);
        Some(semver::next_version(from, needed))
    }

    /// The revision as named in messages (`HEAD^`), if there is one.
    pub fn base_revision(&self) -> Option<&str> {
        match &self.base {
            BaseSelection::Found(base) => Some(&base.revision),
            BaseSelection::None(_) => None,
        }
    }
}

/// Runs the whole check on the repository at `options.root`.
pub fn check(options: &CheckOptions) -> Result<CheckReport, CheckError> {
    let root = options.root.as_path();
    let git = git::Git::new(root);
    let derive = derive::check(&DeriveOptions::new(root)).map_err(CheckError::Derive)?;
    let base = base::select(&git, options.base.as_deref())?;
    let acknowledgements = accepted::load(root)?;
    let current_manifest = read_manifest(root)?;
    let current = package_version(&current_manifest).map_err(|message| CheckError::Manifest {
        file: MANIFEST_PATH.to_string(),
        message,
    })?;
    let current_spec = std::fs::read_to_string(root.join(SPEC_PATH)).map_err(|error| {
        CheckError::Diff(DiffError::Read {
            file: SPEC_PATH.to_string(),
            reason: error.to_string(),
        })
    })?;

    let (comparison, base_version) = match &base {
        BaseSelection::None(why) => (Comparison::NoBase(why.clone()), None),
        BaseSelection::Found(base) => {
            let base_version = git
                .file_at(&base.commit, MANIFEST_PATH)?
                .and_then(|text| package_version(&text).ok());
            let comparison = match git.file_at(&base.commit, SPEC_PATH)? {
                None => Comparison::NoSpecAtBase,
                Some(base_spec) => Comparison::Compared(
                    diff::diff_sources(
                        Source::text(format!("{}:{SPEC_PATH}", base.revision), base_spec),
                        Source::text(SPEC_PATH, current_spec.clone())
                            .with_base_dir(spec_directory(root)),
                    )
                    .map_err(CheckError::Diff)?,
                ),
            };
            (comparison, base_version)
        }
    };
    let bump = base_version
        .as_ref()
        .and_then(|base| semver::bump(base, &current));
    let findings = match &comparison {
        Comparison::Compared(report) => report
            .findings
            .iter()
            .map(|finding| assess(finding, &acknowledgements, bump))
            .collect(),
        _ => Vec::new(),
    };

    let (stale, released) = match &comparison {
        Comparison::Compared(report) => {
            let unmatched = acknowledgements
                .into_iter()
                .filter(|ack| !report.findings.iter().any(|f| ack.matches(f)));
            let (released, stale): (Vec<_>, Vec<_>) = unmatched.partition(|ack| {
                base_version
                    .as_ref()
                    .is_some_and(|base| version_key(&ack.version) <= version_key(base))
            });
            (stale, released.len())
        }
        _ => (Vec::new(), 0),
    };

    Ok(CheckReport {
        derive,
        base,
        comparison,
        findings,
        stale,
        released,
        api_version: api_version_mismatch(&current, &current_spec),
        versions: Versions {
            base: base_version,
            current,
            bump,
        },
    })
}

fn assess(
    finding: &Finding,
    acknowledgements: &[Acknowledgement],
    bump: Option<Verdict>,
) -> Assessed {
    // A rule this table does not know yet is treated as major: unknown means unproven.
    let assessment = semver::assess(finding.id).unwrap_or(Assessment {
        verdict: Verdict::Major,
        why: "this rule has no verdict yet (xtask/src/check/semver.rs)",
    });
    let covered = bump.is_some_and(|bump| bump >= assessment.verdict);
    let gates = finding.level == Level::Breaking || assessment.verdict == Verdict::Major;
    let status = match acknowledgements.iter().find(|ack| ack.matches(finding)) {
        Some(ack) => Status::Accepted(ack.clone()),
        None if covered => Status::Covered,
        None if gates => Status::Unaccepted,
        None => Status::Pending,
    };
    Assessed {
        finding: finding.clone(),
        assessment,
        status,
    }
}

fn version_key(version: &Version) -> (u64, u64, u64) {
    (version.major, version.minor, version.patch)
}

fn spec_directory(root: &Path) -> PathBuf {
    root.join(SPEC_PATH)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| root.to_path_buf())
}

fn read_manifest(root: &Path) -> Result<String, CheckError> {
    std::fs::read_to_string(root.join(MANIFEST_PATH)).map_err(|error| CheckError::Manifest {
        file: MANIFEST_PATH.to_string(),
        message: format!("cannot read: {error}"),
    })
}

/// `[package] version` of a manifest (or `[workspace.package] version` when inherited).
pub fn package_version(manifest: &str) -> Result<Version, String> {
    let table: toml::Table =
        toml::from_str(manifest).map_err(|error| error.message().to_string())?;
    let package = table
        .get("package")
        .and_then(toml::Value::as_table)
        .ok_or("no [package] table")?;
    let version = match package.get("version") {
        Some(toml::Value::String(version)) => version.as_str(),
        Some(toml::Value::Table(inherited))
            if inherited.get("workspace").and_then(toml::Value::as_bool) == Some(true) =>
        {
            table
                .get("workspace")
                .and_then(|w| w.get("package"))
                .and_then(|p| p.get("version"))
                .and_then(toml::Value::as_str)
                .ok_or("`version.workspace = true` but [workspace.package] has no version")?
        }
        _ => return Err("[package] has no `version`".to_string()),
    };
    Version::parse(version).map_err(|error| format!("version `{version}` is not semver: {error}"))
}

/// Build metadata of the form `api.X` records the upstream API version; it must be the spec's
/// `info.version`, or the version no longer tells the truth.
fn api_version_mismatch(current: &Version, spec: &str) -> Option<ApiVersionMismatch> {
    let recorded = current.build.as_str().strip_prefix("api.")?;
    let document: serde_norway::Value = serde_norway::from_str(spec).ok()?;
    let info_version = match document.get("info")?.get("version")? {
        serde_norway::Value::String(text) => text.clone(),
        other => serde_norway::to_string(other).ok()?.trim().to_string(),
    };
    (build_metadata(&info_version) != recorded).then(|| ApiVersionMismatch {
        recorded: recorded.to_string(),
        spec: info_version,
    })
}

/// A version string as build metadata: semver allows only `[0-9A-Za-z-]` and dots.
pub fn build_metadata(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect()
}
