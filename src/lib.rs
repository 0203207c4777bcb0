#![doc = include_str!("../README.md")]

pub mod signing;

mod client;
mod config;
mod error;
mod path;
mod retry;
mod timeouts;
mod transport;

pub use client::Client;
pub use config::{
    ClientConfig, SecretKey, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BYTES, ENV_BASE_URL,
    ENV_PUBLIC_KEY, ENV_SECRET_KEY,
};
pub use error::{Error, ErrorKind, RAW_BODY_CAP};
pub use retry::RetryConfig;
pub use timeouts::{TimeoutKind, Timeouts};

pub mod decode;
mod generated;
pub mod lenient;
#[cfg(feature = "mock")]
pub mod mock;
pub use generated::types;
