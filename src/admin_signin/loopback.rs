//! The loopback listener that receives the browser's redirect (RFC 8252 section 7.3): bound to
//! 127.0.0.1 on a port the system picks, and to [::1] on the same port where IPv6 is available
//! (`localhost` may resolve to either), never to another interface. It answers requests for other
//! paths with 404 and keeps waiting, takes exactly one redirect, answers it with a short page and
//! closes when dropped.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use url::Url;
use zeroize::Zeroizing;

use super::error::SignInError;
use crate::core::signin::pkce::{
    AuthorizationCode, RedirectError, State, loopback_redirect_uri, read_redirect,
};

/// The most bytes read of a request's head: a redirect with a code is 1–3 KiB.
const HEAD_MAX: usize = 16 * 1024;

/// How long one connection may take to send its request; browsers open idle connections ahead of
/// time, and those must not hold up the redirect (each is read on its own task).
const HEAD_TIMEOUT: Duration = Duration::from_secs(30);

const DONE_PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>certconnect</title></head><body><h1>Signed in</h1><p>certconnect received the sign-in. You can close this window.</p></body></html>";
const FAILED_PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>certconnect</title></head><body><h1>Sign-in not completed</h1><p>certconnect did not accept this sign-in; it says why. You can close this window.</p></body></html>";
const NOT_FOUND_PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>certconnect</title></head><body><p>Not found.</p></body></html>";

/// Listening for the redirect.
pub(super) struct LoopbackListener {
    v4: TcpListener,
    v6: Option<TcpListener>,
    port: u16,
}

impl LoopbackListener {
    /// Binds 127.0.0.1 on an ephemeral port, and [::1] on the same port when it can.
    pub async fn bind() -> Result<Self, SignInError> {
        let v4 = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(SignInError::Listener)?;
        let port = v4.local_addr().map_err(SignInError::Listener)?.port();
        // No IPv6, or the port taken there: the browser then reaches us on 127.0.0.1.
        let v6 = TcpListener::bind((Ipv6Addr::LOCALHOST, port)).await.ok();
        Ok(Self { v4, v6, port })
    }

    /// `http://localhost:{port}/`.
    pub fn redirect_uri(&self) -> Url {
        loopback_redirect_uri(self.port)
    }

    /// Waits for the redirect of the sign-in with `state` and returns its code; the listener is
    /// closed when this returns. Requests for other paths get 404; any other unusable redirect
    /// (another state, a refusal) ends the sign-in.
    pub async fn wait_for_code(
        self,
        redirect_uri: &Url,
        state: &State,
    ) -> Result<AuthorizationCode, SignInError> {
        let mut reading = JoinSet::new();
        loop {
            tokio::select! {
                accepted = self.v4.accept() => {
                    if let Ok((stream, _)) = accepted {
                        reading.spawn(read_head(stream));
                    }
                }
                accepted = accept_v6(self.v6.as_ref()) => {
                    if let Ok((stream, _)) = accepted {
                        reading.spawn(read_head(stream));
                    }
                }
                Some(joined) = reading.join_next() => {
                    let Ok(Some((mut stream, line))) = joined else { continue };
                    match read_redirect(&line, redirect_uri, state) {
                        Ok(code) => {
                            respond(&mut stream, "200 OK", DONE_PAGE).await;
                            return Ok(code);
                        }
                        Err(RedirectError::OtherPath | RedirectError::NotGet(_) | RedirectError::NotARequest) => {
                            respond(&mut stream, "404 Not Found", NOT_FOUND_PAGE).await;
                        }
                        Err(error) => {
                            respond(&mut stream, "400 Bad Request", FAILED_PAGE).await;
                            return Err(SignInError::Redirect(error));
                        }
                    }
                }
            }
        }
    }
}

async fn accept_v6(
    listener: Option<&TcpListener>,
) -> std::io::Result<(TcpStream, std::net::SocketAddr)> {
    match listener {
        Some(listener) => listener.accept().await,
        None => std::future::pending().await,
    }
}

/// Reads a request's head and returns its first line; `None` for a connection that sends no
/// complete line in time or sends too much.
async fn read_head(mut stream: TcpStream) -> Option<(TcpStream, Zeroizing<String>)> {
    // The head holds the code: wiped when dropped.
    let mut head = Zeroizing::new(Vec::new());
    let read = async {
        let mut buf = [0u8; 2048];
        loop {
            let n = stream.read(&mut buf).await.ok()?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
            if head.windows(4).any(|w| w == b"\r\n\r\n") || head.len() > HEAD_MAX {
                break;
            }
        }
        Some(())
    };
    tokio::time::timeout(HEAD_TIMEOUT, read).await.ok()??;
    let end = head.windows(2).position(|w| w == b"\r\n")?;
    let line = Zeroizing::new(std::str::from_utf8(&head[..end]).ok()?.to_owned());
    Some((stream, line))
}

/// Answers with a small page and closes the connection.
async fn respond(stream: &mut TcpStream, status: &str, page: &str) {
    let answer = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{page}",
        page.len()
    );
    let write = async {
        stream.write_all(answer.as_bytes()).await.ok();
        stream.shutdown().await.ok();
    };
    // A browser that stopped reading must not hold up the sign-in.
    tokio::time::timeout(Duration::from_secs(5), write)
        .await
        .ok();
}
