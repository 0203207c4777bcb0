//! The public client: a thin, typed face over the generated client.
//!
//! The generated client builds each request (URL, query, headers) from the spec; the
//! [`transport`](crate::transport) hook signs, times, caps and retries it. This wrapper adds what
//! neither can do: checking path parameters before anything is sent, and turning the outcome
//! into one [`Error`] that keeps status, request id, body and JSON path.

use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;

use crate::config::ClientConfig;
use crate::error::{one_line, Error};
use crate::transport::{self, Transport};
use crate::types;

/// A client for the Dispersed API. Cheap to clone; clones share the connection pool.
///
/// ```no_run
/// # async fn run() -> Result<(), dispersed::Error> {
/// let client = dispersed::Client::from_env()?;
/// let node = client.get_node("5f0c6a1e-9a7b-4c1e-8a57-2f4d2c9b1e01").await?;
/// println!("{} is at reputation {}", node.name, node.reputation);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    generated: crate::generated::Client,
}

impl Client {
    /// A client from `config`, with keys and base URL the config leaves unset taken from the
    /// environment (`DISPERSED_PUBLIC_KEY`, `DISPERSED_SECRET_KEY`, `DISPERSED_BASE_URL`).
    ///
    /// Fails with [`ErrorKind::Config`](crate::ErrorKind::Config) and a message saying what to
    /// set when a key is missing or the base URL is unusable. Nothing is sent.
    pub fn new(config: ClientConfig) -> Result<Self, Error> {
        Self::with_env(config, |name| std::env::var(name).ok())
    }

    /// A client configured entirely from the environment.
    pub fn from_env() -> Result<Self, Error> {
        Self::new(ClientConfig::new())
    }

    /// Like [`new`](Self::new), with the environment given as a lookup function (for tests and
    /// for programs that keep settings elsewhere).
    pub fn with_env(
        config: ClientConfig,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, Error> {
        let resolved = config.resolve(env)?;
        let (transport, http) = Transport::new(&resolved)?;
        let generated =
            crate::generated::Client::new_with_client(&resolved.base_url, http, transport);
        Ok(Self { generated })
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        use progenitor_client::ClientInfo;
        self.generated.baseurl()
    }

    /// `GET /v1/nodes/{node_uuid}`: one node, fully typed.
    ///
    /// `node_uuid` is sent percent-encoded as one path segment. A value that would change the
    /// request path (empty, `.`, `..`, or containing `\`) is rejected with
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) before anything is sent.
    pub async fn get_node(&self, node_uuid: &str) -> Result<types::Node, Error> {
        const OPERATION: &str = "get_node";
        crate::path::check_segment(OPERATION, "node_uuid", node_uuid)?;
        let send = self.generated.get_node().node_uuid(node_uuid).send();
        self.finish(OPERATION, send).await
    }

    /// Runs a generated `send()` and turns what happened into the typed value or one [`Error`].
    async fn finish<T, F>(&self, operation: &'static str, send: F) -> Result<T, Error>
    where
        T: DeserializeOwned,
        F: std::future::Future<
            Output = Result<ResponseValue<T>, progenitor_client::Error<types::ApiError>>,
        >,
    {
        // Boxed: the generated future is several KiB, and every layer around it would move it.
        let (result, record) = transport::recorded(Box::pin(send)).await;
        let attempts = record.attempts;
        match record.outcome {
            Some(Err(error)) => Err(error),
            Some(Ok(response)) if !response.status.is_success() => Err(Error::api(
                operation,
                response.status,
                &response.headers,
                response.body,
                attempts,
            )),
            Some(Ok(response)) => match result {
                Ok(value) => Ok(value.into_inner()),
                // progenitor's error has no status and no path; decode again to name both.
                Err(_) => crate::decode::decode_json::<T>(&response.body).map_err(|failure| {
                    Error::decode(
                        operation,
                        response.status,
                        &response.headers,
                        response.body,
                        &failure,
                        attempts,
                    )
                }),
            },
            // Nothing reached the transport: the generated code rejected the request itself.
            None => result
                .map(ResponseValue::into_inner)
                .map_err(|e| Error::invalid_input(operation, one_line(&e.to_string(), 300))),
        }
    }
}
