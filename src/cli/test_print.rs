//! How `certconnect test` shows a run: a live step list, or one JSON object at the end.

use std::io::Write as _;

use serde_json::{Map, Value, json};

use crate::core::event::{Detail, Failure, TestEvent};
use crate::probe::{ProbeError, ProbeSummary};

/// Prints events as they come (text) or collects them (JSON).
pub(crate) struct Printer {
    json: bool,
    profile: String,
    steps: Vec<Value>,
    retries: Vec<Value>,
    warnings: Vec<Value>,
}

fn details_object(details: &[Detail]) -> Value {
    Value::Object(
        details
            .iter()
            .map(|d| (d.label.clone(), Value::String(d.value.clone())))
            .collect::<Map<_, _>>(),
    )
}

fn out(text: &str) {
    // A closed pipe is not worth a panic.
    write!(std::io::stdout(), "{text}").ok();
}

impl Printer {
    pub fn new(json: bool, profile: &str) -> Self {
        if !json {
            out(&format!("Testing connection '{profile}'\n"));
        }
        Self {
            json,
            profile: profile.to_owned(),
            steps: Vec::new(),
            retries: Vec::new(),
            warnings: Vec::new(),
        }
    }

    pub fn event(&mut self, event: TestEvent) {
        match event {
            TestEvent::Started { .. } => {}
            TestEvent::Done {
                step,
                duration_ms,
                details,
            } => {
                if !self.json {
                    let mut text = format!("[ ok ] {} ({duration_ms} ms)\n", step.label());
                    for detail in &details {
                        text.push_str(&format!("         {}: {}\n", detail.label, detail.value));
                    }
                    out(&text);
                }
                self.steps.push(json!({ "name": step.name(), "label": step.label(), "ok": true, "duration_ms": duration_ms, "details": details_object(&details) }));
            }
            TestEvent::Failed {
                step,
                duration_ms,
                failure,
            } => {
                if !self.json {
                    out(&format!(
                        "[FAIL] {} ({duration_ms} ms)\n{}",
                        step.label(),
                        failure_text(&failure)
                    ));
                }
                self.steps.push(json!({ "name": step.name(), "label": step.label(), "ok": false, "duration_ms": duration_ms, "details": details_object(&failure.details) }));
            }
            TestEvent::Retrying {
                step,
                retry,
                ref reason,
                wait_ms,
            } => {
                if let (false, Some(note)) = (self.json, event.note()) {
                    out(&format!("[wait] {note}\n"));
                }
                self.retries.push(json!({ "step": step.name(), "retry": retry, "reason": reason, "wait_ms": wait_ms }));
            }
            TestEvent::Warning { step, ref message } => {
                if let (false, Some(note)) = (self.json, event.note()) {
                    out(&format!("[warn] {note}\n"));
                }
                self.warnings
                    .push(json!({ "step": step.name(), "message": message }));
            }
        }
    }

    pub fn finish(self, result: &Result<ProbeSummary, ProbeError>) {
        if self.json {
            let mut object = json!({
                "ok": result.is_ok(),
                "profile": self.profile,
                "steps": self.steps,
                "retries": self.retries,
                "warnings": self.warnings,
            });
            match result {
                Ok(summary) => object["summary"] = json!(summary),
                Err(error) => {
                    object["error"] = json!({
                        "step": error.step.name(),
                        "code": error.failure.code,
                        "message": error.failure.message,
                        "hint": error.failure.hint,
                        "status": error.failure.status,
                        "details": details_object(&error.failure.details),
                    });
                }
            }
            super::print::json(&object);
            return;
        }
        match result {
            Ok(summary) => {
                let mut text = String::from("Connected: the certificate, the token");
                if let (Some(site), Some(drive)) = (&summary.site, &summary.drive) {
                    text.push_str(&format!(", site '{site}' and drive '{drive}'"));
                }
                text.push_str(" all work.\n");
                out(&text);
            }
            Err(error) => out(&format!(
                "Connection FAILED at '{}' ({})\n",
                error.step.label(),
                error.failure.code
            )),
        }
    }
}

fn failure_text(failure: &Failure) -> String {
    let mut text = format!("         {}\n", failure.message);
    if let Some(status) = failure.status {
        text.push_str(&format!("         HTTP status: {status}\n"));
    }
    for detail in &failure.details {
        text.push_str(&format!("         {}: {}\n", detail.label, detail.value));
    }
    text.push_str(&format!("         Fix: {}\n", failure.hint));
    text
}
