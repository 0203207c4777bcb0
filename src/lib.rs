//! Typed async client for the Dispersed compute network's HTTP API.

pub mod signing;

mod generated;
pub mod decode;
pub mod lenient;
pub use generated::types;
