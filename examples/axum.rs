//! A Flagsmith webhook receiver in an axum handler. The handler takes the body as `Bytes`, the
//! raw request bytes: axum's `Json` extractor would parse and the signature could never match.
//!
//! `cargo run --example axum` serves on 127.0.0.1:8787 with the secret in
//! `FLAGSMITH_WEBHOOK_SECRET`; `cargo test --example axum` sends it signed and unsigned requests.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use flagsmith_webhooks::{describe, Event, Verifier, SIGNATURE_HEADER};

/// The webhook route, with the verifier (keyed once) as state.
fn app(verifier: Verifier) -> Router {
    Router::new()
        .route("/webhook", post(receive))
        .with_state(Arc::new(verifier))
}

async fn receive(
    State(verifier): State<Arc<Verifier>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    // HeaderMap lookups are case-insensitive; a repeated header's values are comma-joined.
    let signature = headers
        .get_all(SIGNATURE_HEADER)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    match verifier.verify_and_parse(&body, &signature) {
        Ok(event) => {
            if let Event::FlagUpdated(update) = &event {
                // Act on the change here (or hand it to a queue and answer at once).
                let _ = &update.data.new_state;
            }
            (StatusCode::OK, describe(&event))
        }
        Err(error) => {
            let status = match error.code() {
                "missing_signature" | "malformed_signature" | "signature_mismatch" => {
                    StatusCode::UNAUTHORIZED
                }
                _ => StatusCode::BAD_REQUEST,
            };
            (status, format!("{}: {error}", error.code()))
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("FLAGSMITH_WEBHOOK_SECRET")?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8787").await?;
    println!("listening on http://127.0.0.1:8787/webhook");
    axum::serve(listener, app(Verifier::new([secret])?)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    const SECRET: &str = "whsec_demo_f1agsm1th";

    async fn send(body: &'static [u8], signature: Option<&str>) -> StatusCode {
        let mut request = Request::post("/webhook").header("content-type", "application/json");
        if let Some(signature) = signature {
            request = request.header("x-flagsmith-signature", signature);
        }
        let app = app(Verifier::new([SECRET]).unwrap());
        app.oneshot(request.body(Body::from(body)).unwrap())
            .await
            .unwrap()
            .status()
    }

    #[tokio::test]
    async fn verifies_the_raw_body() {
        let body = include_bytes!("../tests/fixtures/01_flag_updated_env_default.json");
        let signature = flagsmith_webhooks::sign(SECRET.as_bytes(), body);
        assert_eq!(send(body, Some(&signature)).await, StatusCode::OK);
        assert_eq!(send(body, None).await, StatusCode::UNAUTHORIZED);
        assert_eq!(
            send(body, Some(&"0".repeat(64))).await,
            StatusCode::UNAUTHORIZED
        );
        let not_a_payload = br#"{"hello": "world"}"#;
        let signed = flagsmith_webhooks::sign(SECRET.as_bytes(), not_a_payload);
        assert_eq!(
            send(not_a_payload, Some(&signed)).await,
            StatusCode::BAD_REQUEST
        );
    }
}
