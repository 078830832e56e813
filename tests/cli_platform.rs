//! What the command line says about the platform: `--version [--verbose]` (renderer order, stores)
//! and the Windows certificate store on a platform without it.

#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

mod support;

use support::{Workspace, certconnect, stderr, stdout};

#[test]
fn version_is_one_line_and_verbose_says_what_this_build_uses() {
    let ws = Workspace::new();
    let plain = certconnect(&ws, &["--version"], &[], None);
    assert!(plain.status.success());
    assert_eq!(
        stdout(&plain),
        format!("certconnect {}\n", env!("CARGO_PKG_VERSION"))
    );

    let verbose = certconnect(
        &ws,
        &["--version", "--verbose"],
        &[("CERTCONNECT_RENDERER", "")],
        None,
    );
    assert!(verbose.status.success());
    let text = stdout(&verbose);
    for line in [
        "platform: ",
        "OpenSSL: OpenSSL ",
        "renderer: ",
        "credential store: ",
        "Windows certificate store: ",
    ] {
        assert!(text.contains(line), "{line:?} missing in {text}");
    }
    // Automatic order on this platform: both renderers, wgpu first except on Windows.
    let first = if cfg!(windows) {
        "renderer: OpenGL (glow), then wgpu"
    } else {
        "renderer: wgpu (DX12, Vulkan, Metal or GL), then OpenGL (glow)"
    };
    assert!(text.contains(first), "{text}");
    if !cfg!(windows) {
        assert!(
            text.contains("Windows certificate store: unavailable"),
            "{text}"
        );
    }
}

#[test]
fn the_renderer_variable_is_obeyed_and_a_wrong_value_named() {
    let ws = Workspace::new();
    let chosen = certconnect(
        &ws,
        &["-V", "--verbose"],
        &[("CERTCONNECT_RENDERER", "glow")],
        None,
    );
    assert!(
        stdout(&chosen).contains("renderer: OpenGL (glow) (CERTCONNECT_RENDERER=glow)"),
        "{}",
        stdout(&chosen)
    );
    let wrong = certconnect(
        &ws,
        &["-V", "--verbose"],
        &[("CERTCONNECT_RENDERER", "vulkan")],
        None,
    );
    assert!(
        stdout(&wrong)
            .contains("CERTCONNECT_RENDERER=vulkan is not a renderer; use glow, wgpu or auto")
    );
}

#[test]
fn verbose_alone_is_a_usage_error() {
    let ws = Workspace::new();
    let output = certconnect(&ws, &["--verbose"], &[], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--version"));
}
