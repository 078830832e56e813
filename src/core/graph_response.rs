//! Graph's error envelope: `{"error":{"code","message","innerError":{"request-id","date"}}}`.

use serde::Deserialize;

use super::event::{Detail, Failure};
use super::token_response::snippet;

#[derive(Deserialize)]
struct Envelope {
    error: GraphError,
}

#[derive(Deserialize)]
struct GraphError {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default, rename = "innerError", alias = "innererror")]
    inner: Option<Inner>,
}

#[derive(Deserialize)]
struct Inner {
    #[serde(default, rename = "request-id")]
    request_id: Option<String>,
    #[serde(default)]
    date: Option<String>,
}

/// Turns a failed Graph answer into a failure to show, with Graph's code, message and request-id.
pub fn failure(status: u16, body: &[u8]) -> Failure {
    let Ok(Envelope { error }) = serde_json::from_slice::<Envelope>(body) else {
        return Failure {
            code: format!("http_{status}"),
            message: format!("Graph answered HTTP {status} with a body that is not Graph's error JSON: \"{}\"", snippet(body)),
            hint: "Check the Graph URL (it includes the API version, e.g. https://graph.microsoft.com/v1.0) and the proxy settings.".into(),
            status: Some(status),
            details: Vec::new(),
            raw: None,
        };
    };
    let mut details = Vec::new();
    if let Some(inner) = error.inner {
        details.extend(inner.request_id.map(|v| Detail::new("request-id", v)));
        details.extend(inner.date.map(|v| Detail::new("date", v)));
    }
    Failure {
        hint: hint(status, &error.code, &error.message),
        code: error.code,
        message: error.message,
        status: Some(status),
        details,
        raw: None,
    }
}

/// The fix for a Graph error. Graph's own message text is read here, where its answer is parsed,
/// and only to choose the hint: Graph gives no finer code for a wrong audience or missing roles.
fn hint(status: u16, code: &str, message: &str) -> String {
    let text = match (status, code) {
        (401, _) if message.contains("audience") => {
            "The token is for another resource or cloud: the scope's host must match the Graph URL's host (e.g. graph.microsoft.us for US Government)."
        }
        (401, _) => {
            "Graph refused the token; check that the scope and the Graph URL belong to the same cloud."
        }
        (403, _) if message.contains("roles") => {
            "The app has no application permissions: add Sites.Read.All / Files.Read.All as application permissions and grant admin consent."
        }
        (403, _) => {
            "Access denied: grant the app the permission for this site (Sites.Read.All, or a Sites.Selected grant for this site)."
        }
        (404, _) | (_, "itemNotFound") => {
            "Not found: check the site id (root, host:/sites/path or a full id) and the drive id."
        }
        (429, _) | (503, _) => {
            "Graph is throttling or busy; the retry settings decide how long certconnect waits."
        }
        (423, _) => "The resource is locked (a file open or checked out); try again later.",
        _ => "See Graph's message; quote the request-id when you contact support.",
    };
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_errors_keep_code_message_and_request_id() {
        let body = br#"{"error":{"code":"accessDenied","message":"Either scp or roles claim need to be present in the token.","innerError":{"request-id":"r-1","date":"2026-11-22T10:00:00"}}}"#;
        let failure = failure(403, body);
        assert_eq!(failure.code, "accessDenied");
        assert!(failure.hint.contains("application permissions"));
        assert_eq!(failure.details[0].value, "r-1");
    }

    #[test]
    fn html_is_reported_with_its_status() {
        let failure = failure(502, b"<html>gateway</html>");
        assert_eq!(failure.code, "http_502");
        assert!(failure.message.contains("<html>gateway</html>"));
    }
}
