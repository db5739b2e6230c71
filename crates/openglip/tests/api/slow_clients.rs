//! Slow clients (issue 15, item 1): connections that never finish their headers are closed
//! within the header timeout while ordinary requests are answered throughout; a stalled body and
//! an idle kept-alive connection are closed too; one address cannot hold more connections than
//! its cap; a WebSocket that does not authenticate is closed at once.

use std::net::SocketAddr;
use std::time::Duration;

use openglip_server::ServerConfig;
use openglip_server::listen::ConnectionLimits;
use openglip_testkit::test_config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::helpers::{TestApp, spawn_app_with};

/// A server whose connection timeouts are `timeout`, allowing `per_peer` connections an address.
async fn app_with_limits(timeout: Duration, per_peer: usize) -> TestApp {
    spawn_app_with(ServerConfig {
        connections: ConnectionLimits {
            header_read_timeout: timeout,
            body_read_timeout: timeout,
            max_connections_per_peer: per_peer,
        },
        ..test_config()
    })
    .await
}

fn addr(app: &TestApp) -> SocketAddr {
    app.base
        .trim_start_matches("http://")
        .parse()
        .expect("the server's address")
}

/// A connection to the server from the loopback address `from` (127.0.0.2, … are all this
/// machine, and count as other peers).
async fn connect_from(from: [u8; 4], to: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("a socket");
    socket
        .bind(SocketAddr::from((from, 0)))
        .expect("bind a loopback address");
    socket.connect(to).await.expect("connect")
}

/// Reads until the server closes the connection (a reset counts as closed); fails the test if
/// it is still open after `patience`.
async fn closed_within(mut conn: TcpStream, patience: Duration) -> Vec<u8> {
    let mut got = Vec::new();
    let read = tokio::time::timeout(patience, async {
        let mut buf = [0u8; 4096];
        loop {
            match conn.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(
        read.is_ok(),
        "the server kept the connection open (read so far: {:?})",
        String::from_utf8_lossy(&got)
    );
    got
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_half_open_connections_are_closed_while_requests_are_answered() {
    // The test process holds both ends of every connection.
    openglip_server::listen::raise_open_file_limit();
    let timeout = Duration::from_secs(2);
    // The cap is above the thousand: this test is about the timeout (the cap has its own).
    let app = app_with_limits(timeout, 1100).await;
    let to = addr(&app);

    let mut slow = Vec::new();
    for _ in 0..1000 {
        let mut c = connect_from([127, 0, 0, 2], to).await;
        c.write_all(b"GET /restapi HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .expect("a partial header");
        slow.push(c);
    }

    // Meanwhile, and until every slow connection is closed, another client is answered.
    let waiting = tokio::spawn(async move {
        for c in slow {
            closed_within(c, timeout * 5).await;
        }
    });
    let patient = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut answered = 0;
    while !waiting.is_finished() {
        let r = patient.get(app.url("/restapi")).send().await;
        assert_eq!(r.expect("answered").status(), 200);
        answered += 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    waiting.await.expect("every half-open connection closed");
    assert!(answered > 0);
}

#[tokio::test]
async fn an_address_cannot_hold_more_connections_than_its_cap() {
    // A header timeout far longer than the test: the held connections stay until dropped.
    let app = app_with_limits(Duration::from_secs(120), 20).await;
    let to = addr(&app);
    let mut held = Vec::new();
    for _ in 0..20 {
        let mut c = connect_from([127, 0, 0, 3], to).await;
        c.write_all(b"GET /restapi HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .expect("a partial header");
        held.push(c);
    }
    // The address's cap is reached: one more connection is closed without an answer.
    let mut extra = connect_from([127, 0, 0, 3], to).await;
    extra
        .write_all(b"GET /restapi HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .ok();
    let answer = closed_within(extra, Duration::from_secs(10)).await;
    assert!(answer.is_empty(), "past the cap: {answer:?}");
    // Another address is served meanwhile.
    let mut other = connect_from([127, 0, 0, 4], to).await;
    other
        .write_all(b"GET /restapi HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let answer = closed_within(other, Duration::from_secs(10)).await;
    assert!(answer.starts_with(b"HTTP/1.1 200"), "{answer:?}");
    // The capped address's connections are given back when they close: it is served again.
    drop(held);
    let served = async {
        loop {
            let mut again = connect_from([127, 0, 0, 3], to).await;
            again
                .write_all(b"GET /restapi HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .await
                .unwrap();
            if closed_within(again, Duration::from_secs(10))
                .await
                .starts_with(b"HTTP/1.1 200")
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(20), served)
        .await
        .expect("the address is served again once its connections closed");
}

#[tokio::test]
async fn a_stalled_body_and_an_idle_kept_alive_connection_are_closed() {
    let timeout = Duration::from_secs(1);
    let app = app_with_limits(timeout, 16).await;
    let to = addr(&app);

    // A body that stops after 10 of its 100 bytes.
    let mut stalled = connect_from([127, 0, 0, 1], to).await;
    stalled
        .write_all(
            b"POST /restapi/oauth/token HTTP/1.1\r\nHost: x\r\n\
              Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n\
              grant_type",
        )
        .await
        .unwrap();
    closed_within(stalled, timeout * 5).await;

    // A kept-alive connection, answered once, then left idle.
    let mut idle = connect_from([127, 0, 0, 1], to).await;
    idle.write_all(b"GET /restapi HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let answer = closed_within(idle, timeout * 5).await;
    assert!(answer.starts_with(b"HTTP/1.1 200"), "{answer:?}");
}

#[tokio::test]
async fn a_websocket_without_a_valid_token_is_closed_at_once() {
    let app = app_with_limits(Duration::from_secs(30), 16).await;
    let url = format!(
        "{}/ws?access_token=nonsense",
        app.base.replace("http", "ws")
    );
    let (ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("the upgrade is answered");
    let (_, read) = futures_util::StreamExt::split(ws);
    let frames = tokio::time::timeout(
        Duration::from_secs(5),
        futures_util::StreamExt::collect::<Vec<_>>(read),
    )
    .await
    .expect("closed by the server, well before the header timeout");
    assert!(!frames.is_empty(), "an error frame, then the close");
}
