//! `certconnect completions SHELL` and `certconnect man`: the scripts and pages admins install, each
//! generated from the commands as declared.

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support;

use support::{Workspace, certconnect, s, stderr, stdout};

/// The top-level commands every script and the man page must know.
const SUBCOMMANDS: [&str; 8] = [
    "cert",
    "test",
    "sandbox",
    "demo",
    "store",
    "profile",
    "completions",
    "man",
];

fn completions(ws: &Workspace, shell: &str) -> String {
    let output = certconnect(ws, &["completions", shell], &[], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
    stdout(&output)
}

#[test]
fn the_bash_script_completes_the_commands_and_their_flags() {
    let ws = Workspace::new();
    let script = completions(&ws, "bash");
    assert!(script.contains("complete -F _certconnect"), "{script}");
    for name in SUBCOMMANDS {
        // The case arm that recognises the word typed after `certconnect`.
        assert!(
            script.contains(&format!("certconnect,{name})")),
            "{name} missing"
        );
    }
    for flag in ["--client-id", "--token-url", "--windows-store", "--out-pfx"] {
        assert!(script.contains(flag), "{flag} missing");
    }
}

/// Runs `script` in `bash` with the completion script in `file` sourced; returns what it printed.
fn in_bash(file: &std::path::Path, script: &str) -> String {
    let output = Command::new("bash")
        .arg("-c")
        .arg(format!("source \"$0\"\n{script}"))
        .arg(file)
        .output()
        .expect("run bash");
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output)
}

#[test]
fn bash_completes_a_command_and_a_flag_with_the_script() {
    let ws = Workspace::new();
    let file = ws.write("certconnect.bash", completions(&ws, "bash").as_bytes());
    // What bash does on Tab: the words so far, the index of the one completed, then the function.
    let command = in_bash(
        &file,
        "COMP_WORDS=(certconnect te); COMP_CWORD=1; _certconnect certconnect te certconnect
         printf '%s\\n' \"${COMPREPLY[@]}\"",
    );
    assert_eq!(command, "test\n");
    let flag = in_bash(
        &file,
        "COMP_WORDS=(certconnect test --client); COMP_CWORD=2; _certconnect certconnect --client test
         printf '%s\\n' \"${COMPREPLY[@]}\"",
    );
    assert_eq!(flag, "--client-id\n");
}

#[test]
fn bash_accepts_the_bash_script() {
    let ws = Workspace::new();
    let script = completions(&ws, "bash");
    // `bash -n` parses without running: a script with a syntax error fails here, not in a shell.
    let mut bash = Command::new("bash")
        .arg("-n")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run bash");
    bash.stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("write the script");
    let checked = bash.wait_with_output().expect("bash output");
    assert!(checked.status.success(), "{}", stderr(&checked));
}

#[test]
fn zsh_fish_and_powershell_scripts_name_certconnect_and_its_commands() {
    let ws = Workspace::new();
    for (shell, marker) in [
        ("zsh", "#compdef certconnect"),
        ("fish", "complete -c certconnect"),
        (
            "powershell",
            "Register-ArgumentCompleter -Native -CommandName 'certconnect'",
        ),
    ] {
        let script = completions(&ws, shell);
        assert!(script.contains(marker), "{shell}: {marker} missing");
        for flag in ["client-id", "token-url"] {
            assert!(script.contains(flag), "{shell}: {flag} missing");
        }
        for name in ["test", "profile", "cert"] {
            assert!(script.contains(name), "{shell}: {name} missing");
        }
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error_naming_the_shells() {
    let ws = Workspace::new();
    let output = certconnect(&ws, &["completions", "tcsh"], &[], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).is_empty());
    let err = stderr(&output);
    assert!(err.contains("invalid value 'tcsh'"), "{err}");
    for shell in ["bash", "fish", "powershell", "zsh"] {
        assert!(err.contains(shell), "{shell} missing in {err}");
    }
    let missing = certconnect(&ws, &["completions"], &[], None);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn completions_into_a_closed_pipe_end_quietly_with_exit_0() {
    let ws = Workspace::new();
    let (code, err) =
        support::run_within(&ws, &["completions", "zsh"], Duration::from_secs(60), true);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn the_man_page_is_roff_listing_each_command_page() {
    let ws = Workspace::new();
    let output = certconnect(&ws, &["man"], &[], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = stdout(&output);
    assert!(page.contains("\n.TH certconnect 1 "), "{page}");
    assert!(page.contains(".SH SYNOPSIS") && page.contains(".SH OPTIONS"));
    let listed = page
        .split_once(".SH SUBCOMMANDS")
        .expect("a SUBCOMMANDS section")
        .1;
    for name in SUBCOMMANDS {
        // roff writes a hyphen as \-.
        let entry = format!("certconnect\\-{name}(1)");
        assert!(listed.contains(&entry), "{entry} missing in {listed}");
    }
    // `help` has no page of its own: --help is on every command.
    assert!(!listed.contains("certconnect\\-help(1)"), "{listed}");
}

#[test]
fn man_out_writes_one_page_per_command_at_every_level() {
    let ws = Workspace::new();
    let dir = ws.path("man/man1");
    let output = certconnect(&ws, &["man", "--out", s(&dir)], &[], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let top = std::fs::read_to_string(dir.join("certconnect.1")).expect("certconnect.1");
    assert_eq!(top, stdout(&certconnect(&ws, &["man"], &[], None)));
    for name in SUBCOMMANDS {
        let file = dir.join(format!("certconnect-{name}.1"));
        assert!(file.is_file(), "{} missing", file.display());
    }
    let test = std::fs::read_to_string(dir.join("certconnect-test.1")).expect("test page");
    assert!(test.contains(".TH certconnect-test 1 "), "{test}");
    assert!(test.contains("\\-\\-client\\-id"), "{test}");
    assert!(test.contains("Exit status: 0 connected"), "{test}");
    let inspect =
        std::fs::read_to_string(dir.join("certconnect-cert-inspect.1")).expect("inspect page");
    assert!(inspect.contains("\\-\\-expect\\-thumbprint"), "{inspect}");
    assert!(!dir.join("certconnect-help.1").exists());
}

#[test]
fn man_out_into_a_file_is_bad_input() {
    let ws = Workspace::new();
    let file = ws.write("not-a-dir", b"x");
    let output = certconnect(&ws, &["man", "--out", s(&file)], &[], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot write the man pages to"),
        "{}",
        stderr(&output)
    );
}
