//! Test support: real certificate files made with the `openssl` and `keytool` command-line tools
//! in a temporary directory, and a runner for the real `certconnect` binary.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of this module"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A temporary directory that holds the files of one test.
pub struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The profile directory the binary uses when run by [`certconnect`] here
    /// (`CERTCONNECT_CONFIG_DIR` is the workspace's `config`).
    pub fn profiles_dir(&self) -> PathBuf {
        self.path("config").join("profiles")
    }

    /// The profile store the binary uses when run by [`certconnect`] here.
    pub fn profile_store(&self) -> certconnect::profile_store::ProfileStore {
        certconnect::profile_store::ProfileStore::at(self.profiles_dir())
    }

    /// Runs a tool in the workspace and panics with its output if it fails.
    pub fn run(&self, program: &str, args: &[&str]) {
        let output = Command::new(program)
            .args(args)
            .current_dir(self.dir())
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
        assert!(
            output.status.success(),
            "{program} {args:?} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    pub fn openssl(&self, args: &[&str]) {
        self.run("openssl", args);
    }

    /// An unencrypted PKCS#8 RSA key (`BEGIN PRIVATE KEY`).
    pub fn rsa_key(&self, name: &str, bits: u32) -> PathBuf {
        let bits = format!("rsa_keygen_bits:{bits}");
        self.openssl(&[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            &bits,
            "-out",
            name,
        ]);
        self.path(name)
    }

    /// A self-signed certificate for `key`, valid from now for `days` (-1 makes it expired).
    pub fn self_signed(&self, name: &str, key: &Path, subject: &str, days: i32) -> PathBuf {
        let csr = format!("{name}.csr");
        self.openssl(&[
            "req",
            "-new",
            "-key",
            s(key),
            "-subj",
            subject,
            "-out",
            &csr,
        ]);
        let days = days.to_string();
        self.openssl(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-signkey",
            s(key),
            "-days",
            &days,
            "-sha256",
            "-out",
            name,
        ]);
        self.path(name)
    }

    /// A self-signed certificate with explicit validity (`YYYYMMDDHHMMSSZ`), made by `openssl ca`.
    pub fn dated(&self, name: &str, key: &Path, start: &str, end: &str) -> PathBuf {
        let db = self.path("ca-db");
        std::fs::create_dir_all(&db).expect("ca dir");
        std::fs::write(db.join("index.txt"), "").expect("index");
        std::fs::write(db.join("serial"), "1000\n").expect("serial");
        let config = self.path("ca.cnf");
        std::fs::write(
            &config,
            "[ca]\ndefault_ca = d\n[d]\ndatabase = ca-db/index.txt\nnew_certs_dir = ca-db\n\
             serial = ca-db/serial\ndefault_md = sha256\npolicy = p\nunique_subject = no\n\
             [p]\ncommonName = supplied\n",
        )
        .expect("ca config");
        let csr = format!("{name}.csr");
        self.openssl(&[
            "req",
            "-new",
            "-key",
            s(key),
            "-subj",
            "/CN=Dated",
            "-out",
            &csr,
        ]);
        self.openssl(&[
            "ca",
            "-batch",
            "-config",
            "ca.cnf",
            "-selfsign",
            "-keyfile",
            s(key),
            "-in",
            &csr,
            "-startdate",
            start,
            "-enddate",
            end,
            "-notext",
            "-out",
            name,
        ]);
        self.path(name)
    }

    /// A CA and a leaf it signed: returns (ca_cert, leaf_key, leaf_cert).
    pub fn ca_and_leaf(&self) -> (PathBuf, PathBuf, PathBuf) {
        let ca_key = self.rsa_key("ca.key", 2048);
        let ca = self.self_signed("ca.pem", &ca_key, "/CN=Contoso Issuing CA", 3650);
        let leaf_key = self.rsa_key("leaf.key", 2048);
        self.openssl(&[
            "req",
            "-new",
            "-key",
            "leaf.key",
            "-subj",
            "/CN=Contoso Connector",
            "-out",
            "leaf.csr",
        ]);
        self.openssl(&[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            s(&ca),
            "-CAkey",
            s(&ca_key),
            "-CAcreateserial",
            "-days",
            "365",
            "-sha256",
            "-out",
            "leaf.pem",
        ]);
        (ca, leaf_key, self.path("leaf.pem"))
    }

    /// A new RSA 2048 key, its self-signed certificate (`/CN={name}`, a year) and both in a PFX
    /// protected by `password`: `{name}.key`, `{name}.pem`, `{name}.pfx`, returned as
    /// (certificate, key, PFX).
    pub fn certificate_files(&self, name: &str, password: &str) -> (PathBuf, PathBuf, PathBuf) {
        let key = self.rsa_key(&format!("{name}.key"), 2048);
        let cert = self.self_signed(&format!("{name}.pem"), &key, &format!("/CN={name}"), 365);
        let pfx = self.pfx(&format!("{name}.pfx"), &key, &cert, password, &[]);
        (cert, key, pfx)
    }

    /// A PKCS#12 file; `extra` adds options such as `-legacy` or `-certfile ca.pem`.
    pub fn pfx(
        &self,
        name: &str,
        key: &Path,
        cert: &Path,
        password: &str,
        extra: &[&str],
    ) -> PathBuf {
        let pass = format!("pass:{password}");
        let mut args = vec![
            "pkcs12",
            "-export",
            "-inkey",
            s(key),
            "-in",
            s(cert),
            "-out",
            name,
            "-passout",
            &pass,
        ];
        args.extend_from_slice(extra);
        self.openssl(&args);
        self.path(name)
    }

    /// Adds an RSA key entry to a JKS keystore with keytool (store and key share `password`).
    pub fn jks_key(&self, store: &str, alias: &str, common_name: &str, password: &str) {
        self.keytool_key(store, "JKS", alias, common_name, password);
    }

    /// Adds an RSA key entry to a keystore of `store_type` (JKS or PKCS12) with keytool.
    pub fn keytool_key(
        &self,
        store: &str,
        store_type: &str,
        alias: &str,
        common_name: &str,
        password: &str,
    ) {
        let dname = format!("CN={common_name}");
        self.run(
            "keytool",
            &[
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-sigalg",
                "SHA256withRSA",
                "-validity",
                "365",
                "-dname",
                &dname,
                "-storetype",
                store_type,
                "-keystore",
                store,
                "-storepass",
                password,
                "-keypass",
                password,
            ],
        );
    }

    /// An encrypted PKCS#8 copy of `key` (`BEGIN ENCRYPTED PRIVATE KEY`, AES-256-CBC).
    pub fn encrypted_pkcs8(&self, key: &Path, password: &str, out: &str) -> PathBuf {
        let pass = format!("pass:{password}");
        self.openssl(&[
            "pkcs8",
            "-topk8",
            "-in",
            s(key),
            "-v2",
            "aes-256-cbc",
            "-passout",
            &pass,
            "-out",
            out,
        ]);
        self.path(out)
    }

    /// The SHA-1 thumbprint as `openssl x509 -fingerprint` prints it, without colons.
    pub fn openssl_sha1(&self, cert_pem: &Path) -> String {
        let output = Command::new("openssl")
            .args([
                "x509",
                "-in",
                s(cert_pem),
                "-noout",
                "-fingerprint",
                "-sha1",
            ])
            .output()
            .expect("openssl");
        let text = String::from_utf8_lossy(&output.stdout);
        text.trim()
            .rsplit('=')
            .next()
            .unwrap_or_default()
            .replace(':', "")
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).expect("write");
        path
    }
}

pub fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// Runs the real `certconnect` binary with its config dir pointed into the workspace.
pub fn certconnect(
    ws: &Workspace,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Option<&str>,
) -> Output {
    use std::io::Write as _;
    let mut command = Command::new(env!("CARGO_BIN_EXE_certconnect"));
    command
        .args(args)
        .current_dir(ws.dir())
        .env("CERTCONNECT_CONFIG_DIR", ws.path("config"))
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("run certconnect");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    child.wait_with_output().expect("certconnect output")
}

/// Runs the real `certconnect` binary like [`certconnect`], bounded: at most 4 GiB of address
/// space (`ulimit -v`, so a runaway read fails instead of exhausting the machine), stdin from
/// `stdin_file` (e.g. `/dev/zero`) or nothing, and killed after `secs` seconds. Returns the output
/// and whether it finished in time.
pub fn certconnect_bounded(
    ws: &Workspace,
    args: &[&str],
    env: &[(&str, &str)],
    stdin_file: Option<&Path>,
    secs: u64,
) -> (Output, bool) {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg("ulimit -v 4194304; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_certconnect"))
        .args(args)
        .current_dir(ws.dir())
        .env("CERTCONNECT_CONFIG_DIR", ws.path("config"))
        .env("CERTCONNECT_DATA_DIR", ws.path("data"))
        .stdin(match stdin_file {
            Some(path) => Stdio::from(std::fs::File::open(path).expect("stdin file")),
            None => Stdio::null(),
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("run certconnect");
    let started = std::time::Instant::now();
    let mut in_time = true;
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > std::time::Duration::from_secs(secs) {
            child.kill().ok();
            in_time = false;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    (
        child.wait_with_output().expect("certconnect output"),
        in_time,
    )
}

/// An HTTP client for the sandbox: no proxy, redirects as `redirect` says (a test that reads a
/// redirect itself follows none).
pub fn http_client(redirect: reqwest::redirect::Policy) -> reqwest::Client {
    // reqwest is built without a crypto provider; the process's is installed as certconnect does.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .redirect(redirect)
        .build()
        .unwrap()
}

/// The credential of a certificate file and its key file (PEM), as certconnect loads them.
pub fn load_pem_pair(cert: &Path, key: &Path) -> certconnect::cert::Credential {
    certconnect::cert::load_bytes(
        &std::fs::read(cert).unwrap(),
        Some(&std::fs::read(key).unwrap()),
        None,
        None,
    )
    .unwrap()
}

/// Every file under `dir` (recursively), read whole.
pub fn all_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            found.extend(all_files(&path));
        } else {
            found.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    found
}

/// Makes a FIFO (named pipe) at `path` with `mkfifo`.
pub fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard output as the one JSON document `--json` promises; panics with the output if it is not.
pub fn json_stdout(output: &Output) -> serde_json::Value {
    let text = stdout(output);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not one JSON document ({e}):\n{text}"))
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub mod key_vault_env;
pub mod leaks;
pub mod probe_env;
pub mod softhsm;
pub mod tls_server;

/// Runs the real binary for at most `limit` (killed, and the test failed, after that); returns its
/// exit code and standard error. With `close_stdout`, its standard output is a pipe whose read end
/// is closed before it writes (`certconnect … | head`); otherwise it is discarded.
pub fn run_within(
    ws: &Workspace,
    args: &[&str],
    limit: std::time::Duration,
    close_stdout: bool,
) -> (Option<i32>, String) {
    use std::io::Read as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_certconnect"))
        .args(args)
        .current_dir(ws.dir())
        .env("CERTCONNECT_CONFIG_DIR", ws.path("config"))
        .stdin(Stdio::null())
        .stdout(if close_stdout {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stderr(Stdio::piped())
        .spawn()
        .expect("run certconnect");
    drop(child.stdout.take());
    let deadline = std::time::Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for certconnect") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().ok();
            child.wait().ok();
            panic!("{args:?} did not end within {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut err = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        stderr.read_to_string(&mut err).ok();
    }
    (status.code(), err)
}
