//! The plain-text report of a run: what *Copy report* puts on the clipboard and what
//! `certconnect test --report` prints, so a ticket gets the same text from either.

use super::run::{RunView, StepState, Verdict};
use super::settings::settings_lines;
use super::title::failure_title;
use crate::core::event::Failure;
use crate::core::time_fmt::rfc3339;
use crate::probe::ProbeSummary;

/// What a report says besides the run: the program that made it and where it ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportContext {
    /// Program and version, e.g. `certconnect 0.1.0`.
    pub app: String,
    /// Operating system and architecture, e.g. `linux x86_64`.
    pub platform: String,
}

impl Default for ReportContext {
    /// This build on this machine.
    fn default() -> Self {
        Self {
            app: concat!("certconnect ", env!("CARGO_PKG_VERSION")).to_owned(),
            platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        }
    }
}

/// The whole run as plain text: header, settings (without secrets), each step with its duration,
/// details, retries and warnings, then the verdict with code, fix, support ids and raw error.
pub fn render_text(run: &RunView, context: &ReportContext) -> String {
    let mut out = String::from(match run.kind {
        super::RunKind::Test => "certconnect connection test report\n",
        super::RunKind::Rotation => "certconnect certificate rotation report\n",
        super::RunKind::Registration => "certconnect app registration report\n",
    });
    let profile = run.profile();
    let header = [
        ("App", format!("{} ({})", context.app, context.platform)),
        ("Tested at", rfc3339(run.started_at())),
        ("Profile", profile.name().to_owned()),
        ("Result", result_line(run)),
    ];
    grid(&mut out, "", &header.map(|(k, v)| (k.to_owned(), v)));

    out.push_str("\nSettings\n");
    grid(&mut out, "  ", &settings_lines(profile));

    out.push_str("\nSteps\n");
    for view in &run.steps {
        let label = run.label(view.step);
        let line = match &view.state {
            StepState::Pending => format!("  [    ] {label} (not run)\n"),
            StepState::Running => format!("  [ .. ] {label} (running)\n"),
            StepState::Done { duration_ms, .. } => format!("  [ ok ] {label} ({duration_ms} ms)\n"),
            StepState::Failed { duration_ms } => format!("  [FAIL] {label} ({duration_ms} ms)\n"),
        };
        out.push_str(&line);
        if let StepState::Done { details, .. } = &view.state {
            let rows: Vec<(String, String)> = details
                .iter()
                .map(|d| (d.label.clone(), d.value.clone()))
                .collect();
            grid(&mut out, "         ", &rows);
        }
        for note in &view.notes {
            let mark = match note.kind {
                super::NoteKind::Retry => "[wait]",
                super::NoteKind::Warning => "[warn]",
            };
            out.push_str(&format!("         {mark} {}\n", note.text));
        }
    }

    match &run.verdict {
        None => out.push_str("\nVerdict\n  The run has not finished.\n"),
        Some(Verdict::Connected(summary)) => connected(&mut out, summary),
        Some(Verdict::Rotated(rotation)) => {
            out.push_str("\nVerdict\n");
            out.push_str(&format!("  {}\n", rotated_sentence(rotation)));
        }
        Some(Verdict::Failed { step, failure }) => failed(&mut out, run.label(*step), failure),
    }
    out
}

/// The one-line result in the header.
fn result_line(run: &RunView) -> String {
    match &run.verdict {
        None => "not finished".into(),
        Some(Verdict::Connected(_)) => "Connected".into(),
        Some(Verdict::Rotated(rotation)) => rotated_title(rotation).into(),
        Some(Verdict::Failed { step, failure }) => format!(
            "Failed at '{}': {}",
            run.label(*step),
            failure_title(&failure.code)
        ),
    }
}

/// A finished rotation's headline: whether it left a loose end.
pub fn rotated_title(rotation: &crate::ops::Rotation) -> &'static str {
    if rotation.removal_failed.is_some() {
        "Rotated; the old key was not removed"
    } else {
        "Rotated"
    }
}

/// What a finished rotation did, in one sentence.
pub fn rotated_sentence(rotation: &crate::ops::Rotation) -> String {
    // A new PFX, or a new key on the hardware token (named by its URI).
    let pfx = rotation
        .new_pfx
        .as_ref()
        .map(|p| p.display().to_string())
        .or_else(|| rotation.new_vault_certificate.clone())
        .or_else(|| {
            rotation
                .new_token_key
                .as_ref()
                .map(|uri| format!("the new key on the token {uri}"))
        })
        .unwrap_or_default();
    let key = rotation
        .added
        .as_ref()
        .map(|k| k.key_id.as_str())
        .unwrap_or_default();
    if let Some(removal) = &rotation.removal_failed {
        let name = rotation.profile.as_ref().map_or("PROFILE", |p| p.name());
        return format!(
            "Rotated: the profile uses {pfx} (key ID {key}), but the old key {} was not removed: {}. {}",
            removal.key_id,
            removal.failure.message,
            removal.advice(name)
        );
    }
    match &rotation.removed_key_id {
        Some(old) => {
            format!("Rotated: the profile uses {pfx} (key ID {key}); the old key {old} is removed.")
        }
        None => format!(
            "Rotated: the profile uses {pfx} (key ID {key}). The old certificate stays registered on the app until you remove it."
        ),
    }
}

fn connected(out: &mut String, summary: &ProbeSummary) {
    out.push_str("\nVerdict\n  Connected: the certificate and the token work");
    if let (Some(site), Some(drive)) = (&summary.site, &summary.drive) {
        out.push_str(&format!(", and so do site '{site}' and drive '{drive}'"));
    }
    out.push_str(".\n");
    let mut rows = vec![(
        "Token lifetime".to_owned(),
        format!("{} s", summary.token_expires_in),
    )];
    let optional = [
        ("Site", &summary.site),
        ("Drive", &summary.drive),
        ("First item", &summary.first_item),
    ];
    rows.extend(
        optional
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k.to_owned(), v.clone()))),
    );
    let roles = if summary.roles.is_empty() {
        "(none)".to_owned()
    } else {
        summary.roles.join(", ")
    };
    rows.push(("Roles".to_owned(), roles));
    grid(out, "  ", &rows);
}

fn failed(out: &mut String, step: &str, failure: &Failure) {
    out.push_str("\nVerdict\n");
    let mut rows = vec![
        ("Failed at".to_owned(), step.to_owned()),
        ("Code".to_owned(), failure.code.clone()),
        ("What happened".to_owned(), failure.message.clone()),
        ("Fix".to_owned(), failure.hint.clone()),
    ];
    if let Some(status) = failure.status {
        rows.push(("HTTP status".to_owned(), status.to_string()));
    }
    rows.extend(
        failure
            .details
            .iter()
            .map(|d| (d.label.clone(), d.value.clone())),
    );
    if let Some(raw) = &failure.raw {
        rows.push(("Raw error".to_owned(), raw.to_string()));
    }
    grid(out, "  ", &rows);
}

/// Writes `key: value` lines with the values in one column; a value's further lines start in
/// that column too.
fn grid(out: &mut String, indent: &str, rows: &[(String, String)]) {
    let width = rows
        .iter()
        .map(|(key, _)| key.chars().count() + 1)
        .max()
        .unwrap_or(0);
    for (key, value) in rows {
        let key = format!("{key}:");
        let mut lines = value.lines();
        let first = lines.next().unwrap_or_default();
        out.push_str(format!("{indent}{key:<width$}  {first}").trim_end());
        out.push('\n');
        for line in lines {
            out.push_str(format!("{indent}{:width$}  {line}", "").trim_end());
            out.push('\n');
        }
    }
}
