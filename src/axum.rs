//! Receiving webhooks in [axum](https://docs.rs/axum) (the `axum` feature): the same statuses,
//! error codes, JSON bodies, size limit, delivery key and tolerant receiving as the npm
//! package's receivers, so a Rust and a JavaScript receiver answer any request alike.
//!
//! Two shapes, one behaviour:
//!
//! - [`Webhook::handler`] wraps an async function of a [`Received`] delivery into a route that
//!   answers by the table below: the handler only says whether it succeeded.
//! - [`Received`] is also an extractor (with a [`Webhook`] in the router's state), for a
//!   handler that writes its own response; a request that is not an authentic delivery is
//!   answered by the table before the handler runs.
//!
//! | status | `error` code | when |
//! |---|---|---|
//! | 200 | | the handler succeeded (`{"ok":true}`) |
//! | 202 | | the handler is still running after [`Webhook::acknowledge_after`] (8 s): answered before Flagsmith's 10-second timeout makes it send the delivery again; the handler runs on |
//! | 405 | `method_not_allowed` | not a POST (with `Allow: POST`) |
//! | 413 | `body_too_large` | the body is over [`Webhook::max_body_bytes`] (1 MiB) |
//! | 401 | `missing_signature`, `malformed_signature`, `signature_mismatch` | not signed by any of the secrets |
//! | 400 | `invalid_json`, `invalid_payload` | signed, but not a JSON object |
//! | 500 | `handler_failed` | the handler returned an error or panicked |
//!
//! Errors are `{"ok":false,"error":"<code>","message":"<what to do>"}`; no message contains a
//! secret. An authentic JSON object is always handed to the handler, whether or not it fits the
//! model ([`Payload::NonConforming`](crate::delivery::Payload::NonConforming) with its
//! deviations): Flagsmith never retries a 4xx or 5xx, so rejecting it would lose it.
//!
//! ```
//! use axum::Router;
//! use flagsmith_webhooks::axum::{Received, Webhook};
//! use flagsmith_webhooks::delivery::Payload;
//! use flagsmith_webhooks::model::Event;
//! use flagsmith_webhooks::Verifier;
//!
//! async fn on_delivery(received: Received) -> Result<(), std::io::Error> {
//!     match &received.delivery.payload {
//!         Payload::Conforming(Event::FlagUpdated(update)) => {
//!             let _state = &update.data.new_state; // cache it, enqueue it…
//!         }
//!         // Authentic, but not in the model's shape: keep the body to handle it later.
//!         Payload::NonConforming(kept) => {
//!             let _deviations = &kept.deviations;
//!             let _body = &received.body;
//!         }
//!         _ => {}
//!     }
//!     Ok(())
//! }
//!
//! # fn main() -> Result<(), flagsmith_webhooks::Error> {
//! let webhook = Webhook::new(Verifier::new(["the webhook's secret"])?);
//! let app: Router = Router::new().route("/webhooks/flagsmith", webhook.handler(on_delivery));
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use ::axum::body::{Body, Bytes};
use ::axum::extract::{FromRef, FromRequest, Request};
use ::axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use ::axum::response::{IntoResponse, Response};
use ::axum::routing::MethodRouter;
use http_body_util::{LengthLimitError, Limited};

use crate::delivery::Delivery;
use crate::error::Error;
use crate::signature::Verifier;

/// The body size limit unless [`Webhook::max_body_bytes`] says otherwise: 1 MiB, as in the npm
/// package. Flagsmith's largest bodies (an audit log record with a long change log) are a few
/// kilobytes.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// How long the handler may run before the request is answered 202 unless
/// [`Webhook::acknowledge_after`] says otherwise: Flagsmith gives up after 10 seconds and sends
/// the delivery again.
pub const DEFAULT_ACKNOWLEDGE_AFTER: Duration = Duration::from_secs(8);

/// What a failure is reported to [`Webhook::on_error`] with.
type ErrorHook = Arc<dyn Fn(&Failure<'_>) + Send + Sync>;

/// A receiver's configuration: the verifier (keyed once), the body limit, when to acknowledge a
/// slow handler, and where failures are reported. Cheap to clone.
#[derive(Clone)]
pub struct Webhook {
    verifier: Arc<Verifier>,
    max_body_bytes: usize,
    acknowledge_after: Option<Duration>,
    on_error: Option<ErrorHook>,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("verifier", &self.verifier)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("acknowledge_after", &self.acknowledge_after)
            .field("on_error", &self.on_error.as_ref().map(|_| "Fn"))
            .finish()
    }
}

/// A failure, as [`Webhook::on_error`] receives it: every request not answered 200 or 202, and
/// every failing handler (also one that fails after its request was acknowledged).
#[derive(Debug)]
#[non_exhaustive]
pub struct Failure<'a> {
    /// The error code the response carries (or would have carried): `handler_failed`,
    /// `signature_mismatch`…
    pub code: &'static str,
    /// What went wrong and what to do; never a secret.
    pub message: &'a str,
    /// The delivery's key, when the request was an authentic delivery.
    pub delivery_key: Option<&'a str>,
    /// The handler's error, or its panic.
    pub source: Option<&'a (dyn std::error::Error + Send + Sync + 'static)>,
}

impl Webhook {
    /// A receiver for the verifier's secrets, with a body limit of [`DEFAULT_MAX_BODY_BYTES`]
    /// and acknowledgement after [`DEFAULT_ACKNOWLEDGE_AFTER`].
    pub fn new(verifier: Verifier) -> Self {
        Webhook {
            verifier: Arc::new(verifier),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            acknowledge_after: Some(DEFAULT_ACKNOWLEDGE_AFTER),
            on_error: None,
        }
    }

    /// Answers a body over `bytes` with 413 `body_too_large`, without reading the rest of it.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// For [`handler`](Webhook::handler): answers 202 when the handler is still running after
    /// `after`, and lets it run on (its failure still reaches [`on_error`](Webhook::on_error));
    /// `None` waits for the handler however long it takes.
    pub fn acknowledge_after(mut self, after: Option<Duration>) -> Self {
        self.acknowledge_after = after;
        self
    }

    /// Called with every failure: rejected requests and failing handlers. The place to log
    /// them; a failing handler's error goes nowhere else (its response says only
    /// `handler_failed`).
    pub fn on_error(mut self, hook: impl Fn(&Failure<'_>) + Send + Sync + 'static) -> Self {
        self.on_error = Some(Arc::new(hook));
        self
    }

    /// The verifier, to sign test requests with or to verify elsewhere.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// Reads and verifies a request: its method, size and signature; the delivery when it is
    /// authentic, else the [`Rejection`] to answer with.
    pub async fn receive(&self, request: Request) -> Result<Received, Rejection> {
        let result = self.read(request).await;
        if let Err(rejection) = &result {
            self.report(&Failure {
                code: rejection.code,
                message: &rejection.message,
                delivery_key: None,
                source: None,
            });
        }
        result
    }

    async fn read(&self, request: Request) -> Result<Received, Rejection> {
        let (parts, body) = request.into_parts();
        if parts.method != Method::POST {
            return Err(Rejection::method_not_allowed(&parts.method));
        }
        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<u64>().ok());
        if declared.is_some_and(|length| length > self.max_body_bytes as u64) {
            return Err(Rejection::body_too_large(self.max_body_bytes));
        }
        let body = read_body(body, self.max_body_bytes).await?;
        let delivery = self
            .verifier
            .verify_delivery_from_headers(&parts.headers, &body)?;
        Ok(Received {
            delivery,
            headers: parts.headers,
            body,
            received_at: SystemTime::now(),
        })
    }

    /// A route (for every method, so that others are answered 405 by the table) that receives
    /// deliveries and runs `handler` on each: 200 when it returns `Ok`, 500 `handler_failed`
    /// when it returns an error or panics, 202 when it is still running after
    /// [`acknowledge_after`](Webhook::acknowledge_after). The handler runs in a task of its own,
    /// so it finishes even when Flagsmith has stopped waiting.
    pub fn handler<H, F, E, S>(self, handler: H) -> MethodRouter<S>
    where
        H: Fn(Received) -> F + Clone + Send + Sync + 'static,
        F: Future<Output = Result<(), E>> + Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
        S: Clone + Send + Sync + 'static,
    {
        ::axum::routing::any(move |request: Request| {
            let webhook = self.clone();
            let handler = handler.clone();
            async move { webhook.answer(request, handler).await }
        })
    }

    async fn answer<H, F, E>(&self, request: Request, handler: H) -> Response
    where
        H: Fn(Received) -> F,
        F: Future<Output = Result<(), E>> + Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let received = match self.receive(request).await {
            Ok(received) => received,
            Err(rejection) => return rejection.into_response(),
        };
        let key = received.delivery.key.clone();
        let run = handler(received);
        let mut work = tokio::spawn(async move { run.await.map_err(Into::into) });
        let outcome = match self.acknowledge_after {
            None => Some((&mut work).await),
            Some(after) => tokio::time::timeout(after, &mut work).await.ok(),
        };
        match outcome {
            Some(finished) => match self.settle(finished, &key) {
                Ok(()) => json_response(StatusCode::OK, serde_json::json!({ "ok": true })),
                Err(rejection) => rejection.into_response(),
            },
            None => {
                let webhook = self.clone();
                tokio::spawn(async move {
                    let _ = webhook.settle(work.await, &key);
                });
                let message = format!(
                    "the handler is still running after {} ms; its outcome goes to on_error.",
                    self.acknowledge_after.unwrap_or_default().as_millis()
                );
                json_response(
                    StatusCode::ACCEPTED,
                    serde_json::json!({ "ok": true, "acknowledged": "early", "message": message }),
                )
            }
        }
    }

    /// The handler's outcome: reported when it failed, and the response it deserves.
    fn settle(
        &self,
        finished: Result<Result<(), BoxError>, tokio::task::JoinError>,
        key: &str,
    ) -> Result<(), Rejection> {
        let error: BoxError = match finished {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(error)) => error,
            Err(join_error) => Box::new(join_error),
        };
        let rejection = Rejection::handler_failed();
        self.report(&Failure {
            code: rejection.code,
            message: &rejection.message,
            delivery_key: Some(key),
            source: Some(error.as_ref()),
        });
        Err(rejection)
    }

    fn report(&self, failure: &Failure<'_>) {
        if let Some(hook) = &self.on_error {
            hook(failure);
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The body, up to `limit` bytes.
async fn read_body(body: Body, limit: usize) -> Result<Bytes, Rejection> {
    use http_body_util::BodyExt;
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<LengthLimitError>() => Err(Rejection::body_too_large(limit)),
        Err(error) => Err(Rejection::new(
            "handler_failed",
            format!("the request could not be read ({error})."),
        )),
    }
}

/// An authentic delivery, with the request it came in: everything needed to store it and run it
/// through a receiver again later (the headers and the body byte for byte).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Received {
    /// Which secret signed it, its key (the same for Flagsmith's retries of it), and its
    /// payload: typed when it fits the model, whole with its deviations when not.
    pub delivery: Delivery,
    /// The request's headers, as received.
    pub headers: HeaderMap,
    /// The body, byte for byte as signed.
    pub body: Bytes,
    /// When the request was received.
    pub received_at: SystemTime,
}

impl<S> FromRequest<S> for Received
where
    Webhook: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        Webhook::from_ref(state).receive(request).await
    }
}

/// Why a request was not handed to the handler (or why the handler's response is a 500):
/// answered with its status and `{"ok":false,"error":code,"message":…}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl Rejection {
    /// The HTTP status it is answered with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The stable error code: an [`Error::code`] or `method_not_allowed`, `body_too_large`,
    /// `handler_failed`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// What went wrong and what to do about it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A rejection with the status the receivers' one table gives `code`.
    fn new(code: &'static str, message: String) -> Self {
        Rejection {
            status: StatusCode::from_u16(Error::http_status_of(code))
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            code,
            message,
        }
    }

    fn method_not_allowed(method: &Method) -> Self {
        Rejection::new(
            "method_not_allowed",
            format!(
                "Flagsmith sends webhooks as POST, not {}.",
                crate::text::excerpt(method.as_str())
            ),
        )
    }

    fn body_too_large(limit: usize) -> Self {
        Rejection::new(
            "body_too_large",
            format!(
                "the body is larger than the limit of {limit} bytes. Raise max_body_bytes if \
                 your payloads are legitimately this large."
            ),
        )
    }

    fn handler_failed() -> Self {
        Rejection::new(
            "handler_failed",
            "the webhook handler failed; see your on_error log. Flagsmith will not retry a 500."
                .to_owned(),
        )
    }
}

impl From<Error> for Rejection {
    fn from(error: Error) -> Self {
        Rejection::new(error.code(), error.to_string())
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Rejection {}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let mut response = json_response(
            self.status,
            serde_json::json!({ "ok": false, "error": self.code, "message": self.message }),
        );
        if self.status == StatusCode::METHOD_NOT_ALLOWED {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
        }
        response
    }
}

fn json_response(status: StatusCode, body: serde_json::Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
