//! The app's icon (window title bar and taskbar). Its source is `assets/icon.svg`;
//! `scripts/make-icon.sh` renders the PNG built in here and the `.ico` kept for a Windows installer.

/// The icon as a 256×256 RGBA PNG, built into the binary.
pub const ICON_PNG: &[u8] = include_bytes!("../../assets/icon.png");

/// The decoded icon, or `None` if the built-in PNG cannot be decoded: a bad icon means the window
/// simply has none, never a failed start.
pub fn app_icon() -> Option<egui::IconData> {
    eframe::icon_data::from_png_bytes(ICON_PNG).ok()
}
