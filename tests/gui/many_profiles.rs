//! A thousand saved profiles: the list lays out only the rows in view, and search still finds any
//! of them at once.

use crate::gui_harness;
use crate::support;

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui_harness::gui;
use support::probe_env::Env;

const PROFILES: usize = 1000;

fn export_boxes(g: &gui_harness::Gui<'_>) -> usize {
    g.h.query_all_by_role(Role::CheckBox)
        .filter(|node| {
            node.accesskit_node()
                .label()
                .is_some_and(|label| label.starts_with("Export profile-"))
        })
        .count()
}

#[test]
fn a_thousand_profiles_lay_out_only_the_visible_rows_and_search_finds_the_last() {
    let env = Env::new();
    let store = certconnect::profile_store::ProfileStore::at(env.ws.path("profiles"));
    // One lock, one directory scan, a thousand saves (as an import does).
    let mut locked = store.lock().unwrap();
    for i in 0..PROFILES {
        let mut draft = env.draft();
        draft.name = format!("profile-{i:04}");
        locked.save(&draft.parse().unwrap()).unwrap();
    }
    drop(locked);
    let mut g = gui(&env, None);
    g.h.get_by_label("profile-0000");
    let rows = export_boxes(&g);
    assert!(
        (10..100).contains(&rows),
        "{rows} rows laid out for {PROFILES} profiles"
    );
    assert!(g.h.query_by_label("profile-0999").is_none());

    g.field("Search", "PROFILE-0999");
    assert_eq!(export_boxes(&g), 1);
    g.click("profile-0999");
    g.settle();
    assert_eq!(
        g.h.get_by_role_and_label(Role::TextInput, "Name")
            .accesskit_node()
            .value()
            .as_deref(),
        Some("profile-0999")
    );
}
