//! Generates the typed client and models from `openapi/dispersed.yaml` at build time.
//!
//! Progenitor's canonical shape (parse, `Generator::generate_tokens`, `syn`, `prettyplease`, write
//! into `OUT_DIR`, `include!` from `src/generated.rs`), with three additions:
//! - the spec is checked first for what progenitor is known to panic on, and any remaining panic
//!   is caught, so a bad spec stops the build with the file and a JSON pointer or line
//!   (`build/spec_check.rs`);
//! - the generated syntax tree is rewritten to add what progenitor lacks: catch-all enum
//!   variants, `#[deprecated]` fields (`build/rewrite.rs`);
//! - `format: ip`/`ipv4`/`ipv6`/`date-time` strings become lenient types that keep the raw string
//!   (`src/lenient.rs`).
//!
//! The generator settings (interface, derives, conversions, hooks) are in `build/settings.rs`.
//!
//! Nothing is printed on success (no `cargo:warning`: cargo would replay it on every build).

#[path = "build/codegen.rs"]
mod codegen;
#[path = "build/rewrite.rs"]
mod rewrite;
#[path = "build/settings.rs"]
mod settings;
#[path = "build/spec_check.rs"]
mod spec_check;

use std::path::{Path, PathBuf};

use spec_check::SpecError;

/// The spec, relative to the package root; the only file this script reads.
const SPEC: &str = "openapi/dispersed.yaml";

fn main() {
    println!("cargo:rerun-if-changed={SPEC}");
    if let Err(error) = run() {
        // A plain message and exit code 1: cargo shows it under "failed to run custom build
        // command", with no panic backtrace.
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), SpecError> {
    let manifest_dir = PathBuf::from(env_var("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(env_var("OUT_DIR")?);
    let text = std::fs::read_to_string(manifest_dir.join(SPEC))
        .map_err(|error| SpecError::file(SPEC, format!("cannot read the spec: {error}")))?;

    let code = codegen::generate_code(SPEC, &text, &settings::settings())?;
    write(&out_dir.join("codegen.rs"), &code)
}

fn env_var(name: &str) -> Result<String, SpecError> {
    std::env::var(name).map_err(|_| SpecError::file(SPEC, format!("cargo did not set {name}")))
}

fn write(path: &Path, code: &str) -> Result<(), SpecError> {
    std::fs::write(path, code)
        .map_err(|error| SpecError::file(SPEC, format!("cannot write {}: {error}", path.display())))
}
