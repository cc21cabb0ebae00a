//! A Flagsmith webhook receiver in axum, with the crate's `axum` feature: the route verifies
//! the raw body (axum's `Json` extractor would parse it first, and the signature could never
//! match), answers by the npm package's status table, and hands every authentic delivery to
//! `on_delivery`.
//!
//! `FLAGSMITH_WEBHOOK_SECRET=… cargo run --example axum --features axum` serves
//! http://127.0.0.1:8787/webhook; `cargo test --example axum --features axum` sends it signed
//! and unsigned requests.

use axum::Router;
use flagsmith_webhooks::axum::{Received, Webhook};
use flagsmith_webhooks::delivery::Payload;
use flagsmith_webhooks::model::Event;
use flagsmith_webhooks::{describe, Verifier};

/// Runs once per authentic delivery; an `Err` is answered 500 and reported to `on_error`.
async fn on_delivery(received: Received) -> Result<(), std::io::Error> {
    match &received.delivery.payload {
        Payload::Conforming(event) => {
            println!("{}", describe(event));
            if let Some(flag) = event.flag() {
                // The state to cache: the new one, or for FLAG_DELETED the deleted one.
                let _ = (flag.state.feature.id, flag.state.enabled, flag.deleted);
            }
            if let Event::AuditLogCreated(audit) = event {
                let _ = &audit.data.log;
            }
        }
        // Authentic, but not in the model's shape (Flagsmith changed something): keep it.
        Payload::NonConforming(kept) => {
            println!(
                "kept {} ({} deviations)",
                received.delivery.key,
                kept.deviations.len()
            );
        }
        _ => {}
    }
    Ok(())
}

/// The webhook route.
fn app(verifier: Verifier) -> Router {
    let webhook = Webhook::new(verifier).on_error(|failure| {
        eprintln!("flagsmith webhook: {}: {}", failure.code, failure.message);
    });
    Router::new().route("/webhook", webhook.handler(on_delivery))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // During a secret rotation, FLAGSMITH_WEBHOOK_SECRET="new,old" accepts both.
    let secrets = std::env::var("FLAGSMITH_WEBHOOK_SECRET")?;
    let verifier = Verifier::new(secrets.split(','))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8787").await?;
    println!("listening on http://127.0.0.1:8787/webhook");
    axum::serve(listener, app(verifier)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    const SECRET: &str = "whsec_demo_f1agsm1th";

    /// A FLAG_UPDATED body as Flagsmith sends it.
    const BODY: &str = r#"{"data": {"changed_by": "jane.doe@example.com", "new_state": {"enabled": true, "environment": {"id": 22, "name": "Development"}, "feature": {"created_date": "2025-11-30T22:10:00.450000Z", "default_enabled": false, "description": null, "id": 7400, "initial_value": null, "name": "dark_mode", "project": {"id": 12, "name": "Web Shop"}, "type": "STANDARD"}, "feature_segment": null, "feature_state_value": true, "identity": 88213, "identity_identifier": "user_123", "multivariate_feature_state_values": []}, "timestamp": "2026-08-21T12:00:00.000000Z"}, "event_type": "FLAG_UPDATED"}"#;

    async fn send(method: &str, body: &'static [u8], signature: Option<&str>) -> StatusCode {
        let mut request = Request::builder()
            .method(method)
            .uri("/webhook")
            .header("content-type", "application/json");
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
        let body = BODY.as_bytes();
        let signature = flagsmith_webhooks::sign(SECRET.as_bytes(), body);
        assert_eq!(send("POST", body, Some(&signature)).await, StatusCode::OK);
        assert_eq!(send("POST", body, None).await, StatusCode::UNAUTHORIZED);
        let zeros = "0".repeat(64);
        assert_eq!(
            send("POST", body, Some(&zeros)).await,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(send("GET", b"", None).await, StatusCode::METHOD_NOT_ALLOWED);
        // Authentic JSON that is not a Flagsmith payload still reaches on_delivery.
        let other = br#"{"hello": "world"}"#;
        let signed = flagsmith_webhooks::sign(SECRET.as_bytes(), other);
        assert_eq!(send("POST", other, Some(&signed)).await, StatusCode::OK);
        let not_json = b"hello";
        let signed = flagsmith_webhooks::sign(SECRET.as_bytes(), not_json);
        assert_eq!(
            send("POST", not_json, Some(&signed)).await,
            StatusCode::BAD_REQUEST
        );
    }
}
