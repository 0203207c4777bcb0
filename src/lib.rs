//! Typed async client for the Dispersed compute network's HTTP API.

pub mod signing;

mod generated;
pub mod decode;
pub mod lenient;
#[cfg(feature = "mock")]
pub mod mock;
pub use generated::types;
