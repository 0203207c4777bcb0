//! `cargo xtask`: project automation. See `xtask/src/lib.rs` for the engines.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Project automation for dispersed"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Work with the OpenAPI spec in `openapi/`.
    #[command(subcommand)]
    Spec(SpecCommand),
}

#[derive(Subcommand)]
enum SpecCommand {
    /// Re-derive openapi/dispersed.yaml from the upstream snapshots and the overlay
    /// (exit 0 ok, 1 `--check` found drift, 2 error).
    Derive(DeriveArgs),
    /// Classify every change between two OpenAPI documents (exit 0 clean, 1 failing, 2 error).
    Diff(DiffArgs),
    /// Print the diff rule catalog as a markdown table.
    Rules,
    /// The CI gate: the spec is what `spec derive` gives, and every change since the base is
    /// acknowledged or matched by the crate version (exit 0 passed, 1 failed, 2 error).
    Check(CheckArgs),
}

#[derive(clap::Args)]
struct CheckArgs {
    /// The revision to compare with. Default: the newest `v*` tag, else the merge-base with
    /// origin/main when HEAD is not on it, else HEAD's parent.
    #[arg(long, value_name = "GIT_REV")]
    base: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    format: CheckFormat,
    /// The repository to check. Default: the one this xtask belongs to.
    #[arg(long, value_name = "DIR")]
    root: Option<std::path::PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CheckFormat {
    Text,
    Markdown,
    Github,
}

fn spec_check(args: CheckArgs) -> ExitCode {
    use std::io::IsTerminal;
    use xtask::check::{self, report, CheckOptions};
    let mut options = CheckOptions::new(args.root.unwrap_or_else(repository_root));
    options.base = args.base;
    let report = match check::check(&options) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let format = match args.format {
        CheckFormat::Text => report::Format::Text,
        CheckFormat::Markdown => report::Format::Markdown,
        CheckFormat::Github => report::Format::Github,
    };
    let color = format == report::Format::Text && std::io::stdout().is_terminal();
    print!("{}", report::render(&report, format, color));
    ExitCode::from(u8::from(!report.passed()))
}

#[derive(clap::Args)]
struct DiffArgs {
    /// The older document (JSON or YAML).
    base: std::path::PathBuf,
    /// The newer document.
    revision: std::path::PathBuf,
    /// Output: Cargo-style text, the JSON contract, a markdown PR comment or GitHub annotations.
    #[arg(long, value_enum, default_value = "text")]
    format: DiffFormat,
    /// Lowest level that makes the exit code 1.
    #[arg(long, value_enum, default_value = "breaking")]
    fail_on: FailOn,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum DiffFormat {
    Text,
    Json,
    Markdown,
    Github,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FailOn {
    Breaking,
    Warning,
    Never,
}

fn spec_diff(args: DiffArgs) -> ExitCode {
    use std::io::IsTerminal;
    use xtask::diff::{self, report, Level};
    let report = match diff::diff_files(&args.base, &args.revision) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let format = match args.format {
        DiffFormat::Text => report::Format::Text,
        DiffFormat::Json => report::Format::Json,
        DiffFormat::Markdown => report::Format::Markdown,
        DiffFormat::Github => report::Format::Github,
    };
    let color = format == report::Format::Text && std::io::stdout().is_terminal();
    print!("{}", report::render(&report, format, color));
    let threshold = match args.fail_on {
        FailOn::Breaking => Some(Level::Breaking),
        FailOn::Warning => Some(Level::Warning),
        FailOn::Never => None,
    };
    ExitCode::from(u8::from(report.fails(threshold)))
}

#[derive(clap::Args)]
struct DeriveArgs {
    /// A docs page (text or HTML) or an OpenAPI 3.0/3.1 document (JSON or YAML): a path relative
    /// to the repository root, or an https:// URL. Repeatable; default: every snapshot in
    /// openapi/upstream/.
    #[arg(long = "source", value_name = "PATH_OR_URL")]
    sources: Vec<String>,
    /// Where to write the spec, relative to the repository root.
    #[arg(long, value_name = "PATH", default_value = xtask::derive::SPEC_PATH)]
    out: std::path::PathBuf,
    /// The overlay of corrections, relative to the repository root.
    #[arg(long, value_name = "PATH", default_value = xtask::derive::OVERLAY_PATH)]
    overlay: std::path::PathBuf,
    /// Apply no overlay: the spec as upstream states it (with what was inferred).
    #[arg(long, conflicts_with = "overlay")]
    no_overlay: bool,
    /// Derive in memory and fail (exit 1) if the file differs, showing where.
    #[arg(long)]
    check: bool,
    /// Seconds to wait for a URL source to connect, and again to answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    timeout: u64,
}

/// The repository root: xtask lives in `<root>/xtask`.
fn repository_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the repository")
        .to_path_buf()
}

fn spec_derive(args: DeriveArgs) -> ExitCode {
    use xtask::derive::{self, CheckOutcome, DeriveOptions};
    let mut options = DeriveOptions::new(repository_root());
    options.sources = args.sources;
    options.out = args.out;
    options.overlay = (!args.no_overlay).then_some(args.overlay);
    options.timeout = std::time::Duration::from_secs(args.timeout);
    if args.check {
        return match derive::check(&options) {
            Ok(CheckOutcome::UpToDate) => {
                eprintln!(
                    "{:>12} {} is what `{}` produces",
                    "Fresh",
                    options.out.display(),
                    options.command_line()
                );
                ExitCode::SUCCESS
            }
            Ok(CheckOutcome::Drift(drift)) => {
                eprintln!(
                    "error: {} differs from what `spec derive` produces (first at line {}):\n{}\nhelp: to regenerate it, run: {}",
                    drift.file, drift.line, drift.fragment, drift.fix
                );
                ExitCode::from(1)
            }
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::from(2)
            }
        };
    }
    match derive::derive_and_write(&options) {
        Ok((derivation, changed)) => {
            print_inferences(&derivation.inferences);
            let status = if changed { "Wrote" } else { "Unchanged" };
            eprintln!(
                "{status:>12} {} (from {})",
                options.out.display(),
                derivation.sources.join(", ")
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

/// What the listing did not say, grouped by what was concluded, on stderr.
fn print_inferences(inferences: &[xtask::derive::Inference]) {
    let mut grouped: Vec<(&str, Vec<&str>)> = Vec::new();
    for inference in inferences {
        match grouped.iter_mut().find(|(what, _)| *what == inference.what) {
            Some((_, places)) => places.push(&inference.place),
            None => grouped.push((&inference.what, vec![&inference.place])),
        }
    }
    for (what, places) in grouped {
        eprintln!("{:>12} {what}: {}", "Inferred", places.join(", "));
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Spec(spec) => match spec {
            SpecCommand::Derive(args) => spec_derive(args),
            SpecCommand::Diff(args) => spec_diff(args),
            SpecCommand::Check(args) => spec_check(args),
            SpecCommand::Rules => {
                print!("{}", xtask::diff::report::catalog_markdown());
                ExitCode::SUCCESS
            }
        },
    }
}
