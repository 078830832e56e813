//! Graph's app management calls made with an administrator's delegated token: create and read
//! applications, their service principals, Graph's application roles and their grants, site grants.
//!
//! Retries follow the rule of every Graph write here: only an answer that says the call was not
//! carried out (429, 503, after its `Retry-After`) is sent again, and `POST /applications` not even
//! then, since a second app with the same name is worse than a clear error. A dropped connection or
//! a timeout is never retried: the write may have happened.

use serde_json::Value;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::send::{Answer, RetryContext, send};
use crate::core::event::{Detail, Failure, Step, TestEvent};
use crate::core::retry::{RetrySettings, RetryTiming};
use crate::core::token_response::snippet;
use crate::secret::Secret;

/// Graph refused a call: its status and error envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphError {
    /// HTTP status.
    pub status: u16,
    /// Graph's code (`Authorization_RequestDenied`, `Request_BadRequest`, …).
    pub code: String,
    /// Graph's message.
    pub message: String,
    /// The `request-id` support asks for (from the envelope, else the header).
    pub request_id: Option<String>,
}

impl GraphError {
    /// The error envelope again, for rules that read Graph's answer (`admin_role_hint`).
    pub fn envelope(&self) -> Vec<u8> {
        serde_json::json!({ "error": { "code": self.code, "message": self.message } })
            .to_string()
            .into_bytes()
    }

    /// The request-id as a detail to show.
    pub fn details(&self) -> Vec<Detail> {
        self.request_id
            .iter()
            .map(|id| Detail::new("request-id", id))
            .collect()
    }
}

/// Why an app management call did not give what was asked.
#[derive(Clone, Debug, thiserror::Error)]
pub enum GraphAdminError {
    /// Graph answered with an error.
    #[error("Graph answered HTTP {} ({}): {}", .0.status, .0.code, .0.message)]
    Refused(GraphError),
    /// No answer came (network, timeout, an answer too large) or the run was cancelled: for a
    /// write, whether it happened is unknown.
    #[error("{}", .0.message)]
    NoAnswer(Failure),
    /// A success whose body is not the JSON expected.
    #[error("Graph answered HTTP {status} with an unexpected body: \"{snippet}\"")]
    Unexpected {
        /// HTTP status.
        status: u16,
        /// The start of the body.
        snippet: String,
    },
}

impl GraphAdminError {
    /// Whether the run was cancelled before an answer came.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, Self::NoAnswer(f) if f.is_cancelled())
    }

    /// The failure to show (the caller adds the fix it knows).
    pub fn to_failure(&self) -> Failure {
        match self {
            Self::Refused(error) => Failure {
                code: error.code.clone(),
                message: error.message.clone(),
                hint: "See Graph's message; quote the request-id when you contact support.".into(),
                status: Some(error.status),
                details: error.details(),
                raw: None,
            },
            Self::NoAnswer(failure) => failure.clone(),
            Self::Unexpected { status, .. } => Failure {
                code: "unexpected_answer".into(),
                message: self.to_string(),
                hint:
                    "Check the Graph URL (with its version, e.g. https://graph.microsoft.com/v1.0)."
                        .into(),
                status: Some(*status),
                ..Failure::default()
            },
        }
    }
}

/// Whether a call may be sent again after a throttling answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resend {
    /// Sent again after 429 or 503 (the call was not carried out).
    OnThrottling,
    /// Sent once: a repeat could create a second object.
    Never,
}

/// The administrator's connection to Graph for one run.
#[derive(Clone)]
pub struct GraphAdmin<'a> {
    /// The HTTPS client.
    pub client: &'a reqwest::Client,
    /// Graph's base URL with its version (`https://graph.microsoft.com/v1.0`).
    pub graph_url: &'a str,
    /// The delegated token.
    pub token: &'a Secret,
    /// Waits between retries.
    pub timing: RetryTiming,
    /// Every call ends by then.
    pub deadline: Instant,
    /// Stops a call that has not been answered.
    pub cancel: &'a CancellationToken,
}

/// How a call is sent.
#[derive(Clone, Copy)]
struct How {
    /// Whether it may be sent again.
    resend: Resend,
    /// With `ConsistencyLevel: eventual` (an advanced query).
    eventual: bool,
}

impl How {
    fn resend(resend: Resend) -> Self {
        Self {
            resend,
            eventual: false,
        }
    }
}

fn settings(resend: Resend) -> RetrySettings {
    let mut settings = RetrySettings::throttling_only();
    if resend == Resend::Never {
        settings.max_count = 0;
    }
    settings
}

impl GraphAdmin<'_> {
    fn url(&self, path: &str) -> String {
        format!("{}/{}", self.graph_url.trim_end_matches('/'), path)
    }

    async fn call(
        &self,
        step: Step,
        report: &mut (dyn FnMut(TestEvent) + Send),
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        how: How,
    ) -> Result<Value, GraphAdminError> {
        let settings = settings(how.resend);
        let ctx = RetryContext {
            settings: &settings,
            timing: self.timing,
            deadline: self.deadline,
            cancel: self.cancel,
            step,
            now: &crate::probe::system_now,
        };
        let url = self.url(path);
        let answer = send(&ctx, report, || {
            let mut builder = self
                .client
                .request(method.clone(), &url)
                .bearer_auth(self.token.expose())
                .header("Accept", "application/json");
            if how.eventual {
                builder = builder.header("ConsistencyLevel", "eventual");
            }
            if let Some(body) = body {
                builder = builder
                    .header("Content-Type", "application/json")
                    .body(body.to_string());
            }
            Ok(builder)
        })
        .await
        .map_err(GraphAdminError::NoAnswer)?;
        interpret(&answer)
    }

    /// `GET {path}` (retried on throttling).
    pub async fn get(
        &self,
        step: Step,
        report: &mut (dyn FnMut(TestEvent) + Send),
        path: &str,
    ) -> Result<Value, GraphAdminError> {
        self.read(step, report, path, false).await
    }

    /// `GET {path}` as an advanced query (`$search`, `$count`): with `ConsistencyLevel: eventual`,
    /// which Graph requires for them and which lets the answer lag recent writes.
    pub async fn get_eventual(
        &self,
        step: Step,
        report: &mut (dyn FnMut(TestEvent) + Send),
        path: &str,
    ) -> Result<Value, GraphAdminError> {
        self.read(step, report, path, true).await
    }

    /// `GET {path}`, retried on throttling (a read changes nothing), `eventual` as `How` says.
    async fn read(
        &self,
        step: Step,
        report: &mut (dyn FnMut(TestEvent) + Send),
        path: &str,
        eventual: bool,
    ) -> Result<Value, GraphAdminError> {
        let how = How {
            resend: Resend::OnThrottling,
            eventual,
        };
        self.call(step, report, reqwest::Method::GET, path, None, how)
            .await
    }

    /// `POST {path}` with a JSON body.
    pub async fn post(
        &self,
        step: Step,
        report: &mut (dyn FnMut(TestEvent) + Send),
        path: &str,
        body: &Value,
        resend: Resend,
    ) -> Result<Value, GraphAdminError> {
        self.call(
            step,
            report,
            reqwest::Method::POST,
            path,
            Some(body),
            How::resend(resend),
        )
        .await
    }

    /// `PATCH {path}` with a JSON body (the same body again changes nothing more, so a throttled
    /// one is sent again).
    pub async fn patch(
        &self,
        step: Step,
        report: &mut (dyn FnMut(TestEvent) + Send),
        path: &str,
        body: &Value,
    ) -> Result<Value, GraphAdminError> {
        self.call(
            step,
            report,
            reqwest::Method::PATCH,
            path,
            Some(body),
            How::resend(Resend::OnThrottling),
        )
        .await
    }
}

/// A success's JSON (`Null` for an empty one, 204), or Graph's error.
fn interpret(answer: &Answer) -> Result<Value, GraphAdminError> {
    if answer.is_success() {
        if answer.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        return serde_json::from_slice(&answer.body).map_err(|_| GraphAdminError::Unexpected {
            status: answer.status,
            snippet: snippet(&answer.body),
        });
    }
    let envelope: Option<Value> = serde_json::from_slice(&answer.body).ok();
    let error = envelope.as_ref().and_then(|e| e.get("error"));
    let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_owned);
    let Some(error) = error else {
        return Err(GraphAdminError::Refused(GraphError {
            status: answer.status,
            code: format!("http_{}", answer.status),
            message: format!(
                "Graph answered HTTP {} without its error JSON: \"{}\"",
                answer.status,
                snippet(&answer.body)
            ),
            request_id: answer.header("request-id").map(str::to_owned),
        }));
    };
    let inner = error.get("innerError").or_else(|| error.get("innererror"));
    Err(GraphAdminError::Refused(GraphError {
        status: answer.status,
        code: text(error.get("code")).unwrap_or_default(),
        message: text(error.get("message")).unwrap_or_default(),
        request_id: text(inner.and_then(|i| i.get("request-id")))
            .or_else(|| answer.header("request-id").map(str::to_owned)),
    }))
}
