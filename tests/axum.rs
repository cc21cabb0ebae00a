//! The `axum` feature answers the JavaScript receivers' request table the same way: every
//! fixture and real request, drift, tampering, rotation, header spellings, methods, oversize,
//! non-JSON and a failing handler, sent over real HTTP to an axum server on 127.0.0.1.
//!
//! The table comes from the npm package's own tests (tests/js/helpers/receiver-table.mjs, printed by
//! tests/js/helpers/export-receiver-table.mjs), so it needs the built package: `bash scripts/build.sh`.
#![cfg(feature = "axum")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::post;
use axum::Router;
use flagsmith_webhooks::axum::{Received, Rejection, Webhook, DEFAULT_MAX_BODY_BYTES};
use flagsmith_webhooks::delivery::Payload;
use flagsmith_webhooks::model::Event;
use flagsmith_webhooks::{sign, Verifier};
use serde_json::Value;

/// One handler call, as the JavaScript table's `takeCalls` sees it.
#[derive(Debug, Clone)]
struct Call {
    route: String,
    key: String,
    deviation_paths: Vec<String>,
    body: Vec<u8>,
    has_signature_header: bool,
}

type Calls = Arc<Mutex<Vec<Call>>>;

/// The route a JavaScript receiver's `on` table would pick.
fn route_of(payload: &Payload) -> String {
    match payload {
        Payload::Conforming(Event::Identity(_)) => "identity".into(),
        Payload::Conforming(Event::Unknown(_)) => "default".into(),
        Payload::Conforming(event) => event.event_type().unwrap_or("default").into(),
        _ => "nonConforming".into(),
    }
}

#[derive(Debug)]
struct Explosion;
impl std::fmt::Display for Explosion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("handler failure requested by the test")
    }
}
impl std::error::Error for Explosion {}

async fn record(calls: Calls, received: Received) -> Result<(), Explosion> {
    let flag = received.delivery.payload.event().and_then(Event::flag);
    if flag.is_some_and(|flag| flag.state.feature.name == "explode") {
        return Err(Explosion);
    }
    calls.lock().unwrap().push(Call {
        route: route_of(&received.delivery.payload),
        key: received.delivery.key.clone(),
        deviation_paths: received
            .delivery
            .payload
            .deviations()
            .iter()
            .map(|d| d.path.clone())
            .collect(),
        body: received.body.to_vec(),
        has_signature_header: received.headers.contains_key("x-flagsmith-signature"),
    });
    Ok(())
}

/// Serves `app` on 127.0.0.1 from a thread of its own; the address.
fn serve(app: Router) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    address
}

/// A response: status, lower-cased headers, body.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends exactly these header lines and body over a fresh connection (as Flagsmith's
/// python-requests client would), writing from a thread of its own so that a server that
/// answers early (405, 413) is heard; returns the response once complete.
fn raw_request(
    address: SocketAddr,
    method: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Response {
    let mut head = format!(
        "{method} /webhook HTTP/1.1\r\nHost: {address}\r\nUser-Agent: python-requests/2.33.0\r\nConnection: close\r\n"
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if method != "GET" || !body.is_empty() {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut request = head.into_bytes();
    request.extend_from_slice(body);
    send_raw(address, request)
}

/// Sends these bytes over a fresh connection; the response once complete.
fn send_raw(address: SocketAddr, request: Vec<u8>) -> Response {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sending = std::thread::spawn(move || {
        // The server may answer and close before reading it all: that is allowed.
        let _ = writer.write_all(&request);
    });
    let mut received = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    let response = loop {
        if let Some(response) = parse_response(&received) {
            break response;
        }
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => {
                break parse_response(&received)
                    .unwrap_or_else(|| panic!("no complete response ({} bytes)", received.len()))
            }
            Ok(n) => received.extend_from_slice(&buffer[..n]),
        }
    };
    let _ = stream.shutdown(std::net::Shutdown::Both);
    sending.join().unwrap();
    response
}

fn parse_response(raw: &[u8]) -> Option<Response> {
    let head_end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let rest = &raw[head_end + 4..];
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map(|(_, v)| v.parse().unwrap())
        .unwrap_or(0);
    if rest.len() < length {
        return None;
    }
    Some(Response {
        status,
        headers,
        body: String::from_utf8_lossy(&rest[..length]).into_owned(),
    })
}

/// The table, as the npm package's tests build it.
fn table() -> Value {
    let root = env!("CARGO_MANIFEST_DIR");
    let output = Command::new("node")
        .arg("tests/js/helpers/export-receiver-table.mjs")
        .current_dir(root)
        .output()
        .expect("node runs (the table is the npm package's)");
    assert!(
        output.status.success(),
        "the table could not be built; build the npm package first (bash scripts/build.sh): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn text(value: &Value) -> String {
    value.as_str().unwrap().to_owned()
}

#[test]
fn an_axum_receiver_answers_the_javascript_receivers_table_alike() {
    let table = table();
    assert_eq!(
        table["defaultMaxBodyBytes"].as_u64().unwrap() as usize,
        DEFAULT_MAX_BODY_BYTES,
        "the default body limit differs between the npm package and the crate"
    );
    let secrets: Vec<String> = table["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(text)
        .collect();
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let reported = failures.clone();
    let webhook = Webhook::new(Verifier::new(&secrets).unwrap())
        .max_body_bytes(table["maxBodyBytes"].as_u64().unwrap() as usize)
        .on_error(move |failure| {
            reported
                .lock()
                .unwrap()
                .push(format!("{} {:?}", failure.code, failure.delivery_key));
        });
    let calls: Calls = Arc::default();
    let recorded = calls.clone();
    let app = Router::new().route(
        "/webhook",
        webhook.handler(move |received| record(recorded.clone(), received)),
    );
    let address = serve(app);

    let cases = table["cases"].as_array().unwrap();
    assert!(cases.len() > 150, "{} cases", cases.len());
    for case in cases {
        let name = text(&case["name"]);
        let headers: Vec<(String, String)> = case["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|pair| (text(&pair[0]), text(&pair[1])))
            .collect();
        let body = hex::decode(text(&case["body"])).unwrap();
        let response = raw_request(address, &text(&case["method"]), &headers, &body);
        assert_eq!(
            u64::from(response.status),
            case["status"].as_u64().unwrap(),
            "{name}: {}",
            response.body
        );
        assert_eq!(
            response.header("content-type"),
            Some("application/json"),
            "{name}"
        );
        let answer: Value = serde_json::from_str(&response.body).unwrap();
        if let Some(code) = case["code"].as_str() {
            assert_eq!(answer["error"], code, "{name}");
            assert_eq!(answer["ok"], false, "{name}");
            for secret in &secrets {
                assert!(!response.body.contains(secret.as_str()), "{name}: secret");
            }
        }
        if response.status == 405 {
            assert_eq!(response.header("allow"), Some("POST"), "{name}");
            assert_eq!(answer["error"], "method_not_allowed", "{name}");
        }
        let taken = std::mem::take(&mut *calls.lock().unwrap());
        if case["route"].is_null() {
            assert!(taken.is_empty(), "{name}: no handler may run: {taken:?}");
            continue;
        }
        assert_eq!(taken.len(), 1, "{name}: exactly one handler call");
        let call = &taken[0];
        assert_eq!(call.route, text(&case["route"]), "{name}");
        assert_eq!(call.key.len(), 64, "{name}");
        assert!(call.key.bytes().all(|b| b.is_ascii_hexdigit()), "{name}");
        assert_eq!(call.body, body, "{name}: the body byte for byte");
        assert!(call.has_signature_header, "{name}");
        match case["deviationAt"].as_str() {
            Some(at) => assert!(
                call.deviation_paths
                    .iter()
                    .any(|path| path == at || path.starts_with(&format!("{at}."))),
                "{name}: a deviation at {at} in {:?}",
                call.deviation_paths
            ),
            None => assert!(call.deviation_paths.is_empty(), "{name}"),
        }
    }
    // The failing handler's error reached on_error, with its delivery key.
    let failures = failures.lock().unwrap();
    assert!(
        failures
            .iter()
            .any(|f| f.starts_with("handler_failed Some(")),
        "{failures:?}"
    );
}

const SECRET: &str = "whsec_demo_f1agsm1th";

fn fixture() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/01_flag_updated_env_default.json"
    ))
    .unwrap()
}

fn signed(address: SocketAddr, body: &[u8]) -> Response {
    let signature = sign(SECRET.as_bytes(), body);
    raw_request(
        address,
        "POST",
        &[("X-Flagsmith-Signature".to_owned(), signature)],
        body,
    )
}

#[test]
fn a_slow_handler_is_acknowledged_with_202_and_finishes() {
    let finished = Arc::new(Mutex::new(false));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let (flag, reported) = (finished.clone(), failures.clone());
    let webhook = Webhook::new(Verifier::new([SECRET]).unwrap())
        .acknowledge_after(Some(Duration::from_millis(50)))
        .on_error(move |failure| reported.lock().unwrap().push(failure.code));
    let app = Router::new().route(
        "/webhook",
        webhook.handler(move |_received| {
            let flag = flag.clone();
            async move {
                tokio::time::sleep(Duration::from_millis(300)).await;
                *flag.lock().unwrap() = true;
                Err::<(), _>(Explosion)
            }
        }),
    );
    let address = serve(app);
    let response = signed(address, &fixture());
    assert_eq!(response.status, 202, "{}", response.body);
    let answer: Value = serde_json::from_str(&response.body).unwrap();
    assert_eq!(answer["acknowledged"], "early");
    assert!(
        !*finished.lock().unwrap(),
        "answered before the handler ended"
    );
    // The handler runs on, and its failure still reaches on_error.
    for _ in 0..100 {
        if !failures.lock().unwrap().is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(*finished.lock().unwrap());
    assert_eq!(*failures.lock().unwrap(), vec!["handler_failed"]);
}

#[test]
fn a_panicking_handler_is_answered_500_and_reported() {
    let failures = Arc::new(Mutex::new(Vec::new()));
    let reported = failures.clone();
    let webhook = Webhook::new(Verifier::new([SECRET]).unwrap()).on_error(move |failure| {
        reported
            .lock()
            .unwrap()
            .push((failure.code, failure.source.map(|s| s.to_string())));
    });
    let app = Router::new().route(
        "/webhook",
        webhook.handler(|_received| async {
            if true {
                panic!("the handler panicked");
            }
            Ok::<(), Explosion>(())
        }),
    );
    let address = serve(app);
    let response = signed(address, &fixture());
    assert_eq!(response.status, 500);
    assert!(response.body.contains("\"handler_failed\""));
    let failures = failures.lock().unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].0, "handler_failed");
    assert!(failures[0].1.as_deref().unwrap().contains("panic"));
}

/// The extractor: a handler that writes its own response, with requests that are not authentic
/// deliveries answered by the table before it runs.
#[test]
fn the_extractor_rejects_by_the_table_and_hands_over_authentic_deliveries() {
    async fn own_response(received: Received) -> impl IntoResponse {
        (StatusCode::CREATED, received.delivery.key)
    }
    let webhook = Webhook::new(Verifier::new([SECRET]).unwrap()).max_body_bytes(2048);
    let app = Router::new()
        .route("/webhook", post(own_response))
        .with_state(webhook);
    let address = serve(app);
    let body = fixture();
    let response = signed(address, &body);
    assert_eq!(response.status, 201);
    assert_eq!(response.body.len(), 64);
    let unsigned = raw_request(address, "POST", &[], &body);
    assert_eq!(unsigned.status, 401);
    assert!(unsigned.body.contains("\"missing_signature\""));
    let large = vec![b' '; 4096];
    assert_eq!(signed(address, &large).status, 413);
    // Without a Content-Length, the limit holds while reading.
    let mut chunked = format!(
        "POST /webhook HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\
         Transfer-Encoding: chunked\r\nX-Flagsmith-Signature: {}\r\n\r\n",
        sign(SECRET.as_bytes(), &large)
    )
    .into_bytes();
    for piece in large.chunks(1000) {
        chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let response = send_raw(address, chunked);
    assert_eq!(response.status, 413, "{}", response.body);
}

#[test]
fn a_rejection_converts_every_core_error_with_its_status() {
    let error = Verifier::new([SECRET])
        .unwrap()
        .verify_delivery(b"{}", &"0".repeat(64))
        .unwrap_err();
    let rejection = Rejection::from(error);
    assert_eq!(rejection.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(rejection.code(), "signature_mismatch");
    assert!(rejection.to_string().starts_with("signature_mismatch: "));
}
