//! The HTTP client and its builder.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use http_transport::{
    Auth, ConfigError, RateLimit, Request, RetryPolicy, Timeouts, Transport, VendorProfile,
};
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use time::OffsetDateTime;

use crate::api::{AdditionalDetails, LoopApi};
use crate::classifier::LoopClassifier;
use crate::enums::CurrencyType;
use crate::error::{Error, Rejection};
use crate::error_body;
use crate::ids::{DestinationId, LineItemId, OrderId, ReturnId, WebhookId};
use crate::models::asn::AsnRow;
use crate::models::destinations::Destination;
use crate::models::grading::{AssessedItem, GradedItem, ItemDisposition, ItemGrade, ItemsBody};
use crate::models::list_body::{DestinationsKey, ItemsKey, ListKey, Listed, NotesKey, WebhooksKey};
use crate::models::notes::{CreateNoteBody, Note, NoteContent};
use crate::models::orders::Order;
use crate::models::returns::Return;
use crate::models::webhooks::{Webhook, WebhookSubscription};
use crate::pagination::ReturnsPage;
use crate::query::{ListReturnsQuery, ReturnLookup};
use crate::timestamp::format_query_time;
use crate::validation::InvalidInput;
use crate::version::ApiVersion;

/// Loop's production API root.
pub const DEFAULT_BASE_URL: &str = "https://api.loopreturns.com/api/v1";

/// Loop's published rate limit per API key.
pub const DEFAULT_REQUESTS_PER_MINUTE: u32 = 300;

/// Most items Grade Items and Assess Dispositions take per call.
///
/// Loop's API reference says 30; its grading guide says 20. The client splits
/// larger inputs into calls of at most this many items;
/// [`LoopClientBuilder::grading_batch_size`] lowers it (to 20, say).
pub const MAX_ITEMS_PER_CALL: usize = 30;

/// The header carrying the API key.
pub const API_KEY_HEADER: &str = "X-Authorization";

const PROFILE: VendorProfile = VendorProfile::new("loop").request_id_header("x-request-id");

/// A client of the Loop Returns API.
///
/// Cheap to clone: clones share one connection pool and one rate limiter, so
/// make one per API key and pass clones around. Every call is rate-limited to
/// Loop's 300 requests per minute by default, retried on throttling and
/// transient failures where a repeat is safe (see each method), and traced.
///
/// ```no_run
/// # async fn run() -> Result<(), loop_client::Error> {
/// use loop_client::{LoopClient, ReturnId};
///
/// let client = LoopClient::builder(std::env::var("LOOP_API_KEY").unwrap()).build()?;
/// client.flag_return(&ReturnId::from(40211877)).await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct LoopClient {
    transport: Transport,
    grading_batch_size: usize,
}

/// Configures a [`LoopClient`]; start with [`LoopClient::builder`].
pub struct LoopClientBuilder {
    api_key: SecretString,
    base_url: String,
    api_version: Option<ApiVersion>,
    timeouts: Timeouts,
    retry_policy: RetryPolicy,
    rate_limit: RateLimit,
    http_client: Option<reqwest::Client>,
    user_agent: Option<String>,
    grading_batch_size: usize,
}

impl fmt::Debug for LoopClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopClientBuilder")
            .field("api_key", &"[redacted]")
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("timeouts", &self.timeouts)
            .field("retry_policy", &self.retry_policy)
            .field("rate_limit", &self.rate_limit)
            .field("http_client", &self.http_client.is_some())
            .field("user_agent", &self.user_agent)
            .field("grading_batch_size", &self.grading_batch_size)
            .finish()
    }
}

impl LoopClientBuilder {
    /// The API root, `https://api.loopreturns.com/api/v1` by default. Point it
    /// at a mock server or the sandbox in tests. Its last path segment is the
    /// API version unless [`api_version`](Self::api_version) says otherwise.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// The API version segment. It replaces the base URL's last path segment
    /// when that segment is a version (`v1`, `2026-07`, `unstable`), and is
    /// appended to the base URL otherwise.
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.api_version = Some(version);
        self
    }

    /// Connect and per-attempt timeouts (default 10 s and 30 s).
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Retry policy (default: 4 attempts with capped, jittered backoff).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// Client-side rate limit (default: 300 per minute, Loop's limit per key).
    /// Clients sharing one key across processes should lower it.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = limit;
        self
    }

    /// Uses a caller-built `reqwest::Client` (proxy, TLS roots, pool).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Overrides the `User-Agent` (default `loop-client/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Items per Grade Items / Assess Dispositions call, clamped to
    /// `1..=`[`MAX_ITEMS_PER_CALL`].
    pub fn grading_batch_size(mut self, size: usize) -> Self {
        self.grading_batch_size = size.clamp(1, MAX_ITEMS_PER_CALL);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for an invalid base URL, an API key that is not a
    /// valid header value, or an HTTP client that cannot be built.
    pub fn build(self) -> Result<LoopClient, Error> {
        let base_url = versioned_base_url(&self.base_url, self.api_version.as_ref())?;
        let user_agent = self.user_agent.unwrap_or_else(|| {
            concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned()
        });
        let auth = Auth::try_api_key_header(API_KEY_HEADER, self.api_key.expose_secret())?;
        let mut transport = Transport::builder(PROFILE)
            .base_url(&base_url)?
            .auth(auth)
            .timeouts(self.timeouts)
            .retry_policy(self.retry_policy)
            .rate_limit(self.rate_limit)
            .user_agent(user_agent)
            .classifier(Arc::new(LoopClassifier));
        if let Some(client) = self.http_client {
            transport = transport.http_client(client);
        }
        Ok(LoopClient {
            transport: transport.build()?,
            grading_batch_size: self.grading_batch_size,
        })
    }
}

/// Applies the version segment to the base URL (see
/// [`LoopClientBuilder::api_version`]).
fn versioned_base_url(base: &str, version: Option<&ApiVersion>) -> Result<String, Error> {
    let Some(version) = version else {
        return Ok(base.to_owned());
    };
    let invalid = |reason: &str| {
        Error::Config(ConfigError::InvalidBaseUrl {
            url: base.to_owned(),
            reason: reason.to_owned(),
        })
    };
    let mut url = url::Url::parse(base).map_err(|e| invalid(&e.to_string()))?;
    let mut segments: Vec<String> = url
        .path_segments()
        .ok_or_else(|| invalid("cannot be a base URL"))?
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    match segments.last_mut() {
        Some(last) if ApiVersion::looks_like_version(last) => *last = version.to_string(),
        _ => segments.push(version.to_string()),
    }
    url.set_path(&segments.join("/"));
    Ok(url.to_string())
}

impl LoopClient {
    /// Starts configuring a client with the API key (sent raw as
    /// `X-Authorization`, never logged). The key needs the **Returns** scope
    /// for return data, actions and grading, **Developer Tools** for webhooks
    /// and **Destinations (Read)** for destinations.
    pub fn builder(api_key: impl Into<String>) -> LoopClientBuilder {
        LoopClientBuilder {
            api_key: SecretString::from(api_key.into()),
            base_url: DEFAULT_BASE_URL.to_owned(),
            api_version: None,
            timeouts: Timeouts::default(),
            retry_policy: RetryPolicy::default(),
            rate_limit: RateLimit::per_minute(DEFAULT_REQUESTS_PER_MINUTE),
            http_client: None,
            user_agent: None,
            grading_batch_size: MAX_ITEMS_PER_CALL,
        }
    }

    /// The underlying transport: the escape hatch for endpoints this crate
    /// does not model, with the same auth, base URL, retries and limiter.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    // ----- Return data -------------------------------------------------

    /// One page of the Detailed Returns List (`GET /warehouse/return/list`).
    ///
    /// Follow [`ReturnsPage::next_cursor`] with
    /// [`ListReturnsQuery::cursor`], or use
    /// [`LoopApi::returns_stream`] / [`LoopApi::returns_in_window`].
    /// Retried on throttling and transient failures.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when the query breaks Loop's limits (page size,
    /// 120-day window); [`Error::Http`] for failed calls (a 422 names the bad
    /// parameter).
    pub async fn list_returns_page(&self, query: &ListReturnsQuery) -> Result<ReturnsPage, Error> {
        query.validate()?;
        let request = Request::get("/warehouse/return/list")
            .operation("list_returns")
            .query_opt("from", query.from.map(format_query_time))
            .query_opt("to", query.to.map(format_query_time))
            .query_opt("filter", query.filter.map(|f| f.as_str()))
            .query_opt("state", query.state.as_ref().map(|s| s.as_str()))
            .query_opt("paginate", query.paginate.then_some("true"))
            .query_opt("pageSize", query.page_size)
            .query_opt("cursor", query.cursor.as_deref());
        self.get_json(request).await
    }

    /// Get Return Details (`GET /warehouse/return/details`): one return by
    /// return id, order id or order name, with amounts in the shop's or the
    /// shopper's currency. Timestamps of this endpoint carry no zone and are
    /// read as UTC (unconfirmed).
    ///
    /// # Errors
    ///
    /// [`Error::Http`]; Loop's not-found behaviour is undocumented, so check
    /// [`Error::is_not_found`] and [`Error::status`].
    pub async fn get_return(
        &self,
        lookup: &ReturnLookup,
        currency: Option<CurrencyType>,
    ) -> Result<Return, Error> {
        let (key, value) = lookup.query_pair();
        let request = Request::get("/warehouse/return/details")
            .operation("get_return")
            .query(key, value)
            .query_opt("currency_type", currency.map(CurrencyType::as_str));
        self.get_json(request).await
    }

    /// The Advanced Shipping Notice report (`GET /warehouse/reporting/asn`):
    /// one row per returned line item in the window. Not paginated. Which
    /// timestamp the window applies to and its maximum length are
    /// undocumented; both bounds are always sent.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when `to` is before `from`; [`Error::Http`].
    pub async fn asn_report(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<AsnRow>, Error> {
        if to < from {
            return Err(InvalidInput::InvertedWindow { from, to }.into());
        }
        let request = Request::get("/warehouse/reporting/asn")
            .operation("asn_report")
            .query("from", format_query_time(from))
            .query("to", format_query_time(to));
        self.get_list::<AsnRow, ItemsKey>(request).await
    }

    // ----- Return actions ----------------------------------------------

    /// Process a return (`POST /warehouse/return/{return_id}/process`).
    ///
    /// Asynchronous on Loop's side: `Ok` means **queued**. The outcome arrives
    /// as a `return.closed` webhook, or `return.processing.failed` on failure.
    /// `additional_details` are attached to orders processing creates and
    /// noted on the return's timeline.
    ///
    /// Retried on throttling and transient failures: a repeat is harmless,
    /// because Loop rejects processing a closed return. Treat that rejection
    /// as done with [`Error::is_already_closed`].
    ///
    /// # Errors
    ///
    /// [`Error::Rejected`] when Loop refuses (e.g. `UNPROCESSABLE_RETURN`,
    /// `UNPROCESSABLE_FLAGGED_RETURN`), even with HTTP 200; [`Error::Http`].
    pub async fn process_return(
        &self,
        return_id: &ReturnId,
        additional_details: Option<&AdditionalDetails>,
    ) -> Result<(), Error> {
        let mut request = Request::post("/warehouse/return/{return_id}/process")
            .operation("process_return")
            .path_param(return_id)
            .idempotent(true);
        if let Some(details) = additional_details {
            request = request.json(details);
        }
        self.action(request, "process_return", Some(return_id))
            .await
    }

    /// Flag a return for review (`POST /warehouse/return/{return_id}/flag`):
    /// automated processing stops until a person reviews it. Flag takes no
    /// reason; record it with [`create_note`](Self::create_note). Retried like
    /// [`process_return`](Self::process_return).
    ///
    /// # Errors
    ///
    /// [`Error::Rejected`] when the return's state does not allow it; [`Error::Http`].
    pub async fn flag_return(&self, return_id: &ReturnId) -> Result<(), Error> {
        self.simple_action(
            "/warehouse/return/{return_id}/flag",
            "flag_return",
            return_id,
        )
        .await
    }

    /// Cancel a return (`POST /warehouse/return/{return_id}/cancel`): the
    /// customer may return the same items again. Retried like
    /// [`process_return`](Self::process_return).
    ///
    /// # Errors
    ///
    /// [`Error::Rejected`] (e.g. an expired or flagged return); [`Error::Http`].
    pub async fn cancel_return(&self, return_id: &ReturnId) -> Result<(), Error> {
        self.simple_action(
            "/warehouse/return/{return_id}/cancel",
            "cancel_return",
            return_id,
        )
        .await
    }

    /// Close a return without fulfilling any outcome
    /// (`POST /warehouse/return/{return_id}/close`); its items cannot be
    /// returned again. Retried like [`process_return`](Self::process_return).
    ///
    /// # Errors
    ///
    /// [`Error::Rejected`]; [`Error::Http`].
    pub async fn close_return(&self, return_id: &ReturnId) -> Result<(), Error> {
        self.simple_action(
            "/warehouse/return/{return_id}/close",
            "close_return",
            return_id,
        )
        .await
    }

    /// Remove line items from a return **and process it**
    /// (`POST /warehouse/return/{return_id}/remove?line_item_id=1,2`): the
    /// documented path for partial receipts. Only items whose outcome is a
    /// refund or store credit can be removed. Not retried automatically
    /// (a repeat would find the return processed).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an empty list; [`Error::Rejected`] for
    /// items that do not qualify (422); [`Error::Http`] — Loop answers **403**
    /// when the return does not exist.
    pub async fn remove_line_items(
        &self,
        return_id: &ReturnId,
        line_item_ids: &[LineItemId],
    ) -> Result<(), Error> {
        if line_item_ids.is_empty() {
            return Err(InvalidInput::NoLineItems {
                operation: "remove_line_items",
            }
            .into());
        }
        let ids = line_item_ids
            .iter()
            .map(LineItemId::as_str)
            .collect::<Vec<_>>()
            .join(",");
        let request = Request::post("/warehouse/return/{return_id}/remove")
            .operation("remove_line_items")
            .path_param(return_id)
            .query("line_item_id", ids);
        self.action(request, "remove_line_items", Some(return_id))
            .await
    }

    /// The notes on a return (`GET /warehouse/return/{return_id}/notes`).
    /// Loop answers 422 when a return has no notes; that is an empty list
    /// here (a 422 for any other reason is indistinguishable and reads the
    /// same way).
    ///
    /// # Errors
    ///
    /// [`Error::Http`].
    pub async fn return_notes(&self, return_id: &ReturnId) -> Result<Vec<Note>, Error> {
        let request = Request::get("/warehouse/return/{return_id}/notes")
            .operation("return_notes")
            .path_param(return_id);
        match self.get_list::<Note, NotesKey>(request).await {
            Err(Error::Http(e)) if e.status() == Some(StatusCode::UNPROCESSABLE_ENTITY) => {
                Ok(Vec::new())
            }
            other => other,
        }
    }

    /// Write a note on a return (`POST /warehouse/return/{return_id}/note`).
    /// Not retried automatically (a repeat would write the note twice).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] — before anything is sent — for empty content
    /// or more than [`NoteContent::MAX_CHARS`] characters; [`Error::Rejected`];
    /// [`Error::Http`].
    pub async fn create_note(&self, return_id: &ReturnId, content: &str) -> Result<(), Error> {
        let content = NoteContent::new(content)?;
        let request = Request::post("/warehouse/return/{return_id}/note")
            .operation("create_note")
            .path_param(return_id)
            .json(&CreateNoteBody {
                content: content.as_str(),
            });
        self.action(request, "create_note", Some(return_id)).await
    }

    // ----- Grading and disposition --------------------------------------

    /// Record item grades (`POST /dispositioning/grade`).
    ///
    /// Every item is validated first (nothing is sent if one is invalid); then
    /// items go in calls of at most [`MAX_ITEMS_PER_CALL`], in order, and the
    /// echoed items are returned in the same order. An empty input sends
    /// nothing. Not retried automatically.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`]; [`Error::PartialBatch`] when a later call
    /// fails after earlier ones were accepted; [`Error::Http`].
    pub async fn grade_items(&self, items: &[ItemGrade]) -> Result<Vec<GradedItem>, Error> {
        for item in items {
            item.validate()?;
        }
        self.batched(items, |chunk| {
            Request::post("/dispositioning/grade")
                .operation("grade_items")
                .json(&ItemsBody { items: chunk })
        })
        .await
    }

    /// Record item dispositions (`POST /dispositioning/assess`), batched like
    /// [`grade_items`](Self::grade_items).
    ///
    /// # Errors
    ///
    /// As [`grade_items`](Self::grade_items).
    pub async fn assess_dispositions(
        &self,
        items: &[ItemDisposition],
    ) -> Result<Vec<AssessedItem>, Error> {
        for item in items {
            item.validate()?;
        }
        self.batched(items, |chunk| {
            Request::post("/dispositioning/assess")
                .operation("assess_dispositions")
                .json(&ItemsBody { items: chunk })
        })
        .await
    }

    // ----- Webhooks -----------------------------------------------------

    /// List webhook subscriptions (`GET /webhooks`), including those created
    /// in Loop's admin. Needs the Developer Tools scope.
    ///
    /// # Errors
    ///
    /// [`Error::Http`].
    pub async fn list_webhooks(&self) -> Result<Vec<Webhook>, Error> {
        let request = Request::get("/webhooks").operation("list_webhooks");
        self.get_list::<Webhook, WebhooksKey>(request).await
    }

    /// Subscribe to a topic and trigger (`POST /webhooks`). Not retried
    /// automatically (a repeat would subscribe twice).
    ///
    /// # Errors
    ///
    /// [`Error::Http`] (422 for unknown topic or trigger values).
    pub async fn create_webhook(
        &self,
        subscription: &WebhookSubscription,
    ) -> Result<Webhook, Error> {
        let request = Request::post("/webhooks")
            .operation("create_webhook")
            .json(subscription);
        self.get_json(request).await
    }

    /// Replace a subscription (`PUT /webhooks/{id}`). Loop is reported to
    /// answer 204 (method and status from a third-party reconstruction); the
    /// updated subscription is returned when Loop echoes it, `None` otherwise.
    ///
    /// # Errors
    ///
    /// [`Error::Http`] (404 for an unknown id).
    pub async fn update_webhook(
        &self,
        id: &WebhookId,
        subscription: &WebhookSubscription,
    ) -> Result<Option<Webhook>, Error> {
        let request = Request::put("/webhooks/{id}")
            .operation("update_webhook")
            .path_param(id)
            .json(subscription);
        let response = self.transport.execute_bytes(request).await?;
        Ok(serde_json::from_slice::<Webhook>(&response.body).ok())
    }

    /// Delete a subscription (`DELETE /webhooks/{id}`; 204 per a third-party
    /// reconstruction, any 2xx is accepted).
    ///
    /// # Errors
    ///
    /// [`Error::Http`] (404 for an unknown id).
    pub async fn delete_webhook(&self, id: &WebhookId) -> Result<(), Error> {
        let request = Request::delete("/webhooks/{id}")
            .operation("delete_webhook")
            .path_param(id);
        self.transport.execute_bytes(request).await?;
        Ok(())
    }

    // ----- Destinations -------------------------------------------------

    /// The shop's destinations (`GET /destinations`), to map a return's
    /// `destination_id` to a warehouse. Needs the Destinations (Read) scope.
    ///
    /// # Errors
    ///
    /// [`Error::Http`].
    pub async fn list_destinations(&self) -> Result<Vec<Destination>, Error> {
        let request = Request::get("/destinations").operation("list_destinations");
        self.get_list::<Destination, DestinationsKey>(request).await
    }

    /// One destination (`GET /destinations/{id}`).
    ///
    /// # Errors
    ///
    /// [`Error::Http`].
    pub async fn get_destination(&self, id: &DestinationId) -> Result<Destination, Error> {
        let request = Request::get("/destinations/{id}")
            .operation("get_destination")
            .path_param(id);
        self.get_json(request).await
    }

    // ----- Orders -------------------------------------------------------

    /// One order of the Commerce-Data API (`GET /orders/{id}`), mainly for its
    /// sales channel ([`Order::sales_channel`]) when a return does not carry
    /// one. See [`Order`] for what is unconfirmed about this endpoint.
    ///
    /// # Errors
    ///
    /// [`Error::Http`] (401 if the key lacks the orders scope).
    pub async fn get_order(&self, id: &OrderId) -> Result<Order, Error> {
        let request = Request::get("/orders/{id}")
            .operation("get_order")
            .path_param(id);
        self.get_json(request).await
    }

    // ----- Plumbing -----------------------------------------------------

    async fn get_json<T: DeserializeOwned>(&self, request: Request) -> Result<T, Error> {
        Ok(self.transport.execute::<T>(request).await?.into_body())
    }

    async fn get_list<T: DeserializeOwned, K: ListKey>(
        &self,
        request: Request,
    ) -> Result<Vec<T>, Error> {
        Ok(self
            .transport
            .execute::<Listed<T, K>>(request)
            .await?
            .into_body()
            .items)
    }

    async fn simple_action(
        &self,
        template: &'static str,
        operation: &'static str,
        return_id: &ReturnId,
    ) -> Result<(), Error> {
        let request = Request::post(template)
            .operation(operation)
            .path_param(return_id)
            .idempotent(true);
        self.action(request, operation, Some(return_id)).await
    }

    /// Sends a return action and reads Loop's answer: `"true"` / `true` is
    /// success, an error object is a [`Rejection`] even on HTTP 200.
    async fn action(
        &self,
        request: Request,
        operation: &'static str,
        return_id: Option<&ReturnId>,
    ) -> Result<(), Error> {
        match self.transport.execute_bytes(request).await {
            Ok(response) => read_action_answer(
                operation,
                return_id,
                response.status,
                &response.body,
                response.request_id,
            ),
            Err(error) => Err(rejection_from_error_status(operation, return_id, error)),
        }
    }

    async fn batched<I, O, F>(&self, items: &[I], build: F) -> Result<Vec<O>, Error>
    where
        O: DeserializeOwned,
        F: Fn(&[I]) -> Request,
    {
        let mut out = Vec::with_capacity(items.len());
        let mut completed = 0;
        for chunk in items.chunks(self.grading_batch_size) {
            match self.get_list::<O, ItemsKey>(build(chunk)).await {
                Ok(echoed) => out.extend(echoed),
                Err(error) if completed == 0 => return Err(error),
                Err(error) => {
                    return Err(Error::PartialBatch {
                        completed,
                        total: items.len(),
                        source: Box::new(error),
                    });
                }
            }
            completed += chunk.len();
        }
        Ok(out)
    }
}

/// Reads a 2xx answer of a return action.
fn read_action_answer(
    operation: &'static str,
    return_id: Option<&ReturnId>,
    status: StatusCode,
    body: &[u8],
    request_id: Option<String>,
) -> Result<(), Error> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Bool(true)) => Ok(()),
        Ok(serde_json::Value::String(text)) if text.trim() == "true" => Ok(()),
        Ok(serde_json::Value::Object(_)) => {
            let found = error_body::parse(body).unwrap_or_default();
            Err(Error::Rejected(Box::new(Rejection {
                operation,
                return_id: return_id.cloned(),
                status,
                code: found.code.as_deref().map(Into::into),
                message: found.message,
                body_excerpt: excerpt(body),
                request_id,
            })))
        }
        _ => Err(Error::UnexpectedAnswer {
            operation,
            status,
            body_excerpt: excerpt(body),
        }),
    }
}

/// Turns a 400/409/422 with a Loop error body into a [`Rejection`], so a
/// refused action reads the same whatever status Loop chose.
fn rejection_from_error_status(
    operation: &'static str,
    return_id: Option<&ReturnId>,
    error: http_transport::Error,
) -> Error {
    let rejection = error.as_api().and_then(|api| {
        let status = api.status?;
        if !matches!(status.as_u16(), 400 | 409 | 422) {
            return None;
        }
        let found = error_body::parse(api.body_excerpt.as_bytes())?;
        Some(Rejection {
            operation,
            return_id: return_id.cloned(),
            status,
            code: found
                .code
                .or_else(|| api.code.clone())
                .as_deref()
                .map(Into::into),
            message: found.message.or_else(|| api.message.clone()),
            body_excerpt: api.body_excerpt.clone(),
            request_id: api.request_id.clone(),
        })
    });
    match rejection {
        Some(rejection) => Error::Rejected(Box::new(rejection)),
        None => Error::Http(error),
    }
}

/// How much of a body errors keep, as the transport does.
const BODY_EXCERPT_LIMIT: usize = 2048;

fn excerpt(body: &[u8]) -> String {
    let cut = body.len().min(BODY_EXCERPT_LIMIT);
    String::from_utf8_lossy(&body[..cut]).into_owned()
}

#[async_trait]
impl LoopApi for LoopClient {
    async fn list_returns_page(&self, query: &ListReturnsQuery) -> Result<ReturnsPage, Error> {
        LoopClient::list_returns_page(self, query).await
    }

    async fn get_return(
        &self,
        lookup: &ReturnLookup,
        currency: Option<CurrencyType>,
    ) -> Result<Return, Error> {
        LoopClient::get_return(self, lookup, currency).await
    }

    async fn asn_report(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<AsnRow>, Error> {
        LoopClient::asn_report(self, from, to).await
    }

    async fn process_return(
        &self,
        return_id: &ReturnId,
        additional_details: Option<&AdditionalDetails>,
    ) -> Result<(), Error> {
        LoopClient::process_return(self, return_id, additional_details).await
    }

    async fn flag_return(&self, return_id: &ReturnId) -> Result<(), Error> {
        LoopClient::flag_return(self, return_id).await
    }

    async fn cancel_return(&self, return_id: &ReturnId) -> Result<(), Error> {
        LoopClient::cancel_return(self, return_id).await
    }

    async fn close_return(&self, return_id: &ReturnId) -> Result<(), Error> {
        LoopClient::close_return(self, return_id).await
    }

    async fn remove_line_items(
        &self,
        return_id: &ReturnId,
        line_item_ids: &[LineItemId],
    ) -> Result<(), Error> {
        LoopClient::remove_line_items(self, return_id, line_item_ids).await
    }

    async fn return_notes(&self, return_id: &ReturnId) -> Result<Vec<Note>, Error> {
        LoopClient::return_notes(self, return_id).await
    }

    async fn create_note(&self, return_id: &ReturnId, content: &str) -> Result<(), Error> {
        LoopClient::create_note(self, return_id, content).await
    }

    async fn grade_items(&self, items: &[ItemGrade]) -> Result<Vec<GradedItem>, Error> {
        LoopClient::grade_items(self, items).await
    }

    async fn assess_dispositions(
        &self,
        items: &[ItemDisposition],
    ) -> Result<Vec<AssessedItem>, Error> {
        LoopClient::assess_dispositions(self, items).await
    }

    async fn list_webhooks(&self) -> Result<Vec<Webhook>, Error> {
        LoopClient::list_webhooks(self).await
    }

    async fn create_webhook(&self, subscription: &WebhookSubscription) -> Result<Webhook, Error> {
        LoopClient::create_webhook(self, subscription).await
    }

    async fn update_webhook(
        &self,
        id: &WebhookId,
        subscription: &WebhookSubscription,
    ) -> Result<Option<Webhook>, Error> {
        LoopClient::update_webhook(self, id, subscription).await
    }

    async fn delete_webhook(&self, id: &WebhookId) -> Result<(), Error> {
        LoopClient::delete_webhook(self, id).await
    }

    async fn list_destinations(&self) -> Result<Vec<Destination>, Error> {
        LoopClient::list_destinations(self).await
    }

    async fn get_destination(&self, id: &DestinationId) -> Result<Destination, Error> {
        LoopClient::get_destination(self, id).await
    }

    async fn get_order(&self, id: &OrderId) -> Result<Order, Error> {
        LoopClient::get_order(self, id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_replaces_or_appends_the_last_segment() {
        let dated = ApiVersion::dated(2026, 10).unwrap();
        let cases = [
            (DEFAULT_BASE_URL, "https://api.loopreturns.com/api/2026-10"),
            (
                "https://api.loopreturns.com/api/unstable/",
                "https://api.loopreturns.com/api/2026-10",
            ),
            (
                "http://127.0.0.1:8080/api",
                "http://127.0.0.1:8080/api/2026-10",
            ),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080/2026-10"),
        ];
        for (base, expected) in cases {
            assert_eq!(
                versioned_base_url(base, Some(&dated)).unwrap(),
                expected,
                "{base}"
            );
        }
        assert_eq!(versioned_base_url("not a url", None).unwrap(), "not a url");
        assert!(matches!(
            versioned_base_url("not a url", Some(&dated)),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn action_answers_true_in_both_spellings() {
        for body in [&b"\"true\""[..], b"true", b" \"true\"\n"] {
            assert!(read_action_answer("flag_return", None, StatusCode::OK, body, None).is_ok());
        }
    }

    #[test]
    fn error_objects_on_200_are_rejections_with_loops_code() {
        let body = br#"{"errors":{"message":"Return is closed and therefore cannot be processed.","code":"UNPROCESSABLE_RETURN"}}"#;
        let id = ReturnId::from(9);
        let err = read_action_answer("process_return", Some(&id), StatusCode::OK, body, None)
            .unwrap_err();
        assert_eq!(
            err.error_code(),
            Some(crate::ErrorCode::UnprocessableReturn)
        );
        assert!(err.is_already_closed());
        assert_eq!(err.status(), Some(StatusCode::OK));
    }

    #[test]
    fn anything_else_is_an_unexpected_answer() {
        for body in [&b"\"false\""[..], b"false", b"", b"<html></html>", b"[]"] {
            let err =
                read_action_answer("close_return", None, StatusCode::OK, body, None).unwrap_err();
            assert!(matches!(err, Error::UnexpectedAnswer { .. }), "{err}");
        }
    }

    #[test]
    fn builder_debug_redacts_the_key() {
        let builder = LoopClient::builder("sk-very-secret");
        let shown = format!("{builder:?}");
        assert!(!shown.contains("sk-very-secret"), "{shown}");
        let client = builder.build().unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("sk-very-secret"), "{shown}");
    }
}
