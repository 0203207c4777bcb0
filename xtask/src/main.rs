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
enum SpecCommand {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Spec(spec) => match spec {},
    }
}
