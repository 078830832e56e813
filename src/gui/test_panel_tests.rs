//! The panel keeps to the width it is given: long URLs, messages and raw errors wrap.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

use super::test_panel_ui;
use crate::core::draft::ProfileDraft;
use crate::core::event::{Detail, Failure, Step, TestEvent};
use crate::probe::ProbeError;
use crate::report::RunView;

const WIDTH: f32 = 300.0;
const LONG_URL: &str = "https://contoso.sharepoint.com/sites/HumanResources-Department-Archive/Shared%20Documents/Forms/AllItems.aspx";

/// A run of a valid profile named `name`, before any step.
fn new_run(name: &str) -> RunView {
    RunView::new(
        ProfileDraft::example(name).parse().expect("valid profile"),
        None,
        0,
    )
}

fn failed_run() -> RunView {
    let mut run = new_run("Narrow");
    run.apply(TestEvent::Done {
        step: Step::GraphSite,
        duration_ms: 3,
        details: vec![Detail::new("URL", LONG_URL)],
    });
    run.apply(TestEvent::Retrying {
        step: Step::Drive,
        retry: 1,
        reason: format!("connection failed: {LONG_URL} closed the connection before it answered"),
        wait_ms: 1000,
    });
    let failure = Failure {
        code: "network".into(),
        message: format!("could not reach {LONG_URL}"),
        hint: "Check the URL, the network and the proxy settings (HTTPS_PROXY / NO_PROXY).".into(),
        raw: Some(Box::new(format!(
            "error sending request for url ({LONG_URL}): client error (Connect): tcp connect error"
        ))),
        ..Failure::default()
    };
    run.finish(Err(ProbeError {
        step: Step::Drive,
        failure,
        input_error: false,
        certificate_not_after: None,
    }));
    run
}

#[test]
fn long_values_wrap_inside_the_width_given() {
    let run = failed_run();
    let mut h = Harness::builder()
        .with_size(egui::vec2(WIDTH, 900.0))
        .build_ui(move |ui| {
            let _asked = test_panel_ui(ui, &run, true);
        });
    h.run_ok();
    h.get_by_label("Details").click();
    h.run_ok();
    for text in [
        LONG_URL,
        "closed the connection before it answered",
        "could not reach",
        "Check the URL, the network",
        "client error (Connect)",
        "Settings changed since this run",
    ] {
        let mut found = 0;
        for node in h.get_all_by_label_contains(text) {
            found += 1;
            let right = node.rect().max.x;
            assert!(
                right <= WIDTH + 0.5,
                "{text:?} reaches x = {right} in a panel {WIDTH} wide"
            );
        }
        assert!(found > 0, "{text:?} is shown");
    }
    h.get_by_label("Failed at 'Read drive': server not reachable");
}

#[test]
fn a_screen_reader_hears_each_steps_state_not_only_its_name() {
    let mut run = failed_run();
    run.apply(TestEvent::Started { step: Step::Token });
    run.apply(TestEvent::Failed {
        step: Step::Token,
        duration_ms: 7,
        failure: Failure::default(),
    });
    let mut h = Harness::builder()
        .with_size(egui::vec2(WIDTH, 900.0))
        .build_ui(move |ui| {
            let _asked = test_panel_ui(ui, &run, true);
        });
    h.run_ok();
    h.get_by_label(&format!("{}: done in 3 ms", Step::GraphSite.label()));
    h.get_by_label(&format!("{}: failed after 7 ms", Step::Token.label()));
    h.get_by_label(&format!("{}: not run yet", Step::Items.label()));
}

#[test]
fn the_step_that_starts_is_scrolled_into_a_small_panel() {
    let mut run = new_run("Small");
    for step in [
        Step::Profile,
        Step::Certificate,
        Step::Assertion,
        Step::Token,
        Step::GraphSite,
        Step::Drive,
    ] {
        run.apply(TestEvent::Started { step });
        run.apply(TestEvent::Done {
            step,
            duration_ms: 1,
            details: vec![Detail::new("Detail", "a value"); 3],
        });
    }
    run.apply(TestEvent::Started { step: Step::Items });
    let height = 160.0;
    let shown = std::sync::Arc::new(std::sync::Mutex::new(run));
    let drawn = shown.clone();
    let mut h = Harness::builder()
        .with_size(egui::vec2(WIDTH, height))
        .build_ui(move |ui| {
            let run = drawn.lock().expect("run").clone();
            super::run_scroll_area(ui, Some(&run), |ui| {
                let _asked = test_panel_ui(ui, &run, true);
            });
        });
    // The spinner repaints for ever: a few frames, not run-until-still.
    for _ in 0..5 {
        h.step();
    }
    let running = h
        .get_by_label(&format!("{}: running", Step::Items.label()))
        .rect();
    assert!(
        running.min.y >= 0.0 && running.max.y <= height,
        "{running:?} is outside the visible 0..{height}"
    );
    // The end of the run brings the verdict (and Copy report, above it) back into view.
    shown.lock().expect("run").finish(Err(ProbeError {
        step: Step::Items,
        failure: Failure {
            code: "network".into(),
            message: "could not reach the server".into(),
            ..Failure::default()
        },
        input_error: false,
        certificate_not_after: None,
    }));
    for _ in 0..5 {
        h.step();
    }
    let copy = h.get_by_label("Copy report").rect();
    assert!(
        copy.min.y >= 0.0 && copy.max.y <= height,
        "{copy:?} is outside the visible 0..{height}"
    );
}
