//! The engines behind `cargo xtask`: deriving the spec from upstream, diffing two specs, and the
//! CI check built on both. They know nothing of the terminal; `main.rs` parses arguments, calls
//! them, prints and picks the exit code.

pub mod check;
pub mod derive;
pub mod diff;
