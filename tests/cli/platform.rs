//! What the command line says about the platform: `--version [--verbose]` (renderer order, stores)
//! and the Windows certificate store on a platform without it.

use crate::support;

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

#[cfg(not(windows))]
#[test]
fn the_windows_certificate_store_is_unavailable_here_and_says_so() {
    let ws = Workspace::new();
    let list = certconnect(
        &ws,
        &["cert", "list", "--windows-store", "CurrentUser"],
        &[],
        None,
    );
    assert_eq!(list.status.code(), Some(2));
    assert!(
        stderr(&list).contains("the Windows certificate store exists only on Windows"),
        "{}",
        stderr(&list)
    );
    assert!(stderr(&list).contains("fix: Export the certificate with its private key as a PFX"));

    let json = certconnect(
        &ws,
        &["cert", "list", "--windows-store", "machine", "--json"],
        &[],
        None,
    );
    let value = support::json_stdout(&json);
    assert_eq!(value["ok"], false);
    assert_eq!(value["error"]["code"], "windows_store_unavailable");

    let test = test_with_store_certificate(&ws, "84E05C1D98BCE3A5421D225B140B36E86A3D5534");
    let value = support::json_stdout(&test);
    assert_eq!(
        value["error"]["code"], "windows_store_unavailable",
        "{value}"
    );
    assert_eq!(test.status.code(), Some(2));
}

#[test]
fn store_locations_and_thumbprints_are_checked_before_anything_runs() {
    let ws = Workspace::new();
    let bad_store = certconnect(&ws, &["cert", "list", "--windows-store", "Root"], &[], None);
    assert_eq!(bad_store.status.code(), Some(2));
    assert!(
        stderr(&bad_store).contains("use CurrentUser or LocalMachine"),
        "{}",
        stderr(&bad_store)
    );

    let short = test_with_store_certificate(&ws, "84E05C");
    assert_eq!(short.status.code(), Some(2));
    assert!(stdout(&short).contains("has 6"), "{}", stdout(&short));
    let sha256 = "A".repeat(64);
    let long = test_with_store_certificate(&ws, &sha256);
    assert_eq!(long.status.code(), Some(2));
    assert!(
        stdout(&long).contains("SHA-1 thumbprint (40 hex digits)"),
        "{}",
        stdout(&long)
    );
}

/// `certconnect test --json` against a closed loopback port, with the certificate chosen from the
/// Windows certificate store by `thumbprint`.
fn test_with_store_certificate(ws: &Workspace, thumbprint: &str) -> std::process::Output {
    certconnect(
        ws,
        &[
            "test",
            "--token-url",
            "http://127.0.0.1:9/t/oauth2/v2.0/token",
            "--graph-url",
            "http://127.0.0.1:9/v1.0",
            "--client-id",
            "3f6d0c6e-6a4b-4c1e-9d7a-5e2b8c0a1f42",
            "--windows-cert",
            thumbprint,
            "--json",
        ],
        &[],
        None,
    )
}
