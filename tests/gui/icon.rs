//! The app icon built into the binary decodes to a usable window icon.

use certconnect::gui::icon::app_icon;

#[test]
fn icon_decodes_to_256_square_rgba_with_a_transparent_background() {
    let icon = app_icon().expect("assets/icon.png decodes");
    assert_eq!((icon.width, icon.height), (256, 256));
    assert_eq!(
        icon.rgba.len(),
        256 * 256 * 4,
        "four bytes (RGBA) per pixel"
    );

    let alphas: Vec<u8> = icon.rgba.chunks_exact(4).map(|px| px[3]).collect();
    let transparent = alphas.iter().filter(|&&a| a == 0).count();
    let opaque = alphas.iter().filter(|&&a| a == 255).count();
    // A blank or fully opaque picture is not the icon: it has a transparent background around an
    // opaque seal, and each takes a good share of the square.
    assert!(
        transparent > alphas.len() / 10,
        "{transparent} transparent pixels"
    );
    assert!(opaque > alphas.len() / 4, "{opaque} opaque pixels");
    // The corners are background.
    for (x, y) in [(0, 0), (255, 0), (0, 255), (255, 255)] {
        assert_eq!(alphas[y * 256 + x], 0, "corner ({x}, {y}) is transparent");
    }
}
