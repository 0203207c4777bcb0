//! Rendering a [`Report`]: Cargo-style text, the JSON contract, a markdown PR comment, and
//! GitHub workflow annotations. Pure functions of the report (colour is the caller's choice),
//! so output is deterministic and testable.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use super::rules::{Level, CATALOG};
use super::{Finding, Report};

/// Output formats of `spec diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Markdown,
    Github,
}

pub fn render(report: &Report, format: Format, color: bool) -> String {
    match format {
        Format::Text => text(report, color),
        Format::Json => json(report),
        Format::Markdown => markdown(report),
        Format::Github => github(report),
    }
}

fn by_operation(findings: &[Finding]) -> BTreeMap<&str, Vec<&Finding>> {
    let mut groups: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for finding in findings {
        groups.entry(&finding.operation).or_default().push(finding);
    }
    groups
}

fn paint(text: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn level_color(level: Level) -> &'static str {
    match level {
        Level::Breaking => "1;31",
        Level::Warning => "1;33",
        Level::Info => "1;36",
    }
}

/// Cargo-style: an operation header, right-aligned level words, a summary line.
pub fn text(report: &Report, color: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:>12} {} → {}",
        paint("Comparing", "1;32", color),
        report.base,
        report.revision
    );
    for (operation, findings) in by_operation(&report.findings) {
        let title = if operation.is_empty() {
            "(document)"
        } else {
            operation
        };
        let _ = writeln!(out, "\n{}", paint(title, "1", color));
        for finding in findings {
            let word = format!("{:>12}", finding.level.as_str());
            let _ = writeln!(
                out,
                "{} [{}] {}",
                paint(&word, level_color(finding.level), color),
                finding.id,
                finding.message
            );
            let _ = writeln!(
                out,
                "{:>12} {}",
                paint("-->", "1;34", color),
                finding.revision_pointer
            );
        }
    }
    let summary = report.summary();
    let word = if summary.breaking > 0 {
        paint("Breaking", level_color(Level::Breaking), color)
    } else {
        paint("Compatible", "1;32", color)
    };
    let _ = writeln!(out, "\n{word:>12} {summary}");
    out
}

/// The fixed contract: `{base, revision, findings: [...], summary: {breaking, warning, info}}`.
pub fn json(report: &Report) -> String {
    // Written by hand so keys come in the contract's order (serde_json's map sorts them).
    let string = |text: &str| Value::String(text.to_string()).to_string();
    let summary = report.summary();
    let mut out = String::from("{\n");
    let _ = writeln!(out, "  \"base\": {},", string(&report.base));
    let _ = writeln!(out, "  \"revision\": {},", string(&report.revision));
    out.push_str("  \"findings\": [");
    for (index, f) in report.findings.iter().enumerate() {
        out.push_str(if index == 0 { "\n" } else { ",\n" });
        let fields = [
            ("id", f.id),
            ("level", f.level.as_str()),
            ("direction", f.direction.as_str()),
            ("operation", &f.operation),
            ("base_pointer", &f.base_pointer),
            ("revision_pointer", &f.revision_pointer),
            ("message", &f.message),
        ];
        out.push_str("    {\n");
        for (position, (key, value)) in fields.iter().enumerate() {
            let comma = if position + 1 < fields.len() { "," } else { "" };
            let _ = writeln!(out, "      \"{key}\": {}{comma}", string(value));
        }
        out.push_str("    }");
    }
    out.push_str(if report.findings.is_empty() {
        "],\n"
    } else {
        "\n  ],\n"
    });
    let _ = writeln!(
        out,
        "  \"summary\": {{\"breaking\": {}, \"warning\": {}, \"info\": {}}}",
        summary.breaking, summary.warning, summary.info
    );
    out.push_str("}\n");
    out
}

fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A PR comment: verdict, counts, then one table per level (info folded away).
pub fn markdown(report: &Report) -> String {
    let summary = report.summary();
    let mut out = String::new();
    let verdict = if summary.breaking > 0 {
        "❌ breaking changes"
    } else if summary.warning > 0 {
        "⚠️ compatible, with warnings"
    } else {
        "✅ compatible"
    };
    let _ = writeln!(out, "### Spec diff: {verdict}\n");
    let _ = writeln!(
        out,
        "`{}` → `{}`: **{}** breaking, **{}** warning, **{}** info\n",
        report.base, report.revision, summary.breaking, summary.warning, summary.info
    );
    for level in [Level::Breaking, Level::Warning, Level::Info] {
        let findings: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.level == level)
            .collect();
        if findings.is_empty() {
            continue;
        }
        let heading = format!("{} {}", findings.len(), level.as_str());
        if level == Level::Info {
            let _ = writeln!(out, "<details><summary>{heading}</summary>\n");
        } else {
            let _ = writeln!(out, "#### {heading}\n");
        }
        let _ = writeln!(out, "| Operation | Rule | Change | Where |");
        let _ = writeln!(out, "|---|---|---|---|");
        for f in findings {
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {} | `{}` |",
                escape_cell(if f.operation.is_empty() {
                    "(document)"
                } else {
                    &f.operation
                }),
                f.id,
                escape_cell(&f.message),
                escape_cell(&f.revision_pointer)
            );
        }
        if level == Level::Info {
            let _ = writeln!(out, "\n</details>");
        }
        out.push('\n');
    }
    out
}

/// Workflow commands, e.g. `::error file=openapi.yaml,line=12,title=…::GET /x: …`.
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let command = match f.level {
            Level::Breaking => "error",
            Level::Warning => "warning",
            Level::Info => "notice",
        };
        let (file, line) = report.revision_location(&f.revision_pointer);
        let mut properties = format!("file={}", escape_property(&file));
        if let Some(line) = line {
            let _ = write!(properties, ",line={line}");
        }
        let _ = write!(properties, ",title={}", escape_property(f.id));
        let operation = if f.operation.is_empty() {
            String::new()
        } else {
            format!("{}: ", f.operation)
        };
        let _ = writeln!(
            out,
            "::{command} {properties}::{}",
            escape_data(&format!("{operation}{}", f.message))
        );
    }
    let summary = report.summary();
    let _ = writeln!(out, "spec diff: {summary}");
    out
}

/// Escapes a GitHub workflow command's message (`::error ...::MESSAGE`).
pub(crate) fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a GitHub workflow command's property value (`file=...,title=...`).
pub(crate) fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `cargo xtask spec rules`: the catalog as a markdown table.
pub fn catalog_markdown() -> String {
    let mut out = String::from("| id | level | direction | description |\n|---|---|---|---|\n");
    for rule in CATALOG.iter() {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            rule.id,
            rule.level,
            rule.direction,
            escape_cell(&rule.description)
        );
    }
    let _ = writeln!(out, "\n{} rules", CATALOG.len());
    out
}
