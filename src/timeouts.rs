//! The four timeouts that bound a call, each named after what it protects against.

use std::time::Duration;

/// Time limits for one call. All four apply together; whichever fires first ends the attempt
/// (or, for [`operation`](Self::operation), the whole call).
///
/// | timeout | default | what it bounds |
/// |---|---|---|
/// | `connect` | 10 s | establishing the TCP (and TLS) connection |
/// | `read` | 30 s | silence while waiting for the response headers or for the next body bytes |
/// | `attempt` | 60 s | one attempt, from sending to the last body byte |
/// | `operation` | 120 s | the whole call, all attempts and backoff waits included |
///
/// The read timeout is what cuts off a server that stalls mid-body; connect, read and per-attempt
/// timeouts are retried (the request is idempotent and the stall is usually transient), the
/// operation timeout is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    connect: Duration,
    read: Duration,
    attempt: Duration,
    operation: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            read: Duration::from_secs(30),
            attempt: Duration::from_secs(60),
            operation: Duration::from_secs(120),
        }
    }
}

impl Timeouts {
    /// Limit on establishing a connection.
    pub fn with_connect(mut self, connect: Duration) -> Self {
        self.connect = connect;
        self
    }

    /// Limit on silence between bytes (before the headers and between body chunks).
    pub fn with_read(mut self, read: Duration) -> Self {
        self.read = read;
        self
    }

    /// Limit on one attempt, from sending the request to the end of the body.
    pub fn with_attempt(mut self, attempt: Duration) -> Self {
        self.attempt = attempt;
        self
    }

    /// Limit on the whole call, retries and waits included.
    pub fn with_operation(mut self, operation: Duration) -> Self {
        self.operation = operation;
        self
    }

    /// See [`with_connect`](Self::with_connect).
    pub fn connect(&self) -> Duration {
        self.connect
    }

    /// See [`with_read`](Self::with_read).
    pub fn read(&self) -> Duration {
        self.read
    }

    /// See [`with_attempt`](Self::with_attempt).
    pub fn attempt(&self) -> Duration {
        self.attempt
    }

    /// See [`with_operation`](Self::with_operation).
    pub fn operation(&self) -> Duration {
        self.operation
    }
}

/// Which of the four timeouts fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// The connection could not be established in time.
    Connect,
    /// The server sent nothing for longer than the read timeout.
    Read,
    /// One attempt took longer than the per-attempt timeout.
    Attempt,
    /// The whole call, retries included, took longer than the operation timeout.
    Operation,
}

impl TimeoutKind {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            TimeoutKind::Connect => "connect timeout",
            TimeoutKind::Read => "read timeout (the server went silent)",
            TimeoutKind::Attempt => "per-attempt timeout",
            TimeoutKind::Operation => "operation timeout (all attempts)",
        }
    }
}
