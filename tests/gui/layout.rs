//! The app's layout at the smallest window it allows and at a usual one: every input, drop-down
//! and button of every tab lies inside the form and the window, inputs keep a usable width, and
//! the panels keep the sizes the user gave them.

use crate::gui_harness;
use crate::support;

use certconnect::gui::app::LayoutRects;
use certconnect::sandbox::{Fault, FaultKind, FaultTarget};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui_harness::{Gui, MemoryStorage, gui_sized};
use std::time::Duration;
use support::probe_env::{Env, PASSWORD};

/// The narrowest an input may be (issue: at least 160 px at 880×560).
const MIN_INPUT: f32 = 160.0;

/// The roles of what the user types into or clicks in the form.
const CONTROLS: [Role; 6] = [
    Role::TextInput,
    Role::PasswordInput,
    Role::MultilineTextInput,
    Role::ComboBox,
    Role::Button,
    Role::CheckBox,
];

/// Checks every control that starts inside the form: it must end inside the form and the window,
/// and a text input must keep a usable width. Returns how many were checked.
fn check_form(g: &Gui, what: &str) -> usize {
    let layout = g.h.state().layout();
    let (form, window) = (layout.form, layout.window);
    let mut checked = 0;
    for role in CONTROLS {
        for node in g.h.query_all_by_role(role) {
            let rect = node.rect();
            let starts_in_form = rect.left() >= form.left() - 0.5
                && rect.left() < form.right()
                && rect.top() >= form.top() - 0.5
                && rect.top() < form.bottom();
            if !starts_in_form {
                continue;
            }
            let name = node.accesskit_node().label().unwrap_or_default();
            assert!(
                rect.right() <= form.right() + 0.5 && rect.right() <= window.right() + 0.5,
                "{what}: {role:?} '{name}' ends at x={} past the form (right edge {}) or the window ({})",
                rect.right(),
                form.right(),
                window.right()
            );
            if matches!(role, Role::TextInput | Role::PasswordInput) {
                assert!(
                    rect.width() >= MIN_INPUT,
                    "{what}: input '{name}' is only {} px wide",
                    rect.width()
                );
            }
            checked += 1;
        }
    }
    checked
}

fn every_tab(g: &mut Gui, size: egui::Vec2) {
    let at = format!("{}×{}", size.x, size.y);
    for tab in [
        "General",
        "Certificate",
        "Graph",
        "Retry & headers",
        "Advanced",
    ] {
        g.click(tab);
        if tab == "Certificate" {
            g.click("New certificate");
        }
        if tab == "Retry & headers" {
            g.button("Add header");
            g.button("Add header");
        }
        let checked = check_form(g, &format!("{at}, {tab}"));
        assert!(
            checked >= 3,
            "{at}, {tab}: only {checked} controls found in the form"
        );
    }
}

#[test]
fn every_input_fits_the_form_at_the_smallest_and_a_usual_size() {
    let env = Env::new();
    for size in [
        egui::vec2(860.0, 520.0),
        egui::vec2(880.0, 560.0),
        egui::vec2(1280.0, 860.0),
    ] {
        let mut g = gui_sized(&env, Some(env.profile()), size, None);
        let layout = g.h.state().layout();
        assert_eq!(
            layout.wide,
            size.x >= certconnect::gui::app::THREE_COLUMNS_MIN_WIDTH,
            "three columns only where they fit"
        );
        if !layout.wide {
            assert!(
                layout.test.top() >= layout.form.bottom() - 1.0,
                "in a narrow window the test run is under the form"
            );
        }
        every_tab(&mut g, size);
    }
}

#[test]
fn long_messages_wrap_inside_the_form() {
    let env = Env::new();
    let size = egui::vec2(860.0, 520.0);
    let mut g = gui_sized(&env, None, size, None);
    g.button("New connection");
    // Leaving the empty Tenant field, and a wrong Client ID, show their (long) messages.
    g.field("Tenant", "");
    g.field("Client ID", "not a client id at all");
    g.h.key_press(egui::Key::Tab);
    g.h.run_ok();
    let form = g.h.state().layout().form;
    for label in ["Enter the Directory (tenant) ID", "a GUID like"] {
        let message = g.h.get_by_label_contains(label).rect();
        assert!(
            message.right() <= form.right() + 0.5,
            "'{label}…' runs past the form: {message:?} vs {form:?}"
        );
    }
}

/// How many test runs the sizes must survive: enough for the run to outgrow the panel (its
/// scroll bar appears) and to start again small, several times.
const RUNS: usize = 10;

/// The run with this index waits for slow answers, so its steps take four-digit milliseconds.
const SLOW_RUN: usize = 3;

/// Makes the next token and Graph answers slow (the sandbox answers after the delay).
fn slow_answers(env: &Env) {
    for target in [FaultTarget::Token, FaultTarget::Graph] {
        env.sandbox.push_fault(Fault {
            target,
            kind: FaultKind::Slow(Duration::from_millis(1200)),
        });
    }
}

/// Runs `RUNS` test connections (one of them slow) and checks on every frame of every run that
/// `size_of` the layout stays `expected`.
fn runs_keep(
    g: &mut Gui,
    env: &Env,
    what: &str,
    size_of: impl Fn(&LayoutRects) -> (f32, f32),
    expected: (f32, f32),
) {
    for run in 0..RUNS {
        if run == SLOW_RUN {
            slow_answers(env);
        }
        g.button("Test connection");
        g.wait_until(|app| {
            assert_eq!(
                size_of(&app.layout()),
                expected,
                "{what}: run {run} moved a divider"
            );
            app.has_verdict()
        });
        g.h.get_by_label("Connected");
        assert_eq!(
            size_of(&g.h.state().layout()),
            expected,
            "{what}: run {run} moved a divider"
        );
        if run == SLOW_RUN {
            assert!(
                g.h.query_all_by_label_contains(": done in ")
                    .any(|step| step
                        .accesskit_node()
                        .value()
                        .is_some_and(|spoken| took_a_second(&spoken))),
                "{what}: the slow run shows a step of a second or more"
            );
        }
    }
    assert!(
        env.token_requests() >= RUNS,
        "{what}: every run asked for a token"
    );
}

/// A step's spoken state saying it took a second or more ("Request access token: done in 1204 ms").
fn took_a_second(label: &str) -> bool {
    label
        .split_once(": done in ")
        .and_then(|(_, rest)| rest.strip_suffix(" ms"))
        .and_then(|ms| ms.parse::<u64>().ok())
        .is_some_and(|ms| ms >= 1000)
}

/// Drags with the mouse from `from` by `dx` pixels sideways.
fn drag(g: &mut Gui, from: egui::Pos2, dx: f32) {
    let press = |pos, pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    let to = from + egui::vec2(dx, 0.0);
    g.h.event(egui::Event::PointerMoved(from));
    g.h.run_ok();
    g.h.event(press(from, true));
    g.h.run_ok();
    for step in 1..=4 {
        let at = from + egui::vec2(dx * step as f32 / 4.0, 0.0);
        g.h.event(egui::Event::PointerMoved(at));
        g.h.run_ok();
    }
    g.h.event(press(to, false));
    g.h.run_ok();
}

/// What the app would keep of its UI preferences now.
fn kept_prefs(g: &mut Gui) -> String {
    let mut kept = MemoryStorage::default();
    eframe::App::save(g.h.state_mut(), &mut kept);
    kept.0.get("certconnect-ui").cloned().unwrap_or_default()
}

#[test]
fn panel_sizes_stay_put_across_test_runs_and_are_remembered() {
    let env = Env::new();
    let size = egui::vec2(1280.0, 860.0);
    let mut g = gui_sized(&env, Some(env.profile()), size, None);
    g.click("Certificate");
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    let before = g.h.state().layout();
    let prefs_before = kept_prefs(&mut g);
    let widths = |l: &LayoutRects| (l.list.width(), l.test.width());
    runs_keep(&mut g, &env, "1280×860", widths, widths(&before));
    assert_eq!(
        kept_prefs(&mut g),
        prefs_before,
        "the sizes the app keeps do not change with test runs either"
    );
    // The admin's drag still sizes the panel, and the next run keeps that size.
    let test = g.h.state().layout().test;
    drag(&mut g, egui::pos2(test.left(), test.center().y), -60.0);
    let dragged = g.h.state().layout();
    assert!(
        (dragged.test.width() - (test.width() + 60.0)).abs() <= 1.0,
        "dragging the divider 60 px left widens the test run by 60 px: {test:?} → {:?}",
        dragged.test
    );
    g.test_connection();
    assert_eq!(widths(&g.h.state().layout()), widths(&dragged));

    // Sizes from an earlier run come back.
    let mut storage = MemoryStorage::default();
    let prefs = r#"(last_profile: None, list_width: 300.0, test_width: 360.0, test_height: 200.0, test_open: true, theme: Dark)"#;
    storage.0.insert("certconnect-ui".into(), prefs.into());
    let mut g = gui_sized(&env, Some(env.profile()), size, Some(storage));
    let layout = g.h.state().layout();
    assert!((layout.list.width() - 300.0).abs() < 1.0, "{layout:?}");
    assert!((layout.test.width() - 360.0).abs() < 1.0, "{layout:?}");
    assert_eq!(
        g.h.ctx.theme(),
        egui::Theme::Dark,
        "the theme comes back too"
    );
    // The switch is named for screen readers.
    g.h.get_by_role_and_label(Role::ComboBox, "Theme");
    // And what the app keeps is what it shows.
    let mut kept = MemoryStorage::default();
    eframe::App::save(g.h.state_mut(), &mut kept);
    let kept = kept.0.get("certconnect-ui").cloned().unwrap_or_default();
    assert!(
        kept.contains("list_width:300") || kept.contains("list_width: 300"),
        "{kept}"
    );
}

#[test]
fn in_a_narrow_window_the_test_run_folds_away_and_opens_for_a_test() {
    let env = Env::new();
    let mut g = gui_sized(&env, Some(env.profile()), egui::vec2(880.0, 560.0), None);
    let before_any_run = g.h.state().layout();
    g.click("Certificate");
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.test_connection();
    g.h.get_by_label("Connected");
    let with_run = g.h.state().layout();
    assert!(
        with_run.test.height() > before_any_run.test.height() + 50.0,
        "a test opens the panel under the form: {before_any_run:?} → {with_run:?}"
    );
    g.button("Hide");
    let folded = g.h.state().layout();
    assert!(
        folded.form.height() > with_run.form.height() + 50.0,
        "folding the test run gives the form the room: {with_run:?} → {folded:?}"
    );
    assert!(g.h.query_by_label("Connected").is_none());
    g.button("Show");
    g.h.get_by_label("Connected");
}

#[test]
fn under_the_form_the_test_run_keeps_its_height_across_test_runs() {
    let env = Env::new();
    let size = egui::vec2(860.0, 520.0);
    let mut g = gui_sized(&env, Some(env.profile()), size, None);
    g.click("Certificate");
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    // The first run opens the panel under the form; from then on its height stays.
    g.test_connection();
    let opened = g.h.state().layout();
    assert!(!opened.wide, "{opened:?}");
    let height = |l: &LayoutRects| (l.test.height(), l.form.height());
    runs_keep(&mut g, &env, "860×520", height, height(&opened));
}

#[test]
fn storage_mode_choices_never_break_inside_a_word() {
    let env = Env::new();
    for size in [
        egui::vec2(860.0, 520.0),
        egui::vec2(880.0, 560.0),
        egui::vec2(1100.0, 700.0),
        egui::vec2(1280.0, 800.0),
    ] {
        let mut g = gui_sized(&env, Some(env.profile()), size, None);
        g.click("Certificate");
        let line =
            g.h.get_by_role_and_label(Role::RadioButton, "Local PFX file")
                .rect()
                .height();
        for label in ["Local PFX file", "PEM files", "Windows certificate store"] {
            let radio = g.h.get_by_role_and_label(Role::RadioButton, label).rect();
            // One line of text: a label broken inside its words is several lines tall.
            assert!(
                radio.height() <= line + 0.5,
                "at {size:?} '{label}' takes {radio:?}, more than one line ({line})"
            );
            assert!(
                radio.right() <= g.h.state().layout().form.right() + 0.5,
                "at {size:?} '{label}' runs past the form: {radio:?}"
            );
        }
    }
}
