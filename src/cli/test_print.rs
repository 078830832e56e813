//! How `certconnect test` shows a run: a live step list, one JSON object at the end, or the
//! plain-text report at the end (the same text as the app's Copy report).

use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use crate::core::event::{Detail, Failure, Step, TestEvent};
use crate::core::profile::Profile;
use crate::probe::{ProbeError, ProbeSummary};
use crate::report::{ReportContext, RunView, render_text};

use super::print::clean_lines;
use super::term::{clean, out};

/// What `certconnect test` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Output {
    /// Each step as it ends.
    Live,
    /// One JSON object at the end.
    Json,
    /// The text report at the end.
    Report,
}

/// Prints events as they come (live) or collects them (JSON, report).
pub(crate) struct Printer {
    json: bool,
    profile: String,
    steps: Vec<Value>,
    retries: Vec<Value>,
    warnings: Vec<Value>,
    /// The run as the report shows it, in report mode.
    report: Option<RunView>,
}

fn details_object(details: &[Detail]) -> Value {
    Value::Object(
        details
            .iter()
            .map(|d| (d.label.clone(), Value::String(d.value.clone())))
            .collect::<Map<_, _>>(),
    )
}

impl Printer {
    /// A printer for a run of `profile` that starts now (`started_at`, Unix seconds).
    pub fn new(output: Output, profile: &Profile, started_at: i64) -> Self {
        if output == Output::Live {
            out!("Testing connection '{}'\n", clean(profile.name()));
        }
        Self {
            json: output == Output::Json,
            profile: profile.name().to_owned(),
            steps: Vec::new(),
            retries: Vec::new(),
            warnings: Vec::new(),
            report: (output == Output::Report)
                .then(|| RunView::new(profile.clone(), None, started_at)),
        }
    }

    /// A printer for another run on the test pipeline (a key upload, a rotation): live output
    /// starts with `title`.
    pub fn titled(json: bool, title: &str, profile: &str) -> Self {
        if !json {
            out!("{}\n", clean(title));
        }
        Self {
            json,
            profile: profile.to_owned(),
            steps: Vec::new(),
            retries: Vec::new(),
            warnings: Vec::new(),
            report: None,
        }
    }

    /// Ends a run printed with [`Printer::titled`]: the JSON object with `fields` added (and the
    /// error, if any), or the closing line.
    pub fn finish_task(self, fields: Value, error: Option<&ProbeError>, closing: &str) {
        self.finish_with(
            fields,
            error.map(|error| (error.step, &error.failure)),
            closing,
        );
    }

    /// Like [`Printer::finish_task`], for a run that stopped at `error`'s step with its failure.
    pub fn finish_with(self, fields: Value, error: Option<(Step, &Failure)>, closing: &str) {
        if self.json {
            let mut object = self.json_object(error);
            if let (Value::Object(object), Value::Object(fields)) = (&mut object, fields) {
                object.extend(fields);
            }
            super::print::json(&object);
        } else {
            out!("{}\n", clean(closing));
        }
    }

    fn json_object(&self, error: Option<(Step, &Failure)>) -> Value {
        let mut object = json!({
            "ok": error.is_none(),
            "profile": self.profile,
            "steps": self.steps,
            "retries": self.retries,
            "warnings": self.warnings,
        });
        if let Some((step, failure)) = error {
            object["error"] = json!({
                "step": step.name(),
                "code": failure.code,
                "message": failure.message,
                "hint": failure.hint,
                "status": failure.status,
                "details": details_object(&failure.details),
            });
            if let Some(raw) = &failure.raw {
                object["error"]["raw"] = json!(raw);
            }
        }
        object
    }

    pub fn event(&mut self, event: TestEvent) {
        if let Some(run) = &mut self.report {
            run.apply(event);
            return;
        }
        match event {
            TestEvent::Started { .. } => {}
            TestEvent::Done {
                step,
                duration_ms,
                details,
            } => {
                if !self.json {
                    let mut text = format!("[ ok ] {} ({duration_ms} ms)\n", step.label());
                    push_details(&mut text, &details);
                    out!("{text}");
                }
                self.steps.push(json!({ "name": step.name(), "label": step.label(), "ok": true, "duration_ms": duration_ms, "details": details_object(&details) }));
            }
            TestEvent::Failed {
                step,
                duration_ms,
                failure,
            } => {
                if !self.json {
                    out!(
                        "[FAIL] {} ({duration_ms} ms)\n{}",
                        step.label(),
                        failure_text(&failure)
                    );
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
                    out!("[wait] {}\n", clean(&note));
                }
                self.retries.push(json!({ "step": step.name(), "retry": retry, "reason": reason, "wait_ms": wait_ms }));
            }
            TestEvent::Warning { step, ref message } => {
                if let (false, Some(note)) = (self.json, event.note()) {
                    out!("[warn] {}\n", clean(&note));
                }
                self.warnings
                    .push(json!({ "step": step.name(), "message": message }));
            }
        }
    }

    pub fn finish(self, result: &Result<ProbeSummary, ProbeError>) {
        if let Some(mut run) = self.report {
            run.finish(result.clone());
            out!(
                "{}",
                clean_lines(&render_text(&run, &ReportContext::default()))
            );
            return;
        }
        if self.json {
            let mut object = self.json_object(result.as_ref().err().map(|e| (e.step, &e.failure)));
            if let Ok(summary) = result {
                object["summary"] = json!(summary);
            }
            super::print::json(&object);
            return;
        }
        match result {
            Ok(summary) => {
                let mut text = String::from("Connected: the certificate, the token");
                if let (Some(site), Some(drive)) = (&summary.site, &summary.drive) {
                    write!(
                        text,
                        ", site '{}' and drive '{}'",
                        clean(site),
                        clean(drive)
                    )
                    .ok();
                }
                text.push_str(" all work.\n");
                out!("{text}");
            }
            Err(error) => out!(
                "Connection FAILED at '{}' ({})\n",
                error.step.label(),
                clean(&error.failure.code)
            ),
        }
    }
}

/// Appends one indented `label: value` line per detail, escaped.
fn push_details(text: &mut String, details: &[Detail]) {
    for detail in details {
        writeln!(
            text,
            "         {}: {}",
            clean(&detail.label),
            clean(&detail.value)
        )
        .ok();
    }
}

/// A failure as the live output shows it; every value from a server is escaped.
fn failure_text(failure: &Failure) -> String {
    let mut text = format!("         {}\n", clean(&failure.message));
    if let Some(status) = failure.status {
        writeln!(text, "         HTTP status: {status}").ok();
    }
    push_details(&mut text, &failure.details);
    writeln!(text, "         Fix: {}", clean(&failure.hint)).ok();
    if let Some(raw) = &failure.raw {
        writeln!(text, "         Raw error: {}", clean(raw)).ok();
    }
    text
}
