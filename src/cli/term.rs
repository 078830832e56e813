//! What reaches the terminal: text from servers, files and profile names has its control
//! characters escaped (an ESC sequence in an `error_description` must not recolour, retitle or
//! rewrite the admin's terminal), and a closed pipe (`certconnect … | head`) ends the program
//! quietly with exit 0, as ripgrep does, instead of a panic.

use std::borrow::Cow;
use std::io::Write as _;

/// `text` with every control character (C0, DEL, C1) shown as an escape (`\u{1b}`, `\n`…), so
/// it prints as one inert line. Plain text comes back borrowed.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Writes to stdout; a broken pipe ends the program with exit 0 (the reader has all it wanted),
/// any other write error is ignored (there is nowhere left to report it).
pub fn write_stdout(args: std::fmt::Arguments<'_>) {
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout.write_fmt(args)
        && error.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

/// `println!` that ends quietly on a closed pipe. Escape untrusted text with [`clean`] first.
macro_rules! outln {
    () => {
        $crate::cli::term::write_stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::term::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` that ends quietly on a closed pipe.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::term::write_stdout(format_args!($($arg)*))
    };
}

pub(crate) use {out, outln};

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn control_characters_are_escaped_and_plain_text_is_untouched() {
        assert_eq!(clean("AADSTS700016: plain"), "AADSTS700016: plain");
        assert!(matches!(clean("plain"), std::borrow::Cow::Borrowed(_)));
        let hostile = "bad\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}31m\r\nnext";
        let shown = clean(hostile);
        assert!(!shown.chars().any(char::is_control), "{shown}");
        assert!(shown.contains("\\u{1b}") && shown.contains("\\r\\n"));
    }
}
