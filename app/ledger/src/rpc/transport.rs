//! One HTTP exchange with the endpoint, and which failures are worth a retry.
use super::{Rpc, BACKOFF, NODE_BEHIND};
use crate::LedgerError;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::thread;

/// The outcome of one HTTP exchange, as far as retrying goes.
pub(super) enum Attempt {
    Reply(Value),
    Transient(LedgerError),
    Fatal(LedgerError),
}

pub(super) fn malformed(method: &str, detail: impl std::fmt::Display) -> LedgerError {
    LedgerError::Network(format!(
        "unexpected reply to {method} ({detail}): is this a Solana JSON-RPC endpoint?"
    ))
}

impl Rpc {
    /// One HTTP exchange; which failures are worth retrying is decided here.
    pub(super) fn attempt(&self, body: &[u8]) -> Attempt {
        let mut request = self
            .agent
            .post(&self.url)
            .header("content-type", "application/json");
        if let Some(key) = &self.options.api_key {
            request = request.header("x-api-key", key);
        }
        let mut response = match request.send(body) {
            Ok(r) => r,
            Err(e @ (ureq::Error::BadUri(_) | ureq::Error::Http(_))) => {
                return Attempt::Fatal(LedgerError::Network(format!("{}: {e}", self.url)))
            }
            Err(e) => {
                return Attempt::Transient(LedgerError::Network(format!("{}: {e}", self.url)))
            }
        };
        let status = response.status().as_u16();
        let http_error = || LedgerError::Network(format!("{}: HTTP {status}", self.url));
        if status == 429 || status >= 500 {
            return Attempt::Transient(http_error());
        }
        // Program data accounts run to megabytes, past ureq's default 10 MB cap.
        let reply: Value = match response
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_json()
        {
            Ok(v) => v,
            // A reply cut short on the way: worth asking again.
            Err(e) if status == 200 => {
                return Attempt::Transient(LedgerError::Network(format!("{}: {e}", self.url)))
            }
            Err(_) => return Attempt::Fatal(http_error()),
        };
        match reply.get("error") {
            Some(error) => {
                let failure = LedgerError::Rpc {
                    code: error.get("code").and_then(Value::as_i64).unwrap_or(0),
                    message: error
                        .get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("no message")
                        .to_string(),
                };
                match failure {
                    LedgerError::Rpc { code, .. } if code == NODE_BEHIND => {
                        Attempt::Transient(failure)
                    }
                    _ => Attempt::Fatal(failure),
                }
            }
            None if status != 200 => Attempt::Fatal(http_error()),
            None => Attempt::Reply(reply.get("result").cloned().unwrap_or(Value::Null)),
        }
    }

    /// Calls `method`, retrying network failures with exponential backoff.
    pub(super) fn call(&self, method: &str, params: Value) -> Result<Value, LedgerError> {
        let body =
            json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
        let mut retry = 0;
        loop {
            match self.attempt(body.as_bytes()) {
                Attempt::Reply(v) => return Ok(v),
                Attempt::Fatal(e) => return Err(e),
                Attempt::Transient(e) if retry >= self.options.retries => {
                    return Err(match e {
                        LedgerError::Network(m) => {
                            LedgerError::Network(format!("{m} ({method}, {} attempts)", retry + 1))
                        }
                        e => e,
                    })
                }
                Attempt::Transient(_) => {
                    thread::sleep(BACKOFF * 2u32.saturating_pow(retry.min(10)));
                    retry += 1;
                }
            }
        }
    }

    /// Calls `method` and decodes its result.
    pub(super) fn request<T: DeserializeOwned>(
        &self,
        method: &str,
        params: Value,
    ) -> Result<T, LedgerError> {
        let result = self.call(method, params)?;
        serde_json::from_value(result).map_err(|e| malformed(method, e))
    }
}
