//! The small things stay inside their cells at every supported size: the list's badges beside a
//! long imported name, the status line beside the theme switch, a support id beside its Copy
//! button.

use crate::gui_harness;
use crate::support;

use certconnect::core::profile::{CertificateInfo, Origin, PasswordSource};
use certconnect::profile_store::ProfileStore;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use gui_harness::{gui_sized, gui_with_saved_demo_sized};
use support::probe_env::Env;

const SIZES: [(f32, f32); 3] = [(860.0, 520.0), (880.0, 560.0), (1280.0, 800.0)];

fn inside(inner: egui::Rect, outer: egui::Rect) -> bool {
    inner.left() >= outer.left() - 0.5 && inner.right() <= outer.right() + 0.5
}

#[test]
fn the_badge_and_imported_mark_stay_in_the_list_beside_a_long_imported_name() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    let now = certconnect::probe::system_now();
    let mut draft = env.draft();
    draft.name = "Contoso SharePoint connector production (imported)".into();
    draft.certificate_info = Some(CertificateInfo {
        subject: "CN=x".into(),
        thumbprint_sha1: "AB".repeat(20),
        not_after: now + 364 * 86_400 + 3_600,
    });
    let profile = draft.parse().unwrap().with_origin(Origin::Imported {
        brought_entries: vec![],
    });
    store.save(&profile).unwrap();
    for (w, h) in SIZES {
        let g = gui_sized(&env, None, egui::vec2(w, h), None);
        let list = g.h.state().layout().list;
        for label in ["364 d", "imported"] {
            let rect = g.h.get_by_label(label).rect();
            assert!(
                inside(rect, list),
                "{label} at {w}x{h}: {rect:?} vs {list:?}"
            );
        }
        let name = g.h.get_by_label(profile.name()).rect();
        let mark = g.h.get_by_label("imported").rect();
        assert!(
            name.right() <= mark.left(),
            "the name stops before the mark at {w}x{h}"
        );
    }
}

#[test]
fn a_long_status_line_stops_before_the_theme_switch() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    let demo = env
        .rt
        .block_on(certconnect::sandbox::start_demo(
            &certconnect::ops::demo_dir(&store),
            Default::default(),
        ))
        .unwrap();
    let saved = certconnect::ops::save_demo_profile(&store, &demo.profile).unwrap();
    for (w, h) in SIZES {
        let mut g = gui_with_saved_demo_sized(&env, saved.clone(), egui::vec2(w, h));
        g.settle();
        let hint = g.h.state().status().unwrap().to_owned();
        let status = g.h.get_by_label(&hint).rect();
        let theme = g.h.get_by_role_and_label(Role::ComboBox, "Theme").rect();
        assert!(
            status.right() <= theme.left() || status.top() >= theme.bottom(),
            "the status line runs under the theme switch at {w}x{h}: {status:?} vs {theme:?}"
        );
        assert!(
            status.right() <= w + 0.5 && status.bottom() <= h + 0.5,
            "inside the window at {w}x{h}: {status:?}"
        );
    }
    drop(demo);
}

#[test]
fn each_support_id_keeps_its_copy_button_on_its_line() {
    let env = Env::new();
    let mut draft = env.draft();
    draft.name = "Unknown app".into();
    let (cert, key) = (env.ws.path("app.pem"), env.ws.path("app.key"));
    support::probe_env::pem_draft(&mut draft, &cert, &key);
    draft.password = PasswordSource::None;
    draft.client_id = "99999999-9999-4999-8999-999999999999".into();
    let profile = draft.parse().unwrap();
    for (w, h) in SIZES {
        let mut g = gui_sized(&env, Some(profile.clone()), egui::vec2(w, h), None);
        g.test_connection();
        g.h.get_by_label("Failed at 'Request access token': AADSTS700016");
        let panel = g.h.state().layout().test;
        let copies: Vec<egui::Rect> =
            g.h.get_all_by_role_and_label(Role::Button, "Copy")
                .map(|node| node.rect())
                .collect();
        assert_eq!(copies.len(), 2, "the trace and correlation ids");
        for (label, copy) in ["Trace ID: ", "Correlation ID: "].iter().zip(copies) {
            let value = g.h.get_by_label_contains(label).rect();
            assert!(
                copy.top() < value.bottom() && copy.bottom() > value.top(),
                "{label}'s Copy sits on its own line at {w}x{h}: {copy:?} vs {value:?}"
            );
            assert!(
                inside(copy, panel),
                "{label}'s Copy leaves the panel at {w}x{h}"
            );
        }
    }
}
