//! Windows builds get the app icon and version information (what Explorer's Properties and the
//! Start menu show). Other targets need nothing from here.

fn main() {
    println!("cargo:rerun-if-changed=assets/icon.ico");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let mut resource = winresource::WindowsResource::new();
    resource
        .set_icon("assets/icon.ico")
        .set("ProductName", "certconnect")
        .set("FileDescription", "certconnect connection manager")
        .set("CompanyName", "certconnect")
        .set("LegalCopyright", "MIT licence");
    // Cross builds from Linux use the mingw-w64 tools (scripts/setup.sh --ci installs them).
    if std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu") && !cfg!(windows) {
        resource
            .set_windres_path("x86_64-w64-mingw32-windres")
            .set_ar_path("x86_64-w64-mingw32-ar");
    }
    if let Err(error) = resource.compile() {
        // A Windows exe without its icon is still a working exe, but a release must not ship one.
        panic!("could not embed the Windows resources (icon, version): {error}");
    }
}
