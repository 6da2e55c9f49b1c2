//! Loop webhooks: an [`axum::Router`] that receives them, and the
//! subscription setup that makes Loop send them (feature `webhooks`).
//!
//! With webhooks, a return's ASNs are created seconds after the customer
//! starts it, instead of at the next scheduled pull. The router:
//!
//! 1. verifies the `X-Loop-Signature` header over the raw body — a missing
//!    or wrong signature is answered **401** and nothing is stored;
//! 2. parses the body — one that is not a Loop webhook payload is answered
//!    **400** and nothing is stored;
//! 3. **stores the event in the engine's store inbox before answering 200**
//!    ([`Store::push_event`](crate::Store::push_event)), keyed by
//!    [`DeliveryKey`], so a repeated delivery is acknowledged without a
//!    second inbox entry, and a crash right after the 200 loses nothing: the
//!    next engine over the same store handles the event
//!    ([`SyncEngine::process_inbox`], which
//!    [`SyncEngine::run`] calls on every pull). A store that cannot be
//!    written is answered **503**, so Loop delivers again later;
//! 4. wakes the engine ([`SyncEngine::wake`]): a running
//!    [`SyncEngine::run`] handles the inbox at once.
//!
//! Every rejection is logged with `tracing` (warn level) and otherwise
//! ignored.
//!
//! # Embedding
//!
//! The engine and the router share one [`SyncEngine`] (clones share
//! everything, the store included). Mount the router in your service's own
//! `axum` app, serve it, and stop both on shutdown:
//!
//! ```no_run
//! use cloudx_client::CloudxClient;
//! use loop_client::LoopClient;
//! use returns_core::IntegrationSettings;
//! use returns_sync::{MemoryStore, SyncEngine, webhooks};
//!
//! # async fn service() -> Result<(), Box<dyn std::error::Error>> {
//! let loop_client = LoopClient::builder("loop-api-key").build()?;
//! let cloudx = CloudxClient::builder("cloudx-client-secret").build()?;
//! let settings = IntegrationSettings::new("BERGEN-NJ-01").with_auto_process(true);
//! let engine = SyncEngine::builder(loop_client.clone(), cloudx, settings)
//!     .store(MemoryStore::new()) // a `SqliteStore` in a real service
//!     .build()
//!     .await?;
//!
//! // Loop must be able to reach this address; subscribe once (idempotent).
//! let public_url = format!("https://returns.example.com{}", webhooks::WEBHOOK_PATH);
//! webhooks::ensure_subscriptions(&loop_client, &public_url).await?;
//!
//! // The webhook route beside the service's own routes.
//! let app = axum::Router::new()
//!     .route("/healthz", axum::routing::get(|| async { "ok" }))
//!     .merge(webhooks::router(engine.clone(), "secret-from-loop-developer-tools"));
//! let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
//!
//! // One signal stops both: the server stops accepting deliveries, the
//! // engine finishes the pass in progress.
//! let (stop, stopped) = tokio::sync::watch::channel(false);
//! let mut engine_stopped = stopped.clone();
//! let runner = tokio::spawn(async move {
//!     let shutdown = async move {
//!         let _ = engine_stopped.wait_for(|stop| *stop).await;
//!     };
//!     engine.run(shutdown, |report| eprintln!("{:?}", report.counts)).await;
//! });
//! let mut server_stopped = stopped;
//! let server = axum::serve(listener, app).with_graceful_shutdown(async move {
//!     let _ = server_stopped.wait_for(|stop| *stop).await;
//! });
//! # let _ = &stop;
//! // … call `stop.send(true)` from your signal handler …
//! server.await?;
//! runner.await?;
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use loop_client::webhook::{
    DeliveryKey, SIGNATURE_HEADER, SignatureError, WebhookEvent, parse_event, verify_signature,
};
use loop_client::{
    LoopClient, Webhook, WebhookStatus, WebhookSubscription, WebhookTopic, WebhookTrigger,
};
use time::OffsetDateTime;
use tracing::Instrument as _;

use crate::SyncEngine;
use crate::store::InboxEvent;

/// The path the [`router`] receives Loop webhooks on: `POST /loop/webhooks`.
/// The subscription URL is your service's public address followed by this
/// path (unless you [`nest`](axum::Router::nest) the router elsewhere).
pub const WEBHOOK_PATH: &str = "/loop/webhooks";

/// The subscriptions the engine needs: every change of a return — created
/// (send it to the warehouse), updated (cancelled, expired: cancel its
/// waiting ASNs) and closed.
///
/// Label events are not needed (the engine reads a return's labels when it
/// handles the return's own event); subscribe to them with
/// [`ensure_subscriptions_for`] if you want them anyway.
pub const ENGINE_SUBSCRIPTIONS: [(WebhookTopic, WebhookTrigger); 3] = [
    (WebhookTopic::Return, WebhookTrigger::ReturnCreated),
    (WebhookTopic::Return, WebhookTrigger::ReturnUpdated),
    (WebhookTopic::Return, WebhookTrigger::ReturnClosed),
];

/// The router's shared state. The secret is never shown by `Debug`.
#[derive(Clone)]
struct Receiver {
    engine: SyncEngine,
    secret: Arc<str>,
}

impl fmt::Debug for Receiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("engine", &self.engine)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// The webhook endpoint: `POST` [`WEBHOOK_PATH`], verified with `secret` (the
/// signing secret Loop shows next to the subscription on its Developer Tools
/// page), storing each event in `engine`'s store and waking `engine`.
///
/// | the delivery | answer | what happens |
/// |---|---|---|
/// | `X-Loop-Signature` missing, malformed or wrong | 401 | logged, nothing stored |
/// | signed, but not a Loop webhook payload | 400 | logged, nothing stored |
/// | new, stored in the inbox | 200 | engine woken |
/// | already in the inbox (a redelivery) | 200 | nothing stored again |
/// | the store cannot be written | 503 | logged; Loop delivers again later |
/// | the configured secret is empty | 500 | logged as an error; Loop delivers again later |
///
/// The answer comes once the event is stored, never after it is handled, so
/// Loop's delivery timeout is never reached by the engine's work. Repeated
/// deliveries are recognised by [`DeliveryKey::of_event`] (topic, trigger,
/// return, state and update times), kept in the store, so they are
/// recognised across restarts and between several receivers sharing one
/// store.
///
/// See the [module docs](self) for mounting it beside a running engine.
pub fn router(engine: SyncEngine, secret: impl Into<String>) -> Router {
    let secret: String = secret.into();
    if secret.is_empty() {
        tracing::error!(
            "the Loop webhook secret is empty: every delivery will be answered 500 until it is set"
        );
    }
    let state = Receiver {
        engine,
        secret: Arc::from(secret),
    };
    Router::new()
        .route(WEBHOOK_PATH, post(receive))
        .with_state(state)
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> Response {
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok());
    match verify_signature(&body, signature, receiver.secret.as_bytes()) {
        Ok(()) => {}
        Err(SignatureError::EmptySecret) => {
            tracing::error!(
                bytes = body.len(),
                "Loop webhook not accepted: the configured webhook secret is empty"
            );
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "webhook secret not configured",
            )
                .into_response();
        }
        Err(error) => {
            tracing::warn!(%error, bytes = body.len(), "Loop webhook rejected: bad signature");
            return (StatusCode::UNAUTHORIZED, "invalid X-Loop-Signature").into_response();
        }
    }
    let event = match parse_event(&body) {
        Ok(event) => event,
        Err(error) => {
            tracing::warn!(%error, bytes = body.len(), "Loop webhook rejected: unparsable body");
            return (StatusCode::BAD_REQUEST, "not a Loop webhook payload").into_response();
        }
    };
    let Ok(text) = String::from_utf8(body.to_vec()) else {
        // serde_json only accepts UTF-8, so this is not expected.
        tracing::warn!("Loop webhook rejected: body is not UTF-8");
        return (StatusCode::BAD_REQUEST, "body is not UTF-8").into_response();
    };
    let inbox_event = InboxEvent {
        key: delivery_key(&event),
        return_id: event.return_id().map(ToString::to_string),
        topic: topic_of(&event),
        received_at: OffsetDateTime::now_utc(),
        body: text,
    };
    let span = tracing::info_span!(
        "loop_webhook",
        topic = %inbox_event.topic,
        trigger = event.trigger().map_or("", |t| t.as_str()),
        return_id = inbox_event.return_id.as_deref().unwrap_or(""),
        key = %inbox_event.key,
    );
    store_and_wake(&receiver.engine, &inbox_event)
        .instrument(span)
        .await
}

/// Stores the event (unless already there) and wakes the engine; the answer
/// to Loop.
async fn store_and_wake(engine: &SyncEngine, event: &InboxEvent) -> Response {
    match engine.store().push_event(event).await {
        Ok(true) => {
            tracing::debug!("Loop webhook stored in the inbox");
            engine.wake();
            (StatusCode::OK, "stored").into_response()
        }
        Ok(false) => {
            tracing::debug!("repeated Loop webhook delivery acknowledged");
            // Still pending if the engine has not handled it yet: a nudge
            // costs nothing.
            engine.wake();
            (StatusCode::OK, "already received").into_response()
        }
        Err(error) => {
            tracing::error!(%error, "Loop webhook not stored; answered 503 so Loop delivers again");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "cannot store the event now",
            )
                .into_response()
        }
    }
}

/// The inbox key of a delivery: [`DeliveryKey::of_event`], as text.
fn delivery_key(event: &WebhookEvent) -> String {
    DeliveryKey::of_event(event).to_string()
}

/// The event's topic as sent (falling back on its trigger).
fn topic_of(event: &WebhookEvent) -> String {
    let topic = match event {
        WebhookEvent::Return(e) => e.topic.as_ref(),
        WebhookEvent::Label(e) => e.topic.as_ref(),
        WebhookEvent::ReturnProcessing(e) => e.topic.as_ref(),
        WebhookEvent::Other(e) => e.topic.as_ref(),
        _ => None,
    };
    match (topic, event.trigger()) {
        (Some(topic), _) => topic.as_str().to_owned(),
        (None, Some(trigger)) => trigger.as_str().to_owned(),
        (None, None) => "unknown".to_owned(),
    }
}

/// What [`ensure_subscriptions`] found and did, one entry per subscription
/// asked for.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct SubscriptionSetup {
    /// Subscriptions created now.
    pub created: Vec<Webhook>,
    /// Subscriptions that existed for the URL but were not active (inactive,
    /// or deactivated by Loop after failed deliveries), activated now.
    pub reactivated: Vec<Webhook>,
    /// Active subscriptions that already existed; left as they were.
    pub unchanged: Vec<Webhook>,
}

impl SubscriptionSetup {
    /// Whether the call changed nothing in Loop.
    pub fn changed_nothing(&self) -> bool {
        self.created.is_empty() && self.reactivated.is_empty()
    }
}

/// Subscribes `url` to the events the engine needs
/// ([`ENGINE_SUBSCRIPTIONS`]), once: see [`ensure_subscriptions_for`].
///
/// `url` is where Loop can reach the [`router`], i.e. your public address
/// followed by [`WEBHOOK_PATH`].
///
/// # Errors
/// The first Loop call that failed ([`loop_client::Error`]); subscriptions
/// created before it stay, and a second call completes the rest.
pub async fn ensure_subscriptions(
    loop_client: &LoopClient,
    url: &str,
) -> Result<SubscriptionSetup, loop_client::Error> {
    ensure_subscriptions_for(loop_client, url, &ENGINE_SUBSCRIPTIONS).await
}

/// Subscribes `url` to each `(topic, trigger)` unless Loop already has that
/// subscription: lists the subscriptions (`GET /webhooks`), creates the
/// missing ones (`POST /webhooks`, active), and activates any for the same
/// topic, trigger and URL that is not active (`PUT /webhooks/{id}`).
/// Idempotent: a second call changes nothing.
///
/// URLs are compared exactly as written. Subscriptions of other URLs — older
/// deployments, other tools — are left alone.
///
/// # Errors
/// The first Loop call that failed ([`loop_client::Error`]); what was
/// created before it stays, and a second call completes the rest.
pub async fn ensure_subscriptions_for(
    loop_client: &LoopClient,
    url: &str,
    wanted: &[(WebhookTopic, WebhookTrigger)],
) -> Result<SubscriptionSetup, loop_client::Error> {
    let existing = loop_client.list_webhooks().await?;
    let mut setup = SubscriptionSetup::default();
    let mut seen: Vec<&(WebhookTopic, WebhookTrigger)> = Vec::new();
    for pair in wanted {
        if seen.contains(&pair) {
            continue;
        }
        seen.push(pair);
        let (topic, trigger) = pair;
        let matching: Vec<&Webhook> = existing
            .iter()
            .filter(|w| {
                w.topic.as_ref() == Some(topic)
                    && w.trigger.as_ref() == Some(trigger)
                    && w.url.as_deref() == Some(url)
            })
            .collect();
        if let Some(active) = matching
            .iter()
            .find(|w| w.status.as_ref() == Some(&WebhookStatus::Active))
        {
            setup.unchanged.push((*active).clone());
            continue;
        }
        let subscription = WebhookSubscription::new(topic.clone(), trigger.clone(), url);
        if let Some(inactive) = matching.first() {
            tracing::info!(id = %inactive.id, %topic, %trigger, url, "activating the Loop webhook subscription");
            let updated = loop_client
                .update_webhook(&inactive.id, &subscription)
                .await?;
            setup.reactivated.push(updated.unwrap_or_else(|| {
                let mut webhook = (*inactive).clone();
                webhook.status = Some(WebhookStatus::Active);
                webhook
            }));
        } else {
            tracing::info!(%topic, %trigger, url, "creating the Loop webhook subscription");
            setup
                .created
                .push(loop_client.create_webhook(&subscription).await?);
        }
    }
    Ok(setup)
}
