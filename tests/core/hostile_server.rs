//! Hostile servers on 127.0.0.1 (issue 11, rows 5, 13, 14): a token endpoint answering 1 GiB, a
//! 429 whose Retry-After is already past, a Graph answering `{"caught":true}`. The answers are
//! written by hand on a TCP socket; the 1 GiB body is produced as a stream, never allocated.

use crate::support;

use std::time::{Duration, Instant};

use certconnect::core::event::Step;
use support::probe_env::{Env, failure_code, retries};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// What the server sends on each connection.
#[derive(Clone, Copy)]
enum Answer {
    /// 200 with `Content-Length: 1 GiB`, streamed until the client hangs up.
    GiantWithLength,
    /// 200, chunked, 64 KiB chunks of a JSON string without end.
    GiantChunked,
    /// 429 with a Retry-After date in the past.
    TooManyPastDate,
    /// 200 `{"caught":true}`.
    Caught,
}

/// Starts the server on the env's runtime; returns its base URL.
fn serve(env: &Env, answer: Answer) -> String {
    let listener = env
        .rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    env.rt.spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = vec![0u8; 16 * 1024];
                // One read is enough for these small requests; the body is not needed.
                let _read = socket.read(&mut request).await;
                let chunk = vec![b'a'; 64 * 1024];
                match answer {
                    Answer::GiantWithLength => {
                        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n{\"access_token\":\"";
                        if socket.write_all(head.as_bytes()).await.is_err() {
                            return;
                        }
                        for _ in 0..16 * 1024 {
                            if socket.write_all(&chunk).await.is_err() {
                                return;
                            }
                        }
                    }
                    Answer::GiantChunked => {
                        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
                        if socket.write_all(head.as_bytes()).await.is_err() {
                            return;
                        }
                        for _ in 0..16 * 1024 {
                            let size = format!("{:x}\r\n", chunk.len());
                            if socket.write_all(size.as_bytes()).await.is_err()
                                || socket.write_all(&chunk).await.is_err()
                                || socket.write_all(b"\r\n").await.is_err()
                            {
                                return;
                            }
                        }
                    }
                    Answer::TooManyPastDate => {
                        let body = r#"{"error":"temporarily_unavailable","error_description":"slow down"}"#;
                        let head = format!(
                            "HTTP/1.1 429 Too Many Requests\r\nRetry-After: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        socket.write_all(head.as_bytes()).await.ok();
                    }
                    Answer::Caught => {
                        let body = r#"{"caught":true}"#;
                        let head = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        socket.write_all(head.as_bytes()).await.ok();
                    }
                }
                socket.shutdown().await.ok();
            });
        }
    });
    format!("http://{addr}")
}

#[test]
fn r005_a_gigabyte_token_answer_is_cut_off_at_the_cap() {
    for answer in [Answer::GiantWithLength, Answer::GiantChunked] {
        let env = Env::new();
        let base = serve(&env, answer);
        let mut draft = env.draft();
        draft.token_url = format!("{base}/t/oauth2/v2.0/token");
        draft.timeout_secs = "30".into();
        let started = Instant::now();
        let (result, _) = env.run(draft.parse().unwrap());
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{:?}",
            started.elapsed()
        );
        let error = result.unwrap_err();
        assert_eq!(
            (error.step, error.failure.code.as_str()),
            (Step::Token, "answer_too_large"),
            "{:?}",
            error.failure
        );
        assert!(
            error.failure.message.contains("at most 262144 bytes"),
            "{}",
            error.failure.message
        );
        assert!(!error.failure.message.contains("aaaa"));
    }
}

#[test]
fn r013_a_retry_after_date_in_the_past_waits_the_policys_backoff() {
    let env = Env::new();
    let base = serve(&env, Answer::TooManyPastDate);
    let mut draft = env.draft();
    draft.token_url = format!("{base}/t/oauth2/v2.0/token");
    let (result, events) = env.run(draft.parse().unwrap());
    assert!(result.is_err());
    // retry_max 3, base 20 ms, doubling: the policy's own waits, not 0 ms each.
    assert_eq!(retries(&events), vec![(1, 20), (2, 40), (3, 80)]);
}

#[test]
fn r014_a_graph_answer_without_the_fields_fails_the_step_and_names_them() {
    let env = Env::new();
    let base = serve(&env, Answer::Caught);
    let mut draft = env.draft();
    draft.graph_url = format!("{base}/v1.0");
    let (result, _) = env.run(draft.parse().unwrap());
    assert_eq!(failure_code(&result), "graph_answer_incomplete");
    let error = result.unwrap_err();
    assert_eq!(error.step, Step::GraphSite);
    assert!(
        error.failure.message.contains("has no 'id'"),
        "{}",
        error.failure.message
    );
}
