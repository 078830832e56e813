//! `certconnect completions SHELL` and `certconnect man [--out DIR]`: shell completion scripts and
//! man pages generated from the command line's own declaration, so they never disagree with it.

use std::io;
use std::path::Path;

use clap::CommandFactory as _;
use clap_complete::Shell;
use clap_mangen::Man;

use super::Outcome;
use super::args::Cli;
use super::term::{clean, out, outln};

/// The name users type, which the scripts complete and the pages are named after.
const BIN_NAME: &str = "certconnect";

/// Prints the completion script for `shell`.
pub(crate) fn completions(shell: Shell) -> Outcome {
    // Generated into memory first: clap_complete panics when its writer fails, and stdout may be
    // a pipe closed early (`certconnect completions bash | head`), which ends quietly instead.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN_NAME, &mut script);
    out!("{}", String::from_utf8_lossy(&script));
    Outcome::Ok
}

/// Prints certconnect(1), or writes every page to `out_dir`.
pub(crate) fn man(out_dir: Option<&Path>) -> Outcome {
    let pages = match pages() {
        Ok(pages) => pages,
        Err(error) => {
            eprintln!("error: cannot render the man pages: {error}");
            return Outcome::BadInput;
        }
    };
    let Some(dir) = out_dir else {
        // The first page is the top command's, which lists the others.
        if let Some(top) = pages.first() {
            out!("{}", String::from_utf8_lossy(&top.roff));
        }
        return Outcome::Ok;
    };
    match write_pages(dir, &pages) {
        Ok(()) => {
            outln!(
                "Wrote {} man pages to {}: man {BIN_NAME}",
                pages.len(),
                clean(&dir.display().to_string())
            );
            Outcome::Ok
        }
        Err(error) => {
            eprintln!(
                "error: cannot write the man pages to {}: {error}",
                clean(&dir.display().to_string())
            );
            Outcome::BadInput
        }
    }
}

/// One rendered man page and the file name `man` looks it up by.
struct Page {
    file_name: String,
    roff: Vec<u8>,
}

/// certconnect(1) first, then one page per command at every level, as git and cargo ship them
/// (`man certconnect-test`): each page holds one command's options, and each parent's
/// SUBCOMMANDS section names its children's pages. `help` gets no page: `--help` is on each.
fn pages() -> io::Result<Vec<Page>> {
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let mut pages = Vec::new();
    collect(command, &mut pages)?;
    Ok(pages)
}

fn collect(command: clap::Command, pages: &mut Vec<Page>) -> io::Result<()> {
    let children: Vec<clap::Command> = command
        .get_subcommands()
        .filter(|child| !child.is_hide_set())
        .cloned()
        .collect();
    // Every page's footer names the program and version, not the subcommand alone.
    let man = Man::new(command).source(format!("{BIN_NAME} {}", env!("CARGO_PKG_VERSION")));
    let mut roff = Vec::new();
    man.render(&mut roff)?;
    pages.push(Page {
        file_name: man.get_filename(),
        roff,
    });
    for child in children {
        collect(child, pages)?;
    }
    Ok(())
}

fn write_pages(dir: &Path, pages: &[Page]) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for page in pages {
        std::fs::write(dir.join(&page.file_name), &page.roff)?;
    }
    Ok(())
}
