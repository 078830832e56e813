//! The sandbox survives abuse (issue 11, row 18): an absurd clock offset is refused at start,
//! a flood of requests keeps the request log at its limit, and half-sent or silent connections
//! are closed after the timeouts. Everything runs against the real sandbox on 127.0.0.1.

use crate::support;

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use certconnect::sandbox::{MAX_CLOCK_OFFSET_SECS, REQUEST_LOG_LIMIT, Sandbox, SandboxConfig};
use support::probe_env::runtime;
use support::{Workspace, s};

/// Runs the real binary for at most `limit`; returns its exit code and standard error.
fn run_bounded(ws: &Workspace, args: &[&str], limit: Duration) -> (Option<i32>, String) {
    support::run_within(ws, args, limit, false)
}

#[test]
fn a_clock_offset_past_year_9999_is_refused_at_start() {
    let ws = Workspace::new();
    let dir = ws.path("sandbox");
    for offset in [
        i64::MAX.to_string(),
        i64::MIN.to_string(),
        "400000000000".into(),
    ] {
        let (code, err) = run_bounded(
            &ws,
            &[
                "sandbox",
                "--port",
                "0",
                "--dir",
                s(&dir),
                "--clock-offset-secs",
                &offset,
            ],
            Duration::from_secs(20),
        );
        assert_eq!(code, Some(2), "{offset}: {err}");
        assert!(err.contains("clock offset"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // Refused before anything was written.
    assert!(!dir.join("sandbox.pfx").exists());
}

#[test]
fn the_library_refuses_an_absurd_offset_and_serves_the_largest_allowed_one() {
    let rt = runtime();
    let refused = rt.block_on(Sandbox::start(SandboxConfig {
        clock_offset_secs: i64::MAX,
        ..SandboxConfig::default()
    }));
    assert!(refused.is_err());
    for offset in [MAX_CLOCK_OFFSET_SECS, -MAX_CLOCK_OFFSET_SECS] {
        let sandbox = rt
            .block_on(Sandbox::start(SandboxConfig {
                clock_offset_secs: offset,
                ..SandboxConfig::default()
            }))
            .unwrap();
        let answer = exchange(
            sandbox.addr(),
            b"GET /v1.0/sites/root HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
        );
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
        assert!(
            answer.to_ascii_lowercase().contains("\r\ndate: "),
            "{answer}"
        );
    }
}

/// Sends `request` and reads until the server closes the connection (at most 10 s).
fn exchange(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).ok();
    String::from_utf8_lossy(&answer).into_owned()
}

fn named<T: Send + 'static>(
    name: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> std::thread::JoinHandle<T> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(work)
        .unwrap()
}

/// Sends `connections × per_connection` pipelined requests for a path that does not exist, each
/// with a `junk`-byte header; returns how many 404 answers came back.
fn flood(addr: SocketAddr, connections: usize, per_connection: usize, junk: usize) -> usize {
    let workers: Vec<_> = (0..connections)
        .map(|c| {
            let connection = move || {
                let mut stream = TcpStream::connect(addr).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(60)))
                    .unwrap();
                let mut writer = stream.try_clone().unwrap();
                // Pipelined: written by one thread while this one reads, so neither side stalls.
                let send = move || {
                    let filler = "j".repeat(junk);
                    let mut batch = String::new();
                    for i in 0..per_connection {
                        let close = if i + 1 == per_connection {
                            "connection: close\r\n"
                        } else {
                            ""
                        };
                        batch.push_str(&format!(
                            "GET /nowhere/{c}/{i} HTTP/1.1\r\nhost: x\r\nx-junk: {filler}\r\n{close}\r\n"
                        ));
                        if batch.len() > 64 * 1024 {
                            writer.write_all(batch.as_bytes()).unwrap();
                            batch.clear();
                        }
                    }
                    writer.write_all(batch.as_bytes()).unwrap();
                };
                let sender = named("flood-writer", send);
                let mut answers = Vec::new();
                stream.read_to_end(&mut answers).unwrap();
                sender.join().unwrap();
                String::from_utf8_lossy(&answers)
                    .matches("HTTP/1.1 404")
                    .count()
            };
            named("flood-reader", connection)
        })
        .collect();
    workers.into_iter().map(|w| w.join().unwrap()).sum()
}

#[test]
fn a_flood_of_bad_requests_keeps_the_log_at_its_limit() {
    const CONNECTIONS: usize = 4;
    const PER_CONNECTION: usize = 5_000;
    let rt = runtime();
    let sandbox = rt
        .block_on(Sandbox::start(SandboxConfig::default()))
        .unwrap();
    let addr = sandbox.addr();
    let started = Instant::now();
    let answered = flood(addr, CONNECTIONS, PER_CONNECTION, 200);
    assert_eq!(answered, CONNECTIONS * PER_CONNECTION);
    assert!(started.elapsed() < Duration::from_secs(120));
    let log = sandbox.requests();
    assert_eq!(log.len(), REQUEST_LOG_LIMIT);
    // The ring keeps the latest: one more request is its newest entry, the oldest has gone.
    exchange(
        addr,
        b"GET /nowhere/marker HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
    );
    let log = sandbox.requests();
    assert_eq!(log.len(), REQUEST_LOG_LIMIT);
    assert_eq!(log.last().map(|r| r.path.as_str()), Some("/nowhere/marker"));
    assert!(!log.iter().any(|r| r.path.ends_with("/0")));
}

/// Opens `count` connections, sends each `partial`, and returns how long until every one was
/// closed by the sandbox (panics past `limit`).
fn time_until_closed(addr: SocketAddr, count: usize, partial: &[u8], limit: Duration) -> Duration {
    let started = Instant::now();
    let mut streams: Vec<TcpStream> = (0..count)
        .map(|_| {
            let mut stream = TcpStream::connect(addr).unwrap();
            stream.write_all(partial).unwrap();
            stream
        })
        .collect();
    for stream in &mut streams {
        let left = limit.saturating_sub(started.elapsed());
        assert!(!left.is_zero(), "connections still open after {limit:?}");
        stream.set_read_timeout(Some(left)).unwrap();
        let mut rest = Vec::new();
        // EOF (or a reset) ends the read; a timeout means the sandbox kept the connection.
        match stream.read_to_end(&mut rest) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
            Err(e) => panic!("connection not closed within {limit:?}: {e}"),
        }
    }
    started.elapsed()
}

#[test]
fn half_sent_requests_are_closed_after_the_header_timeout() {
    let rt = runtime();
    let sandbox = rt
        .block_on(Sandbox::start(SandboxConfig {
            header_read_timeout: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(60),
            ..SandboxConfig::default()
        }))
        .unwrap();
    let took = time_until_closed(
        sandbox.addr(),
        500,
        b"GET /v1.0/sites/root HTTP/1.1\r\nhost: x\r\nx-half: ",
        Duration::from_secs(15),
    );
    assert!(
        took >= Duration::from_millis(900),
        "closed too early: {took:?}"
    );
}

#[test]
fn a_silent_connection_is_closed_after_the_idle_timeout() {
    let rt = runtime();
    let sandbox = rt
        .block_on(Sandbox::start(SandboxConfig {
            header_read_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(1),
            ..SandboxConfig::default()
        }))
        .unwrap();
    time_until_closed(
        sandbox.addr(),
        20,
        b"GET /v1.0/sites/root HTTP/1.1\r\n",
        Duration::from_secs(10),
    );
}

#[test]
fn a_trickled_body_is_cut_off() {
    let rt = runtime();
    let sandbox = rt
        .block_on(Sandbox::start(SandboxConfig {
            header_read_timeout: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(60),
            ..SandboxConfig::default()
        }))
        .unwrap();
    let mut stream = TcpStream::connect(sandbox.addr()).unwrap();
    stream
        .write_all(
            b"POST /t/oauth2/v2.0/token HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\na",
        )
        .unwrap();
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let started = Instant::now();
    // One byte every 300 ms keeps the connection busy, so only the body deadline can end it.
    loop {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "a trickled body held the connection"
        );
        let mut byte = [0u8; 64];
        match stream.read(&mut byte) {
            Ok(0) => break,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Ok(_) | Err(_) => {}
        }
        if stream.write_all(b"a").is_err() {
            break;
        }
    }
}

#[test]
fn an_oversized_body_is_refused_unread() {
    let rt = runtime();
    let sandbox = rt
        .block_on(Sandbox::start(SandboxConfig::default()))
        .unwrap();
    let body = "a".repeat(certconnect::sandbox::MAX_BODY + 1);
    let request = format!(
        "POST /t/oauth2/v2.0/token HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let answer = exchange(sandbox.addr(), request.as_bytes());
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

/// The resident memory of a process, in KiB (Linux `/proc`).
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Stops the sandbox process this test started, whatever happens to the test.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

#[test]
#[cfg(target_os = "linux")]
fn the_sandbox_command_keeps_its_memory_flat_under_a_flood() {
    use std::io::BufRead as _;
    let ws = Workspace::new();
    let dir = ws.path("sandbox");
    let mut child = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_certconnect"))
            .args(["sandbox", "--port", "0", "--dir", s(&dir)])
            .current_dir(ws.dir())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut first = String::new();
    let stdout = child.0.stdout.take().unwrap();
    // Kept open to the end: a closed pipe would end the sandbox at its next line.
    let mut reader = std::io::BufReader::new(stdout);
    reader.read_line(&mut first).unwrap();
    let url = first.trim().rsplit(' ').next().unwrap();
    let addr: SocketAddr = url.trim_start_matches("http://").parse().unwrap();
    let pid = child.0.id();
    // Warm up (threads, buffers), then measure across 20,000 requests of 4 KiB each: kept, they
    // would be some 80 MB; the ring holds 1,000.
    assert_eq!(flood(addr, 2, 500, 4096), 1_000);
    let before = rss_kib(pid);
    assert_eq!(flood(addr, 4, 5_000, 4096), 20_000);
    let after = rss_kib(pid);
    assert!(
        after < before + 30 * 1024,
        "RSS grew from {before} KiB to {after} KiB"
    );
    drop(reader);
}

#[test]
fn the_tenant_discovery_document_names_the_token_endpoint_clients_post_to() {
    let rt = runtime();
    let sandbox = rt
        .block_on(Sandbox::start(SandboxConfig::default()))
        .unwrap();
    let tenant = sandbox.tenant_id().to_owned();
    let host = sandbox.addr().to_string();
    let request = format!(
        "GET /{tenant}/v2.0/.well-known/openid-configuration HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n"
    );
    let answer = exchange(sandbox.addr(), request.as_bytes());
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let body: serde_json::Value =
        serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(body["token_endpoint"], sandbox.token_url().to_string());
    assert_eq!(body["issuer"], format!("http://{host}/{tenant}/v2.0"));
    // Only GET, and only where Entra serves it.
    let posted = exchange(
        sandbox.addr(),
        format!("POST /{tenant}/v2.0/.well-known/openid-configuration HTTP/1.1\r\nhost: {host}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").as_bytes(),
    );
    assert!(posted.starts_with("HTTP/1.1 404"), "{posted}");
}
