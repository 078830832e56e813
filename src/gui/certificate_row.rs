//! One certificate in a pick list (the Windows store's, a hardware token's): a radio button whose
//! two lines a screen reader reads whole, coloured by how near its expiry is.

use egui::RichText;

use crate::core::expiry::{ExpiryLevel, expiry};
use crate::gui::widgets::{ERROR, WARN, row};

/// The expiry as the entry states it (`expires 2027-01-31 (42 days)`), from the RFC 3339 date
/// `not_after_text` and the Unix seconds `not_after`, and how urgent it is.
pub fn expiry_phrase(now: i64, not_after: i64, not_after_text: &str) -> (String, ExpiryLevel) {
    let (days, level) = expiry(now, not_after);
    let date = &not_after_text[..10.min(not_after_text.len())];
    let when = match level {
        ExpiryLevel::Expired => format!("expired {date}"),
        ExpiryLevel::Soon => format!("expires {date} ({days} days: soon)"),
        ExpiryLevel::Fine => format!("expires {date} ({days} days)"),
    };
    (when, level)
}

/// The entry's radio button, `selected` or not, its `text` in the colour of its expiry `level`,
/// `hover` saying what choosing it does.
pub fn certificate_row(
    ui: &mut egui::Ui,
    selected: bool,
    text: String,
    level: ExpiryLevel,
    hover: &str,
) -> egui::Response {
    row(ui, "", |ui, _| {
        let text = match level {
            ExpiryLevel::Expired => RichText::new(text).color(ERROR),
            ExpiryLevel::Soon => RichText::new(text).color(WARN),
            ExpiryLevel::Fine => RichText::new(text),
        };
        ui.radio(selected, text).on_hover_text(hover)
    })
}
