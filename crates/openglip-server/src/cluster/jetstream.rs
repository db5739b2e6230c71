//! The JetStream operations the cluster uses, as JSON requests on `$JS.API.…` subjects over
//! [`Nats`]: making a stream (idempotent), publishing with a message id (the stream drops a
//! second publication of the same id within its duplicate window), reading a subject's last
//! message, an ephemeral push consumer, and compare-and-set writes on a key–value bucket (a
//! stream whose subjects are `$KV.{bucket}.{key}`, one message kept per key, expiring after the
//! bucket's age: what leases are made of).

use std::time::Duration;

use base64::Engine as _;
use serde_json::{Value, json};

use super::nats::{Msg, Nats, NatsError};

/// How long a JetStream API call may take.
const API_TIMEOUT: Duration = Duration::from_secs(3);

/// `JSStreamWrongLastSequenceErrF`: a compare-and-set publish lost.
const WRONG_LAST_SEQUENCE: i64 = 10071;
/// `JSNoMessageFoundErr`.
const NO_MESSAGE: i64 = 10037;
/// `JSStreamNameExistErr`: the stream exists with another configuration.
const STREAM_EXISTS: i64 = 10058;

#[derive(Clone)]
pub struct JetStream {
    pub nats: Nats,
}

/// A stored message read back.
#[derive(Debug, Clone)]
pub struct Stored {
    pub seq: u64,
    pub headers: Vec<(String, String)>,
    pub data: Vec<u8>,
}

impl Stored {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The answer to a publication.
#[derive(Debug, Clone, Copy)]
pub struct PubAck {
    pub seq: u64,
    pub duplicate: bool,
}

fn api_error(v: &Value) -> Option<(i64, String)> {
    let e = v.get("error")?;
    Some((
        e.get("err_code").and_then(Value::as_i64).unwrap_or(0),
        e.get("description")
            .and_then(Value::as_str)
            .unwrap_or("error")
            .to_string(),
    ))
}

fn parse(m: &Msg) -> Result<Value, NatsError> {
    serde_json::from_slice(&m.payload)
        .map_err(|e| NatsError::Protocol(format!("unreadable JetStream answer: {e}")))
}

impl JetStream {
    async fn api(&self, path: &str, body: Value) -> Result<Value, NatsError> {
        let m = self
            .nats
            .request(
                &format!("$JS.API.{path}"),
                Vec::new(),
                body.to_string().into_bytes(),
                API_TIMEOUT,
            )
            .await?;
        parse(&m)
    }

    /// Makes the stream `config.name` (or brings an existing one to `config`).
    pub async fn ensure_stream(&self, config: Value) -> Result<(), NatsError> {
        let name = config["name"].as_str().unwrap_or_default().to_string();
        let v = self
            .api(&format!("STREAM.CREATE.{name}"), config.clone())
            .await?;
        match api_error(&v) {
            None => Ok(()),
            Some((STREAM_EXISTS, _)) => {
                let v = self.api(&format!("STREAM.UPDATE.{name}"), config).await?;
                match api_error(&v) {
                    None => Ok(()),
                    Some((c, d)) => Err(NatsError::Protocol(format!(
                        "updating stream {name}: {d} ({c})"
                    ))),
                }
            }
            Some((c, d)) => Err(NatsError::Protocol(format!(
                "making stream {name}: {d} ({c})"
            ))),
        }
    }

    /// Deletes a stream and what it holds (tests clean up with it).
    pub async fn delete_stream(&self, name: &str) -> Result<(), NatsError> {
        self.api(&format!("STREAM.DELETE.{name}"), json!({}))
            .await?;
        Ok(())
    }

    /// Publishes to a stream's subject and waits for the stream's acknowledgement.
    pub async fn publish(
        &self,
        subject: &str,
        headers: Vec<(String, String)>,
        payload: Vec<u8>,
    ) -> Result<Result<PubAck, (i64, String)>, NatsError> {
        let m = self
            .nats
            .request(subject, headers, payload, API_TIMEOUT)
            .await?;
        let v = parse(&m)?;
        if let Some(e) = api_error(&v) {
            return Ok(Err(e));
        }
        Ok(Ok(PubAck {
            seq: v["seq"].as_u64().unwrap_or(0),
            duplicate: v["duplicate"].as_bool().unwrap_or(false),
        }))
    }

    /// The last message on `subject` in `stream`, if any.
    pub async fn last_msg(&self, stream: &str, subject: &str) -> Result<Option<Stored>, NatsError> {
        let v = self
            .api(
                &format!("STREAM.MSG.GET.{stream}"),
                json!({ "last_by_subj": subject }),
            )
            .await?;
        match api_error(&v) {
            Some((NO_MESSAGE, _)) => return Ok(None),
            Some((c, d)) => {
                return Err(NatsError::Protocol(format!("reading {stream}: {d} ({c})")));
            }
            None => {}
        }
        let m = &v["message"];
        let b64 = |k: &str| {
            m.get(k)
                .and_then(Value::as_str)
                .map(|s| {
                    base64::engine::general_purpose::STANDARD
                        .decode(s)
                        .unwrap_or_default()
                })
                .unwrap_or_default()
        };
        let hdrs = b64("hdrs");
        let headers = String::from_utf8_lossy(&hdrs)
            .split("\r\n")
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        Ok(Some(Stored {
            seq: m["seq"].as_u64().unwrap_or(0),
            headers,
            data: b64("data"),
        }))
    }

    /// The sequence of the stream's last message (0 when empty).
    pub async fn last_seq(&self, stream: &str) -> Result<u64, NatsError> {
        let v = self
            .api(&format!("STREAM.INFO.{stream}"), json!({}))
            .await?;
        if let Some((c, d)) = api_error(&v) {
            return Err(NatsError::Protocol(format!("reading {stream}: {d} ({c})")));
        }
        Ok(v["state"]["last_seq"].as_u64().unwrap_or(0))
    }

    /// An ephemeral push consumer delivering `stream` to `deliver_subject` from stream sequence
    /// `start`, unacknowledged (a gap is noticed by the receiver, which reads the outbox), removed
    /// by the server a while after nobody listens.
    pub async fn push_consumer(
        &self,
        stream: &str,
        deliver_subject: &str,
        start: u64,
    ) -> Result<(), NatsError> {
        let v = self
            .api(
                &format!("CONSUMER.CREATE.{stream}"),
                json!({
                    "stream_name": stream,
                    "config": {
                        "deliver_subject": deliver_subject,
                        "deliver_policy": "by_start_sequence",
                        "opt_start_seq": start.max(1),
                        "ack_policy": "none",
                        "replay_policy": "instant",
                        "inactive_threshold": 30_000_000_000u64,
                        "mem_storage": true,
                        "num_replicas": 1,
                    }
                }),
            )
            .await?;
        match api_error(&v) {
            None => Ok(()),
            Some((c, d)) => Err(NatsError::Protocol(format!(
                "making a consumer of {stream}: {d} ({c})"
            ))),
        }
    }

    /// Makes the key–value bucket `bucket` whose entries expire `ttl` after their last write.
    pub async fn ensure_bucket(&self, bucket: &str, ttl: Duration) -> Result<(), NatsError> {
        self.ensure_stream(json!({
            "name": format!("KV_{bucket}"),
            "subjects": [format!("$KV.{bucket}.>")],
            "retention": "limits",
            "max_msgs_per_subject": 1,
            "max_age": ttl.as_nanos() as u64,
            "storage": "file",
            "num_replicas": 1,
            "discard": "new",
            "allow_rollup_hdrs": true,
            "deny_delete": true,
            "deny_purge": false,
            "duplicate_window": ttl.as_nanos().min(120_000_000_000) as u64,
        }))
        .await
    }

    /// A key's entry: its revision and value; `Ok(Some((rev, None)))` for a deleted key (its
    /// marker's revision, which a write must name).
    pub async fn kv_get(
        &self,
        bucket: &str,
        key: &str,
    ) -> Result<Option<(u64, Option<Vec<u8>>)>, NatsError> {
        let Some(m) = self
            .last_msg(&format!("KV_{bucket}"), &format!("$KV.{bucket}.{key}"))
            .await?
        else {
            return Ok(None);
        };
        let deleted = matches!(m.header("KV-Operation"), Some("DEL") | Some("PURGE"));
        Ok(Some((m.seq, (!deleted).then_some(m.data))))
    }

    /// Writes `value` if the key's revision is still `expected` (0: no entry): the new revision,
    /// or None when someone else wrote first.
    pub async fn kv_put_if(
        &self,
        bucket: &str,
        key: &str,
        value: Vec<u8>,
        expected: u64,
    ) -> Result<Option<u64>, NatsError> {
        let headers = vec![(
            "Nats-Expected-Last-Subject-Sequence".to_string(),
            expected.to_string(),
        )];
        match self
            .publish(&format!("$KV.{bucket}.{key}"), headers, value)
            .await?
        {
            Ok(ack) => Ok(Some(ack.seq)),
            Err((WRONG_LAST_SEQUENCE, _)) => Ok(None),
            Err((c, d)) => Err(NatsError::Protocol(format!("writing {bucket}: {d} ({c})"))),
        }
    }

    /// Writes `value` whatever the key holds: the new revision.
    pub async fn kv_put(&self, bucket: &str, key: &str, value: Vec<u8>) -> Result<u64, NatsError> {
        match self
            .publish(&format!("$KV.{bucket}.{key}"), Vec::new(), value)
            .await?
        {
            Ok(ack) => Ok(ack.seq),
            Err((c, d)) => Err(NatsError::Protocol(format!("writing {bucket}: {d} ({c})"))),
        }
    }

    /// Deletes the key if its revision is still `expected`.
    pub async fn kv_delete_if(
        &self,
        bucket: &str,
        key: &str,
        expected: u64,
    ) -> Result<bool, NatsError> {
        let headers = vec![
            (
                "Nats-Expected-Last-Subject-Sequence".to_string(),
                expected.to_string(),
            ),
            ("KV-Operation".to_string(), "DEL".to_string()),
        ];
        match self
            .publish(&format!("$KV.{bucket}.{key}"), headers, Vec::new())
            .await?
        {
            Ok(_) => Ok(true),
            Err((WRONG_LAST_SEQUENCE, _)) => Ok(false),
            Err((c, d)) => Err(NatsError::Protocol(format!(
                "deleting in {bucket}: {d} ({c})"
            ))),
        }
    }
}

/// The stream sequence of a message a push consumer delivered, from its reply subject
/// (`$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>`, or the longer form
/// with domain and account hash).
pub fn delivered_stream_seq(reply: &str) -> Option<u64> {
    let t: Vec<&str> = reply.split('.').collect();
    if t.len() < 9 || t[0] != "$JS" || t[1] != "ACK" {
        return None;
    }
    let i = if t.len() == 9 { 5 } else { 7 };
    t.get(i)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_sequence_of_a_delivery() {
        assert_eq!(
            delivered_stream_seq("$JS.ACK.og_events.X1.1.42.7.1700000000.0"),
            Some(42)
        );
        assert_eq!(
            delivered_stream_seq("$JS.ACK.dom.hash.og_events.X1.1.43.7.1700000000.0.r"),
            Some(43)
        );
        assert_eq!(delivered_stream_seq("_INBOX.x"), None);
    }
}
