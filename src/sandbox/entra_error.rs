//! Entra's error JSON, as the real token endpoint sends it.

use serde_json::{Value, json};

use crate::core::time_fmt::rfc3339;

/// A token endpoint refusal: HTTP status and body.
pub(super) struct EntraRefusal {
    pub status: u16,
    pub body: Value,
}

/// Builds `{"error","error_description":"AADSTSnnn: … Trace ID … Correlation ID … Timestamp …",
/// "error_codes":[n],"timestamp","trace_id","correlation_id","error_uri"}`.
pub(super) fn refuse(code: u32, message: &str, now: i64) -> EntraRefusal {
    let (status, error) = match code {
        700016 => (400, "unauthorized_client"),
        90002 | 900023 | 9001023 | 7000218 => (400, "invalid_request"),
        1002012 | 70011 => (400, "invalid_scope"),
        500011 => (400, "invalid_resource"),
        70003 => (400, "unsupported_grant_type"),
        _ => (401, "invalid_client"),
    };
    let trace_id = uuid::Uuid::new_v4().to_string();
    let correlation_id = uuid::Uuid::new_v4().to_string();
    let timestamp = rfc3339(now).replace('T', " ");
    EntraRefusal {
        status,
        body: json!({
            "error": error,
            "error_description": format!("AADSTS{code}: {message}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {timestamp}"),
            "error_codes": [code],
            "timestamp": timestamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": format!("https://login.microsoftonline.com/error?code={code}"),
        }),
    }
}
