//! `spec diff`: classify every change between two OpenAPI documents by what it does to a client
//! built for the base.
//!
//! The pipeline has one module per job:
//! - [`load`]: text (JSON or YAML, OpenAPI 3.0 / 3.1) into a document, errors with file, line and
//!   column;
//! - [`resolve`]: `$ref`s, local and relative-file, loaded up front so comparing never does I/O;
//! - [`walk`]: paths, operations, parameters, bodies, responses, security and servers;
//! - [`schema`]: schema pairs compared once per direction into a memoised graph, so shared and
//!   recursive schemas cost one comparison each;
//! - [`rules`]: the catalog (stable id, level, direction, description) as data;
//! - [`report`]: text, json, markdown and GitHub annotations; [`lines`] maps pointers to lines.
//!
//! The engine knows nothing of the terminal: [`diff_sources`] returns a [`Report`].

pub mod lines;
pub mod load;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod schema;
pub mod walk;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use load::{DiffError, Source};
pub use rules::{Direction, Level, Rule, CATALOG};

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// Operation as `METHOD /path` (the revision's path when it exists); empty for changes to the
    /// document as a whole (servers).
    pub operation: String,
    /// Stable kebab-case rule id from [`CATALOG`].
    pub id: &'static str,
    pub level: Level,
    pub direction: Direction,
    /// JSON pointer into the base document (`file#/pointer` when in another file).
    pub base_pointer: String,
    /// JSON pointer into the revision document; for something removed, the nearest parent that
    /// still exists, so an annotation always has a line to point at.
    pub revision_pointer: String,
    pub message: String,
}

/// Where the time went, for the benchmark and the closing note.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub parse: Duration,
    pub resolve: Duration,
    pub compare: Duration,
}

/// The outcome of one diff: sorted findings plus what renderers need (names, revision texts).
#[derive(Debug)]
pub struct Report {
    pub base: String,
    pub revision: String,
    pub findings: Vec<Finding>,
    pub timings: Timings,
    /// Revision files (main document first) kept for pointer → line lookups.
    revision_files: Vec<load::FileText>,
}

/// Counts per level, for summaries and exit codes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub breaking: usize,
    pub warning: usize,
    pub info: usize,
}

impl Report {
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for finding in &self.findings {
            match finding.level {
                Level::Breaking => summary.breaking += 1,
                Level::Warning => summary.warning += 1,
                Level::Info => summary.info += 1,
            }
        }
        summary
    }

    /// Whether any finding is at or above `threshold` (`None`: never fail).
    pub fn fails(&self, threshold: Option<Level>) -> bool {
        threshold.is_some_and(|t| self.findings.iter().any(|f| f.level >= t))
    }

    /// File and 1-based line of a revision pointer, for annotations. Builds the line index of the
    /// file on demand: only the `github` format pays for it.
    pub fn revision_location(&self, pointer: &str) -> (String, Option<usize>) {
        let (file, pointer) = match pointer.split_once('#') {
            Some((file, pointer)) => (self.revision_files.iter().find(|f| f.name == file), pointer),
            None => (self.revision_files.first(), pointer),
        };
        match file {
            Some(file) => (file.name.clone(), file.line_of(pointer)),
            None => (self.revision.clone(), None),
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} breaking, {} warning{}, {} info",
            self.breaking,
            self.warning,
            if self.warning == 1 { "" } else { "s" },
            self.info
        )
    }
}

/// Diff two documents. Relative-file `$ref`s resolve against each source's directory.
pub fn diff_sources(base: Source, revision: Source) -> Result<Report, DiffError> {
    let started = Instant::now();
    let base_name = base.display_name();
    let revision_name = revision.display_name();
    let base_doc = load::load(&base)?;
    let revision_doc = load::load(&revision)?;
    let parsed = Instant::now();
    let base_set = resolve::DocumentSet::resolve(base_doc)?;
    let revision_set = resolve::DocumentSet::resolve(revision_doc)?;
    let resolved = Instant::now();
    let mut findings = walk::compare(&base_set, &revision_set)?;
    findings.sort();
    findings.dedup();
    let compared = Instant::now();
    Ok(Report {
        base: base_name,
        revision: revision_name,
        findings,
        timings: Timings {
            parse: parsed - started,
            resolve: resolved - parsed,
            compare: compared - resolved,
        },
        revision_files: revision_set.into_texts(),
    })
}

/// Convenience for the CLI: both sides from files.
pub fn diff_files(base: &Path, revision: &Path) -> Result<Report, DiffError> {
    diff_sources(
        Source::File(PathBuf::from(base)),
        Source::File(PathBuf::from(revision)),
    )
}
