//! The Graph steps: site, drive, first item of the drive root.

use serde_json::Value;

use super::step_clock::StepClock;
use super::{ProbeError, ProbeSummary};
use crate::core::event::{Detail, Failure, Step, TestEvent};
use crate::core::profile::Profile;
use crate::core::token_response::AccessToken;
use crate::net::{GraphRequest, RetryContext, get_json};

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A field the step needs: a non-empty string, or a failure naming it. A 2xx answer without it
/// (`{"caught":true}` from a captive portal or a stub) is not the site or drive that was asked for.
fn required(value: &Value, key: &str, what: &str) -> Result<String, Failure> {
    match value.get(key).and_then(Value::as_str) {
        Some(text) if !text.trim().is_empty() => Ok(text.to_owned()),
        _ => Err(Failure {
            code: "graph_answer_incomplete".into(),
            message: format!(
                "Graph's answer for the {what} has no '{key}': it is not a {what} (something other than Graph may have answered)"
            ),
            hint: "Check the Graph URL (e.g. https://graph.microsoft.com/v1.0) and the proxy settings.".into(),
            ..Failure::default()
        }),
    }
}

/// Reads the site, the drive and the first item, reporting each as a step.
pub(super) async fn run<'a>(
    client: &reqwest::Client,
    profile: &Profile,
    token: &AccessToken,
    ctx: &(dyn Fn(Step) -> RetryContext<'a> + Sync),
    report: &mut (dyn FnMut(TestEvent) + Send),
    summary: &mut ProbeSummary,
) -> Result<(), ProbeError> {
    let graph = profile.graph_url().as_str().trim_end_matches('/');
    let request = GraphRequest {
        token,
        extra_headers: profile.extra_headers(),
        non_indexed_search: profile.non_indexed_search(),
    };

    let clock = StepClock::start(Step::GraphSite, report);
    let url = format!("{graph}/sites/{}", profile.site_id());
    let site = get_json(client, &ctx(Step::GraphSite), report, &request, &url)
        .await
        .map_err(|f| clock.fail(report, f, false))?;
    let site_id = required(&site, "id", "site").map_err(|f| clock.fail(report, f, false))?;
    // Sites carry both names; the display name is the one admins recognise.
    let site_name = required(&site, "displayName", "site")
        .or_else(|_| required(&site, "name", "site"))
        .map_err(|f| clock.fail(report, f, false))?;
    summary.site = Some(site_name.clone());
    clock.done(
        report,
        vec![
            Detail::new("Site", site_name),
            Detail::new("Site id", &site_id),
            Detail::new("URL", text(&site, "webUrl")),
        ],
    );

    let clock = StepClock::start(Step::Drive, report);
    let url = match profile.drive_id() {
        Some(drive_id) => format!("{graph}/drives/{drive_id}"),
        None => format!("{graph}/sites/{site_id}/drive"),
    };
    let drive = get_json(client, &ctx(Step::Drive), report, &request, &url)
        .await
        .map_err(|f| clock.fail(report, f, false))?;
    let drive_id = required(&drive, "id", "drive").map_err(|f| clock.fail(report, f, false))?;
    let drive_name = required(&drive, "name", "drive").map_err(|f| clock.fail(report, f, false))?;
    summary.drive = Some(drive_name.clone());
    clock.done(
        report,
        vec![
            Detail::new("Drive", drive_name),
            Detail::new("Drive id", &drive_id),
            Detail::new("Type", text(&drive, "driveType")),
        ],
    );

    let clock = StepClock::start(Step::Items, report);
    let url = format!("{graph}/drives/{drive_id}/root/children?$top=1");
    let items = get_json(client, &ctx(Step::Items), report, &request, &url)
        .await
        .map_err(|f| clock.fail(report, f, false))?;
    let first = items
        .get("value")
        .and_then(Value::as_array)
        .and_then(|v| v.first())
        .map(|item| text(item, "name"));
    summary.first_item.clone_from(&first);
    clock.done(
        report,
        vec![Detail::new(
            "First item",
            first.unwrap_or_else(|| "(the drive is empty)".into()),
        )],
    );
    Ok(())
}
