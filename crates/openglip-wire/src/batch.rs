//! RingCentral's batch answer, for reads of several comma-separated ids
//! (`GET /restapi/v1.0/glip/persons/1,2`): `207 Multi-Status` with a `multipart/mixed` body whose
//! first part lists each item's status (`{"response":[{"status":200},{"status":404}]}`), then one
//! JSON part per item, the record or its error body.
//!
//! ```
//! use openglip_wire::batch::{Part, multipart};
//!
//! let body = multipart("B", &[Part { status: 200, json: "{\"id\":\"1\"}".into() }]);
//! assert!(body.starts_with("--B\r\nContent-Type: application/json\r\n\r\n{\"response\":[{\"status\":200}]}\r\n"));
//! assert!(body.ends_with("{\"id\":\"1\"}\r\n--B--\r\n"));
//! ```

use serde::{Deserialize, Serialize};

/// The first part of a batch answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResponse {
    pub response: Vec<BatchStatus>,
}

/// One item's status in [`BatchResponse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchStatus {
    pub status: u16,
}

/// One item of a batch answer: its HTTP status and its serialised JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub status: u16,
    pub json: String,
}

/// The `multipart/mixed` body of a batch answer, parts separated by `boundary` (the
/// `Content-Type` is `multipart/mixed; boundary={boundary}`).
pub fn multipart(boundary: &str, parts: &[Part]) -> String {
    let head = BatchResponse {
        response: parts
            .iter()
            .map(|p| BatchStatus { status: p.status })
            .collect(),
    };
    let head = serde_json::to_string(&head).unwrap_or_default();
    let mut body = String::new();
    for json in std::iter::once(head.as_str()).chain(parts.iter().map(|p| p.json.as_str())) {
        body.push_str("--");
        body.push_str(boundary);
        body.push_str("\r\nContent-Type: application/json\r\n\r\n");
        body.push_str(json);
        body.push_str("\r\n");
    }
    body.push_str("--");
    body.push_str(boundary);
    body.push_str("--\r\n");
    body
}
