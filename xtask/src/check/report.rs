//! Rendering a [`CheckReport`]: Cargo-style text for the terminal, a markdown PR comment (the
//! GitHub job summary), and workflow annotations. Pure functions; colour is the caller's choice.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::accepted::{entry_for, key_pointer, ACCEPTED_CHANGES_PATH};
use super::{
    Assessed, BaseSelection, CheckReport, Comparison, Status, Verdict, CHECK_COMMAND, MANIFEST_PATH,
};
use crate::derive::{DERIVE_COMMAND, OVERLAY_PATH, SPEC_PATH};
use crate::diff::report::{escape_data, escape_property};
use crate::diff::Level;

/// Output formats of `spec check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Github,
}

pub fn render(report: &CheckReport, format: Format, color: bool) -> String {
    match format {
        Format::Text => text(report, color),
        Format::Markdown => markdown(report),
        Format::Github => github(report),
    }
}

fn paint(text: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

const GREEN: &str = "1;32";
const RED: &str = "1;31";
const YELLOW: &str = "1;33";
const CYAN: &str = "1;36";
const BLUE: &str = "1;34";

/// A right-aligned status word and its line, Cargo's way.
fn status_line(out: &mut String, word: &str, code: &str, color: bool, rest: &str) {
    let _ = writeln!(out, "{} {rest}", paint(&format!("{word:>12}"), code, color));
}

fn level_color(level: Level) -> &'static str {
    match level {
        Level::Breaking => RED,
        Level::Warning => YELLOW,
        Level::Info => CYAN,
    }
}

fn operation_title(operation: &str) -> &str {
    if operation.is_empty() {
        "(document)"
    } else {
        operation
    }
}

fn base_description(report: &CheckReport) -> String {
    match &report.base {
        BaseSelection::Found(base) if base.short == base.revision => {
            format!("{}: {}", base.revision, base.reason)
        }
        BaseSelection::Found(base) => {
            format!("{} ({}): {}", base.revision, base.short, base.reason)
        }
        BaseSelection::None(why) => format!("none: {why}"),
    }
}

fn version_description(report: &CheckReport) -> String {
    let versions = &report.versions;
    match (&versions.base, versions.bump) {
        (Some(base), Some(bump)) => format!(
            "{base} → {}: a {bump} release under Cargo's rules",
            versions.current
        ),
        (Some(base), None) => format!("{base} → {}: not bumped", versions.current),
        (None, _) => format!("{} (no version at the base)", versions.current),
    }
}

fn status_text(assessed: &Assessed, report: &CheckReport) -> String {
    match &assessed.status {
        Status::Accepted(ack) => format!(
            "accepted in {ACCEPTED_CHANGES_PATH}:{} for {}: {}",
            ack.line, ack.version, ack.reason
        ),
        Status::Covered => format!(
            "covered by the version bump ({})",
            version_description(report)
        ),
        Status::Unaccepted => "neither accepted nor covered by a version bump".to_string(),
        Status::Pending => {
            let versions = &report.versions;
            let from = versions.base.as_ref().unwrap_or(&versions.current);
            let verdict = assessed.assessment.verdict;
            let next = super::semver::next_version(from, verdict);
            format!("the next release must bump {verdict} (at least {next})")
        }
    }
}

fn by_operation(findings: &[Assessed]) -> BTreeMap<&str, Vec<&Assessed>> {
    let mut groups: BTreeMap<&str, Vec<&Assessed>> = BTreeMap::new();
    for assessed in findings {
        groups
            .entry(&assessed.finding.operation)
            .or_default()
            .push(assessed);
    }
    groups
}

/// One-line counts: findings by level and how many fail.
pub fn summary(report: &CheckReport) -> String {
    let count = |level| {
        report
            .findings
            .iter()
            .filter(|a| a.finding.level == level)
            .count()
    };
    let warnings = count(Level::Warning);
    let mut line = format!(
        "{} breaking, {} warning{}, {} info",
        count(Level::Breaking),
        warnings,
        if warnings == 1 { "" } else { "s" },
        count(Level::Info)
    );
    let unaccepted = report.unaccepted().count();
    let accepted = report
        .findings
        .iter()
        .filter(|a| matches!(a.status, Status::Accepted(_)))
        .count();
    let _ = write!(line, "; {unaccepted} not accepted, {accepted} accepted");
    if !report.stale.is_empty() {
        let _ = write!(line, ", {} stale", report.stale.len());
    }
    if report.drift().is_some() {
        line.push_str("; the spec is not what `spec derive` produces");
    }
    if let Some(mismatch) = &report.api_version {
        let _ = write!(
            line,
            "; the version records api.{} but the spec is {}",
            mismatch.recorded, mismatch.spec
        );
    }
    line
}

/// What to do next, one line each (the text report prints them as `help:`).
pub fn hints(report: &CheckReport) -> Vec<String> {
    let mut hints = Vec::new();
    if report.drift().is_some() {
        hints.push(format!(
            "regenerate the spec with `{DERIVE_COMMAND}` (a correction belongs in {OVERLAY_PATH}, not in {SPEC_PATH}), then run `{CHECK_COMMAND}` again"
        ));
    }
    let unaccepted: Vec<&Assessed> = report.unaccepted().collect();
    if !unaccepted.is_empty() {
        let needed = unaccepted
            .iter()
            .map(|a| a.assessment.verdict)
            .max()
            .unwrap_or(Verdict::Major);
        let from = report
            .versions
            .base
            .as_ref()
            .unwrap_or(&report.versions.current);
        let mut next = super::semver::next_version(from, needed);
        next.build = report.versions.current.build.clone();
        hints.push(format!(
            "set `version = \"{next}\"` in {MANIFEST_PATH} (a {needed} release), or add each change to {ACCEPTED_CHANGES_PATH} with the reason (entries below), then run `{CHECK_COMMAND}` again"
        ));
    }
    if let Some(mismatch) = &report.api_version {
        let mut fixed = report.versions.current.clone();
        fixed.build =
            semver::BuildMetadata::new(&format!("api.{}", super::build_metadata(&mismatch.spec)))
                .unwrap_or(fixed.build);
        hints.push(format!(
            "set `version = \"{fixed}\"` in {MANIFEST_PATH}: its build metadata records the spec's info.version"
        ));
    }
    if !report.stale.is_empty() {
        hints.push(format!(
            "remove the stale entries from {ACCEPTED_CHANGES_PATH}, or fix their rule, operation or pointer"
        ));
    }
    if report.passed() {
        if let Some(next) = report.needed_version() {
            if report.findings.iter().any(|a| a.status == Status::Pending) {
                hints.push(format!(
                    "the next release must be at least {next}: set it in {MANIFEST_PATH} when releasing"
                ));
            }
        }
    }
    hints
}

/// The entries to paste for the unaccepted findings; `version` is the release that will ship
/// them: the working tree's version when it moved, else the next one after the base.
fn unaccepted_entries(report: &CheckReport) -> String {
    let versions = &report.versions;
    let mut version = match (&versions.base, versions.bump) {
        (Some(base), None) => super::semver::next_version(base, Verdict::Patch),
        _ => versions.current.clone(),
    };
    version.build = semver::BuildMetadata::EMPTY;
    report
        .unaccepted()
        .map(|a| entry_for(&a.finding, &version))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Cargo-style text: status words right-aligned at 12 columns, findings grouped by operation,
/// one summary line, then `help:` lines naming the next command.
pub fn text(report: &CheckReport, color: bool) -> String {
    let mut out = String::new();
    match report.drift() {
        None => status_line(
            &mut out,
            "Fresh",
            GREEN,
            color,
            &format!("{SPEC_PATH} is what `{DERIVE_COMMAND}` produces"),
        ),
        Some(drift) => {
            status_line(
                &mut out,
                "Drift",
                RED,
                color,
                &format!(
                    "{} differs from what `{DERIVE_COMMAND}` produces, first at line {}:",
                    drift.file, drift.line
                ),
            );
            for line in drift.fragment.lines() {
                let _ = writeln!(out, "{:>12} {line}", "");
            }
        }
    }
    status_line(&mut out, "Base", GREEN, color, &base_description(report));
    match &report.comparison {
        Comparison::NoBase(_) => status_line(
            &mut out,
            "Skipped",
            YELLOW,
            color,
            "the comparison: no base spec, nothing can have broken",
        ),
        Comparison::NoSpecAtBase => status_line(
            &mut out,
            "Skipped",
            YELLOW,
            color,
            &format!(
                "the comparison: {SPEC_PATH} did not exist at {}, so all of it is new",
                report.base_revision().unwrap_or("the base")
            ),
        ),
        Comparison::Compared(diff) => status_line(
            &mut out,
            "Compared",
            GREEN,
            color,
            &format!("{} → {}", diff.base, diff.revision),
        ),
    }
    for (operation, findings) in by_operation(&report.findings) {
        let _ = writeln!(out, "\n{}", paint(operation_title(operation), "1", color));
        for assessed in findings {
            let finding = &assessed.finding;
            let word = match assessed.status {
                Status::Unaccepted => paint(&format!("{:>12}", finding.level.as_str()), RED, color),
                _ => paint(
                    &format!("{:>12}", finding.level.as_str()),
                    level_color(finding.level),
                    color,
                ),
            };
            let _ = writeln!(out, "{word} [{}] {}", finding.id, finding.message);
            let _ = writeln!(
                out,
                "{} {}",
                paint(&format!("{:>12}", "-->"), BLUE, color),
                key_pointer(finding)
            );
            let _ = writeln!(
                out,
                "{} {}: {}; {}",
                paint(&format!("{:>12}", "semver"), BLUE, color),
                assessed.assessment.verdict,
                assessed.assessment.why,
                status_text(assessed, report)
            );
        }
    }
    if !report.findings.is_empty() {
        out.push('\n');
    }
    for ack in &report.stale {
        status_line(
            &mut out,
            "Stale",
            YELLOW,
            color,
            &format!(
                "{ACCEPTED_CHANGES_PATH}:{}: [{}] {} {} matches no change since {}",
                ack.line,
                ack.rule,
                operation_title(&ack.operation),
                ack.pointer,
                report.base_revision().unwrap_or("the base")
            ),
        );
    }
    if report.released > 0 {
        status_line(
            &mut out,
            "History",
            GREEN,
            color,
            &format!(
                "{} acknowledgement(s) for releases the base already has, not judged",
                report.released
            ),
        );
    }
    status_line(
        &mut out,
        "Version",
        GREEN,
        color,
        &version_description(report),
    );
    let (word, code) = if report.passed() {
        ("Passed", GREEN)
    } else {
        ("Failed", RED)
    };
    status_line(
        &mut out,
        word,
        code,
        color,
        &format!("spec check: {}", summary(report)),
    );
    for hint in hints(report) {
        let _ = writeln!(out, "{} {hint}", paint("help:", "1", color));
    }
    if report.unaccepted().next().is_some() {
        let _ = writeln!(out, "\n{}", unaccepted_entries(report));
    }
    out
}

fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A PR comment (and the GitHub job summary).
pub fn markdown(report: &CheckReport) -> String {
    let mut out = String::new();
    let verdict = if report.passed() {
        "✅ passed"
    } else {
        "❌ failed"
    };
    let _ = writeln!(out, "### Spec check: {verdict}\n");
    let _ = writeln!(out, "{}\n", escape_cell(&summary(report)));
    let derive = match report.drift() {
        None => format!("✅ `{SPEC_PATH}` is what `{DERIVE_COMMAND}` produces"),
        Some(drift) => format!(
            "❌ `{}` differs from what `{DERIVE_COMMAND}` produces, first at line {}",
            drift.file, drift.line
        ),
    };
    let _ = writeln!(out, "- **Derive:** {derive}");
    let base = match &report.base {
        BaseSelection::Found(base) if base.short == base.revision => {
            format!("`{}`: {}", base.revision, base.reason)
        }
        BaseSelection::Found(base) => {
            format!("`{}` (`{}`): {}", base.revision, base.short, base.reason)
        }
        BaseSelection::None(why) => format!("none: {why}"),
    };
    let _ = writeln!(out, "- **Base:** {}", escape_cell(&base));
    let comparison = match &report.comparison {
        Comparison::NoBase(_) => "skipped: no base spec".to_string(),
        Comparison::NoSpecAtBase => format!("skipped: `{SPEC_PATH}` did not exist at the base"),
        Comparison::Compared(diff) => format!("`{}` → `{}`", diff.base, diff.revision),
    };
    let _ = writeln!(out, "- **Compared:** {comparison}");
    let _ = writeln!(out, "- **Version:** {}", version_description(report));
    if let Some(next) = report.needed_version() {
        let _ = writeln!(
            out,
            "- **Next release:** at least `{next}` ({} changes)",
            report.needed().map(Verdict::as_str).unwrap_or("no")
        );
    }
    out.push('\n');
    if let Some(drift) = report.drift() {
        let _ = writeln!(
            out,
            "<details><summary>Spec drift</summary>\n\n```diff\n{}```\n\n</details>\n",
            drift.fragment
        );
    }
    if !report.findings.is_empty() {
        let _ = writeln!(out, "| | Operation | Rule | Change | Semver | Status |");
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for assessed in &report.findings {
            let finding = &assessed.finding;
            let icon = match (&assessed.status, finding.level) {
                (Status::Unaccepted, _) => "❌",
                (_, Level::Breaking) | (_, Level::Warning) => "⚠️",
                _ => "ℹ️",
            };
            let _ = writeln!(
                out,
                "| {icon} {} | `{}` | `{}` | {} | **{}**: {} | {} |",
                finding.level,
                escape_cell(operation_title(&finding.operation)),
                finding.id,
                escape_cell(&finding.message),
                assessed.assessment.verdict,
                escape_cell(assessed.assessment.why),
                escape_cell(&status_text(assessed, report)),
            );
        }
        out.push('\n');
    }
    if !report.stale.is_empty() {
        let _ = writeln!(
            out,
            "**Stale acknowledgements** (match no change since the base):\n"
        );
        for ack in &report.stale {
            let _ = writeln!(
                out,
                "- `{ACCEPTED_CHANGES_PATH}:{}`: `{}` `{}` `{}`",
                ack.line,
                ack.rule,
                escape_cell(operation_title(&ack.operation)),
                ack.pointer
            );
        }
        out.push('\n');
    }
    let hints = hints(report);
    if !hints.is_empty() {
        let _ = writeln!(out, "**Next steps**\n");
        for hint in hints {
            let _ = writeln!(out, "- {hint}");
        }
        out.push('\n');
    }
    if report.unaccepted().next().is_some() {
        let _ = writeln!(out, "<details><summary>Entries for {ACCEPTED_CHANGES_PATH}</summary>\n\n```toml\n{}```\n\n</details>\n", unaccepted_entries(report));
    }
    out
}

/// Workflow commands: an `error` for what fails the check, `warning`/`notice` for the rest.
pub fn github(report: &CheckReport) -> String {
    let mut out = String::new();
    if let Some(drift) = report.drift() {
        annotation(
            &mut out,
            "error",
            &drift.file,
            Some(drift.line),
            "spec derive",
            &format!("differs from what `{DERIVE_COMMAND}` produces; run it"),
        );
    }
    if let Comparison::Compared(diff) = &report.comparison {
        for assessed in &report.findings {
            let finding = &assessed.finding;
            let command = match (&assessed.status, finding.level) {
                (Status::Unaccepted, _) => "error",
                (_, Level::Breaking) | (_, Level::Warning) => "warning",
                (_, Level::Info) => "notice",
            };
            let (file, line) = diff.revision_location(&finding.revision_pointer);
            let operation = if finding.operation.is_empty() {
                String::new()
            } else {
                format!("{}: ", finding.operation)
            };
            annotation(
                &mut out,
                command,
                &file,
                line,
                finding.id,
                &format!(
                    "{operation}{} (semver {}: {}; {})",
                    finding.message,
                    assessed.assessment.verdict,
                    assessed.assessment.why,
                    status_text(assessed, report)
                ),
            );
        }
    }
    for ack in &report.stale {
        annotation(
            &mut out,
            "warning",
            ACCEPTED_CHANGES_PATH,
            Some(ack.line),
            "stale acknowledgement",
            &format!(
                "[{}] {} {} matches no change since {}",
                ack.rule,
                operation_title(&ack.operation),
                ack.pointer,
                report.base_revision().unwrap_or("the base")
            ),
        );
    }
    if let Some(mismatch) = &report.api_version {
        annotation(
            &mut out,
            "error",
            MANIFEST_PATH,
            None,
            "api version",
            &format!(
                "the version records api.{} but {SPEC_PATH} has info.version {}",
                mismatch.recorded, mismatch.spec
            ),
        );
    }
    let _ = writeln!(
        out,
        "spec check {}: {} (base: {})",
        if report.passed() { "passed" } else { "failed" },
        summary(report),
        base_description(report)
    );
    out
}

fn annotation(
    out: &mut String,
    command: &str,
    file: &str,
    line: Option<usize>,
    title: &str,
    message: &str,
) {
    let mut properties = format!("file={}", escape_property(file));
    if let Some(line) = line {
        let _ = write!(properties, ",line={line}");
    }
    let _ = write!(properties, ",title={}", escape_property(title));
    let _ = writeln!(out, "::{command} {properties}::{}", escape_data(message));
}
