//! The Cart-level client.

use std::time::Duration;

use async_trait::async_trait;
use http_transport::retry::{self, Decision, Outcome};
use http_transport::{Request, RetryClass};

use crate::api::{CartApi, OrderApi};
use crate::client::ClientBuilder;
use crate::client::core::Core;
use crate::client::orders::{self, CART_ORDERS};
use crate::connection::{self, ApiLevel, ConnectionReport};
use crate::error::{Error, Result};
use crate::reply::Reply;
use crate::types::{
    BatchCreateResult, BatchFailure, BatchOrderOutcome, CancelBody, Canceled, CreateOutcome,
    CreatedOrder, CustRef, NewOrder, Order, OrderIncludes, OrderListQuery, OrderStatusInfo, Page,
    StatusUpdate,
};
use crate::validate::validate_batch;

/// A client holding Cart-level credentials (Carts tab → API Access): pushes
/// orders in and follows their status and tracking. See [`CartApi`] and
/// [`OrderApi`] for the calls.
///
/// Cheap to clone; clones share the connection pool and the rate-limit bucket.
#[derive(Debug, Clone)]
pub struct CartClient {
    core: Core,
}

impl CartClient {
    /// Starts configuring a client with the cart's API user and key.
    pub fn builder(api_user: impl Into<String>, api_key: impl Into<String>) -> ClientBuilder<Self> {
        ClientBuilder::new(api_user, api_key)
    }

    pub(crate) fn from_core(core: Core) -> Self {
        Self { core }
    }

    /// Sends a request this crate does not model, with this client's
    /// credentials, bucket, retries and envelope check, and returns the whole
    /// successful answer (`success_code` included) as raw JSON.
    ///
    /// ```no_run
    /// # async fn run(client: cartrover_client::CartClient) -> cartrover_client::Result<()> {
    /// use cartrover_client::Request;
    ///
    /// let answer = client
    ///     .send_raw(Request::get("/v1/merchant/orders/{cust_ref}").path_param("BL-1").operation("raw_order"))
    ///     .await?;
    /// println!("{}", answer.value["response"]["order_status"]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As the typed calls: API, transport and decode errors.
    pub async fn send_raw(&self, request: Request) -> Result<Reply<serde_json::Value>> {
        self.core.call_raw(request).await
    }

    /// Proves the Cart credentials with one cheap call (a one-row page of
    /// `new` orders): the "Test connection" button.
    ///
    /// ```no_run
    /// # async fn run(cart: cartrover_client::CartClient) -> cartrover_client::Result<()> {
    /// match cart.check_connection().await {
    ///     Ok(report) => println!("{:?} keys work; {:?} calls left", report.level, report.hits_remaining),
    ///     Err(e) if e.is_unauthorized() => eprintln!("wrong API user or key: {e}"),
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::is_unauthorized`] for refused credentials (HTTP 401/403 or
    /// CartRover's credentials envelope on HTTP 200); other API, transport
    /// and decode errors.
    pub async fn check_connection(&self) -> Result<ConnectionReport> {
        connection::check(&self.core, ApiLevel::Cart).await
    }

    /// One POST of E1, without any lookup or repeat.
    async fn post_order(&self, order: &NewOrder) -> Result<Reply<CreatedOrder>> {
        let request = Request::post("/v1/cart/orders/cartrover")
            .operation("create_order")
            .json(order)
            // CartRover does not count order creation against the bucket.
            .rate_limited(false);
        self.core.call_flat(request).await
    }

    /// The order as it exists, `None` when CartRover does not know it.
    async fn find_order(&self, cust_ref: &CustRef) -> Result<Option<Reply<Order>>> {
        match self.order(cust_ref, OrderIncludes::default()).await {
            Ok(reply) => Ok(Some(reply)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// How a create attempt failed, as far as duplicates are concerned.
enum CreateFailure {
    /// CartRover says the `cust_ref` exists.
    Duplicate,
    /// The order may have been created: look it up before repeating.
    Ambiguous(Outcome),
    /// Certainly not created (or a refusal), and repeating will not help.
    Final,
}

fn create_failure(error: &Error) -> CreateFailure {
    if error.is_duplicate() {
        return CreateFailure::Duplicate;
    }
    match error {
        Error::Http(http_transport::Error::Transport(transport)) if transport.was_sent() => {
            CreateFailure::Ambiguous(Outcome::Transport(transport.kind))
        }
        // A 2xx that did not decode: the order was most likely created.
        Error::Http(http_transport::Error::Decode(_)) => CreateFailure::Ambiguous(retryable()),
        // 408 and 5xx: CartRover may have processed it.
        Error::Api(api) if api.transport_error().is_retryable() && !error.is_rate_limited() => {
            CreateFailure::Ambiguous(retryable())
        }
        _ => CreateFailure::Final,
    }
}

fn retryable() -> Outcome {
    Outcome::Answered {
        class: RetryClass::Retryable,
        retry_after: None,
    }
}

/// A jitter in `[0, 1)` for the backoff, without a random-number crate.
fn jitter() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .subsec_nanos();
    f64::from(nanos % 1000) / 1000.0
}

#[async_trait]
impl OrderApi for CartClient {
    async fn order(&self, cust_ref: &CustRef, includes: OrderIncludes) -> Result<Reply<Order>> {
        orders::order(&self.core, CART_ORDERS, cust_ref, includes).await
    }

    async fn order_status(&self, cust_ref: &CustRef) -> Result<Reply<OrderStatusInfo>> {
        orders::order_status(&self.core, CART_ORDERS, cust_ref).await
    }

    async fn list_orders(&self, query: &OrderListQuery) -> Result<Reply<Page<Order>>> {
        orders::list_orders(&self.core, CART_ORDERS, query).await
    }

    fn max_pages(&self) -> usize {
        self.core.max_pages()
    }

    async fn update_order_status(
        &self,
        cust_ref: &CustRef,
        update: &StatusUpdate,
    ) -> Result<Reply<()>> {
        orders::update_order_status(&self.core, CART_ORDERS, cust_ref, update).await
    }
}

#[async_trait]
impl CartApi for CartClient {
    async fn create_order(&self, order: &NewOrder) -> Result<Reply<CreateOutcome>> {
        order.validate()?;
        let cust_ref = &order.cust_ref;
        let started = tokio::time::Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let error = match self.post_order(order).await {
                Ok(created) => return Ok(created.map(CreateOutcome::Created)),
                Err(error) => error,
            };
            let outcome = match create_failure(&error) {
                CreateFailure::Final => return Err(error),
                CreateFailure::Duplicate => {
                    return match self.find_order(cust_ref).await {
                        Ok(Some(existing)) => {
                            Ok(existing.map(|o| CreateOutcome::AlreadyExisted(Box::new(o))))
                        }
                        // Refused as a duplicate, yet not readable: report the refusal.
                        Ok(None) => Err(error),
                        Err(lookup) => Err(Error::CreateOutcomeUnknown {
                            cust_ref: cust_ref.clone(),
                            create: Box::new(error),
                            lookup: Box::new(lookup),
                        }),
                    };
                }
                CreateFailure::Ambiguous(outcome) => match self.find_order(cust_ref).await {
                    Ok(Some(found)) => {
                        return Ok(found.map(|o| CreateOutcome::Recovered(Box::new(o))));
                    }
                    Ok(None) => outcome,
                    Err(lookup) => {
                        return Err(Error::CreateOutcomeUnknown {
                            cust_ref: cust_ref.clone(),
                            create: Box::new(error),
                            lookup: Box::new(lookup),
                        });
                    }
                },
            };
            // Safe to repeat: the lookup showed no order with this cust_ref;
            // a late first attempt makes the repeat meet "duplicate".
            match retry::decide(
                self.core.retry_policy(),
                attempt,
                started.elapsed(),
                true,
                outcome,
                jitter(),
            ) {
                Decision::RetryAfter(delay) => {
                    tracing::warn!(
                        cust_ref = %cust_ref,
                        attempt,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        error = %error,
                        "cartrover create failed and no order has its cust_ref; retrying"
                    );
                    tokio::time::sleep(delay).await;
                }
                Decision::Stop => return Err(error),
            }
        }
    }

    async fn create_orders(&self, orders: &[NewOrder]) -> Result<Reply<BatchCreateResult>> {
        let mut outcomes: Vec<Option<BatchOrderOutcome>> = vec![None; orders.len()];
        let mut sent_at = Vec::new();
        let mut sent = Vec::new();
        for (i, order) in orders.iter().enumerate() {
            match order.validate() {
                Ok(()) => {
                    sent_at.push(i);
                    sent.push(order);
                }
                Err(missing) => outcomes[i] = Some(BatchOrderOutcome::NotSent(missing)),
            }
        }
        if sent.is_empty() {
            // Nothing worth sending: name every missing field of every order.
            validate_batch(orders)?;
        }
        let request = Request::post("/v1/cart/orders/batch")
            .operation("create_orders")
            .json(&sent);
        let reply = self.core.call::<BatchCreateResult>(request).await?;
        Ok(reply.map(|result| merge_batch(result, orders, &sent_at, outcomes)))
    }

    async fn cancel_order(&self, cust_ref: &CustRef) -> Result<Reply<Canceled>> {
        let request = Request::get("/v1/cart/orders/wms_cancel/{cust_ref}")
            .operation("cancel_order")
            .path_param(cust_ref)
            // A GET, but it changes state: repeating a cancel that did happen
            // would report a refusal.
            .idempotent(false);
        let reply = self.core.call::<CancelBody>(request).await?;
        cancel_outcome(cust_ref, reply.map(Some))
    }

    async fn cancel_order_legacy(&self, cust_ref: &CustRef) -> Result<Reply<Canceled>> {
        let request = Request::post("/v1/cart/orders/cancel/cartrover")
            .operation("cancel_order_legacy")
            .json(&serde_json::json!({ "cust_ref": cust_ref }));
        // The legacy answer's shape is not public: without a `response`, the
        // envelope's success is the cancel's.
        let reply = self.core.call_optional::<CancelBody>(request).await?;
        cancel_outcome(cust_ref, reply)
    }
}

/// The cancel happened only if the nested `success` is true as well; a
/// nested result without `success` is not taken as a cancel. `None` (no
/// `response` at all, legacy E6b only) leaves the envelope's success standing.
fn cancel_outcome(cust_ref: &CustRef, reply: Reply<Option<CancelBody>>) -> Result<Reply<Canceled>> {
    let (confirmed, message) = match &reply.value {
        None => (true, None),
        Some(body) => (body.success == Some(true), body.message.clone()),
    };
    if !confirmed {
        return Err(Error::CancelRefused {
            cust_ref: cust_ref.clone(),
            message,
            process_id: reply.process_id,
        });
    }
    Ok(reply.map(|_| Canceled {
        cust_ref: cust_ref.clone(),
        message,
    }))
}

/// Maps CartRover's answer about the orders sent (`sent_at[j]` is the index in
/// `orders` of the `j`-th order sent) back onto the caller's indices, and adds
/// the orders not sent.
fn merge_batch(
    mut result: BatchCreateResult,
    orders: &[NewOrder],
    sent_at: &[usize],
    mut outcomes: Vec<Option<BatchOrderOutcome>>,
) -> BatchCreateResult {
    // The first sent order with this cust_ref that has no outcome yet.
    let by_ref = |outcomes: &[Option<BatchOrderOutcome>], cust_ref: Option<&CustRef>| {
        let cust_ref = cust_ref?;
        sent_at
            .iter()
            .copied()
            .find(|&i| outcomes[i].is_none() && &orders[i].cust_ref == cust_ref)
    };
    // Failures with a position first, then successes (CartRover creates the
    // first of two orders with one cust_ref), then failures known by cust_ref.
    let mut unplaced = Vec::new();
    for failure in &mut result.failed {
        match failure.index_pos.and_then(|j| sent_at.get(j).copied()) {
            Some(i) if outcomes[i].is_none() => {
                failure.index_pos = Some(i);
                outcomes[i] = Some(BatchOrderOutcome::Refused(failure.clone()));
            }
            _ => {
                failure.index_pos = None;
                unplaced.push(failure);
            }
        }
    }
    for created in &result.success {
        if let Some(i) = by_ref(&outcomes, created.cust_ref.as_ref()) {
            outcomes[i] = Some(BatchOrderOutcome::Created(created.clone()));
        }
    }
    for failure in unplaced {
        if let Some(i) = by_ref(&outcomes, failure.cust_ref.as_ref()) {
            failure.index_pos = Some(i);
            outcomes[i] = Some(BatchOrderOutcome::Refused(failure.clone()));
        }
    }
    for (i, outcome) in outcomes.iter().enumerate() {
        if let Some(BatchOrderOutcome::NotSent(missing)) = outcome {
            let order = &orders[i];
            result.failed.push(BatchFailure {
                cust_ref: (!order.cust_ref.as_str().trim().is_empty())
                    .then(|| order.cust_ref.clone()),
                cust_po_no: order.cust_po_no.clone(),
                message: Some(format!(
                    "Order missing required field(s): {}",
                    missing.fields().join(", ")
                )),
                index_pos: Some(i),
            });
        }
    }
    result.outcomes = outcomes
        .into_iter()
        .map(|outcome| outcome.unwrap_or(BatchOrderOutcome::Unreported))
        .collect();
    result
}
