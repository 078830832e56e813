//! SoftHSM2 tokens for tests: each test gets its own token directory and `SOFTHSM2_CONF` in its
//! workspace, tokens made with `softhsm2-util`, keys and certificates written with `pkcs11-tool`
//! (keys sensitive and not extractable: certconnect must sign without reading them).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{Workspace, s};

/// SoftHSM's module (Debian/Ubuntu path; scripts/setup.sh installs it).
pub const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
/// The user PIN of every test token.
pub const PIN: &str = "31415926";
/// The security officer PIN of every test token.
pub const SO_PIN: &str = "27182818";

/// The label of the token most tests use.
pub const APP_TOKEN: &str = "app-token";
/// The label of the key (and its certificate) on [`APP_TOKEN`].
pub const APP_KEY: &str = "app-key";

/// A token directory and its configuration, inside a workspace.
pub struct SoftHsm {
    /// The configuration file to give as `SOFTHSM2_CONF`.
    pub conf: PathBuf,
}

fn require_tools() {
    for tool in ["softhsm2-util", "pkcs11-tool"] {
        let found = Command::new(tool).arg("--help").output().is_ok();
        assert!(
            found,
            "{tool} is missing: the PKCS#11 tests need SoftHSM2 and OpenSC; run scripts/setup.sh"
        );
    }
    assert!(
        Path::new(MODULE).is_file(),
        "{MODULE} is missing: run scripts/setup.sh"
    );
}

impl SoftHsm {
    /// An empty token directory in `ws`.
    pub fn new(ws: &Workspace) -> Self {
        require_tools();
        let tokens = ws.path("softhsm-tokens");
        std::fs::create_dir_all(&tokens).expect("token directory");
        let conf = ws.path("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                tokens.display()
            ),
        )
        .expect("softhsm2.conf");
        Self { conf }
    }

    /// The token directory another process of the same test set up (its `SOFTHSM2_CONF`).
    pub fn existing(conf: PathBuf) -> Self {
        Self { conf }
    }

    /// The environment a process needs to see these tokens.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![("SOFTHSM2_CONF", s(&self.conf).to_owned())]
    }

    fn run(&self, ws: &Workspace, program: &str, args: &[&str]) -> String {
        let output = Command::new(program)
            .args(args)
            .current_dir(ws.dir())
            .env("SOFTHSM2_CONF", &self.conf)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
        assert!(
            output.status.success(),
            "{program} {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Makes a token with this label (user PIN [`PIN`]).
    pub fn init_token(&self, ws: &Workspace, label: &str) {
        self.run(
            ws,
            "softhsm2-util",
            &[
                "--init-token",
                "--free",
                "--label",
                label,
                "--so-pin",
                SO_PIN,
                "--pin",
                PIN,
            ],
        );
    }

    fn tool(&self, ws: &Workspace, token: &str, args: &[&str]) -> String {
        let mut all = vec![
            "--module",
            MODULE,
            "--token-label",
            token,
            "--login",
            "--pin",
            PIN,
        ];
        all.extend_from_slice(args);
        self.run(ws, "pkcs11-tool", &all)
    }

    /// Writes a private key (PEM, any type openssl reads) to the token, sensitive and not
    /// extractable, private, with this id (hex) and label.
    pub fn import_key(&self, ws: &Workspace, token: &str, key_pem: &Path, id: &str, label: &str) {
        let der = ws.path(&format!("{label}-{id}.key.der"));
        ws.openssl(&[
            "pkcs8",
            "-topk8",
            "-nocrypt",
            "-in",
            s(key_pem),
            "-outform",
            "DER",
            "-out",
            s(&der),
        ]);
        let private = ["--sensitive", "--private", "--usage-sign"];
        self.write_object(ws, token, &der, "privkey", id, label, &private);
        std::fs::remove_file(der).expect("remove the key's DER copy");
    }

    /// Writes a certificate (PEM) to the token with this id and label.
    pub fn import_cert(&self, ws: &Workspace, token: &str, cert_pem: &Path, id: &str, label: &str) {
        let der = ws.path(&format!("{label}-{id}.cert.der"));
        ws.openssl(&[
            "x509",
            "-in",
            s(cert_pem),
            "-outform",
            "DER",
            "-out",
            s(&der),
        ]);
        self.write_object(ws, token, &der, "cert", id, label, &[]);
    }

    /// Writes a key and its certificate to the token, both with this id and label (see
    /// [`Self::import_key`] and [`Self::import_cert`]).
    pub fn import_pair(
        &self,
        ws: &Workspace,
        token: &str,
        key_pem: &Path,
        cert_pem: &Path,
        id: &str,
        label: &str,
    ) {
        self.import_key(ws, token, key_pem, id, label);
        self.import_cert(ws, token, cert_pem, id, label);
    }

    /// Makes the token [`APP_TOKEN`] holding this key and its certificate as [`APP_KEY`] (id 01).
    pub fn app_token(&self, ws: &Workspace, key_pem: &Path, cert_pem: &Path) {
        self.init_token(ws, APP_TOKEN);
        self.import_pair(ws, APP_TOKEN, key_pem, cert_pem, "01", APP_KEY);
    }

    /// Writes a DER object of this `pkcs11-tool --type` to the token with this id and label.
    #[allow(clippy::too_many_arguments)]
    fn write_object(
        &self,
        ws: &Workspace,
        token: &str,
        der: &Path,
        object_type: &str,
        id: &str,
        label: &str,
        extra: &[&str],
    ) {
        let mut args = vec![
            "--write-object",
            s(der),
            "--type",
            object_type,
            "--id",
            id,
            "--label",
            label,
        ];
        args.extend_from_slice(extra);
        self.tool(ws, token, &args);
    }

    /// What `pkcs11-tool -O` says about the token's objects (after a login).
    pub fn objects(&self, ws: &Workspace, token: &str) -> String {
        self.tool(ws, token, &["-O"])
    }
}

/// Runs `test` of this test binary again in a child process that sees only these tokens (the
/// workspace directory in the environment variable `child_var`, `SOFTHSM2_CONF`): a module loads
/// its tokens once per process. Shows the child's output and asserts that it ran the test and
/// that it passed.
pub fn run_in_child(test: &str, child_var: &str, ws: &Workspace, hsm: &SoftHsm) {
    let output = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(child_var, ws.dir())
        .env("SOFTHSM2_CONF", &hsm.conf)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // Shown with --nocapture (libtest keeps it otherwise).
    eprintln!("{text}");
    assert!(output.status.success(), "{text}");
    // The child ran the test (a typo in the name would run nothing and pass).
    assert!(text.contains("1 passed"), "{text}");
}
