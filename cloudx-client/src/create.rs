//! Duplicate-proof creation of receiving tickets.
//!
//! Creating is not idempotent on the wire, so the guarantee rests on three
//! things together:
//!
//! 1. CloudX keeps `reference_number` unique per account and answers a second
//!    create with 409 and the `existing_id`: the client fetches and returns
//!    that ticket ([`CreateOutcome::AlreadyExisted`]).
//! 2. There is one retry loop, this one: each `POST` is sent by the transport
//!    exactly once (its own retries are off for it), so the attempts of a
//!    create, throttles and connection failures included, are bounded by the
//!    client's one [`RetryPolicy`](http_transport::RetryPolicy), never by its
//!    square. A connection that never opened is repeated without a lookup.
//! 3. After an ambiguous failure — a timeout, a connection dropped after
//!    sending, a 408/5xx, or a success whose body did not decode — the client
//!    looks the reference up *before* any retry. Found: it returns that ticket
//!    ([`CreateOutcome::Recovered`]). Not found: it retries within the retry
//!    policy; should the first attempt land late after all, the retry meets
//!    the 409 of point 1. Lookup failed: it stops with
//!    [`Error::CreateOutcomeUnknown`] rather than guess.
//!
//! A 429 means CloudX did not take the request, so it is waited out
//! (`Retry-After`, capped by the policy, or the policy's growing throttle
//! backoff) and retried without a lookup; as in the transport, throttled
//! attempts are bounded by the policy's time budget rather than its attempt
//! count. The budget covers the whole create, lookups and waits included.

use http_transport::retry::{self, Decision, Outcome};
use http_transport::{Request, RetryClass, RetryPolicy, StatusCode};

use crate::api::CloudxApi;
use crate::client::CloudxClient;
use crate::error::Error;
use crate::model::{NewReceivingTicket, ReceivingTicket, ReferenceNumber, TicketId};
use crate::refusal::{self, Failed};
use crate::wire::{WireNewTicket, WireTicket, path};

/// What [`CloudxApi::create_ticket`] did. Every variant holds the one ticket
/// that exists for the reference number.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CreateOutcome {
    /// This call created the ticket.
    Created(ReceivingTicket),
    /// A ticket with this reference existed before (CloudX answered 409);
    /// nothing new was created. Its content may differ from the request.
    AlreadyExisted(ReceivingTicket),
    /// An attempt failed ambiguously and the lookup by reference found the
    /// ticket: most likely created by that attempt, possibly earlier.
    Recovered(ReceivingTicket),
}

impl CreateOutcome {
    /// The ticket, however it came to exist.
    pub fn ticket(&self) -> &ReceivingTicket {
        match self {
            Self::Created(t) | Self::AlreadyExisted(t) | Self::Recovered(t) => t,
        }
    }

    /// Unwraps the ticket.
    pub fn into_ticket(self) -> ReceivingTicket {
        match self {
            Self::Created(t) | Self::AlreadyExisted(t) | Self::Recovered(t) => t,
        }
    }

    /// Whether CloudX reported the reference as already taken (409).
    pub fn already_existed(&self) -> bool {
        matches!(self, Self::AlreadyExisted(_))
    }
}

/// How a create attempt failed, as far as duplicates are concerned.
enum Failure {
    /// 409: the reference is taken, maybe with the existing ticket's id.
    Duplicate(Option<TicketId>),
    /// 429, or a connection that never opened: not taken; wait and repeat.
    NotTaken(Outcome),
    /// May have created the ticket: look it up before repeating.
    Ambiguous(Outcome),
    /// Certainly not created, and repeating will not help.
    Final,
}

fn classify(failed: &Failed) -> Failure {
    match &failed.error {
        http_transport::Error::Api(api) if api.status == Some(StatusCode::CONFLICT) => {
            let existing = failed.body.existing_id.clone().map(TicketId::new);
            Failure::Duplicate(existing)
        }
        http_transport::Error::Api(api) => {
            let outcome = Outcome::Answered {
                class: api.retry,
                retry_after: api.retry_after,
            };
            match api.retry {
                RetryClass::Throttle => Failure::NotTaken(outcome),
                RetryClass::Retryable => Failure::Ambiguous(outcome),
                _ => Failure::Final,
            }
        }
        // Anything that may have reached CloudX is ambiguous.
        http_transport::Error::Transport(transport) if transport.was_sent() => {
            Failure::Ambiguous(Outcome::Transport(transport.kind))
        }
        http_transport::Error::Transport(transport) => {
            Failure::NotTaken(Outcome::Transport(transport.kind))
        }
        // A 2xx that did not decode: the ticket was created, the lookup will
        // fetch it in a shape that hopefully does.
        http_transport::Error::Decode(_) => Failure::Ambiguous(Outcome::Answered {
            class: RetryClass::Retryable,
            retry_after: None,
        }),
        _ => Failure::Final,
    }
}

impl CloudxClient {
    /// The algorithm described in the module docs.
    pub(crate) async fn create_deduplicated(
        &self,
        ticket: &NewReceivingTicket,
    ) -> Result<CreateOutcome, Error> {
        ticket.validate(self.identification)?;
        let reference = &ticket.reference_number;
        let started = tokio::time::Instant::now();
        let mut attempt = 0;
        // Throttled attempts do not count against `max_attempts` (the
        // transport's rule): the time budget bounds them.
        let mut throttled = 0;
        loop {
            attempt += 1;
            let failed = match self.post_ticket(ticket).await {
                Ok(created) => return Ok(CreateOutcome::Created(created)),
                Err(failed) => failed,
            };
            let outcome = match classify(&failed) {
                Failure::Duplicate(existing) => {
                    return self
                        .existing_ticket(reference, existing, failed.error)
                        .await;
                }
                Failure::Final => return Err(refusal::on_create(failed, ticket)),
                Failure::NotTaken(Outcome::Answered {
                    class: RetryClass::Throttle,
                    retry_after,
                }) => {
                    throttled += 1;
                    let wait = retry_after.unwrap_or_else(|| {
                        retry::throttle_backoff(&self.retry, throttled, rand::random::<f64>())
                    });
                    Outcome::Answered {
                        class: RetryClass::Throttle,
                        retry_after: Some(wait),
                    }
                }
                Failure::NotTaken(outcome) => outcome,
                Failure::Ambiguous(outcome) => match self.find_ticket_by_reference(reference).await
                {
                    Ok(Some(found)) => return Ok(CreateOutcome::Recovered(found)),
                    Ok(None) => outcome,
                    Err(lookup) => {
                        return Err(Error::CreateOutcomeUnknown {
                            reference: reference.clone(),
                            create: failed.error,
                            lookup: Box::new(lookup),
                        });
                    }
                },
            };
            let error = failed.error;
            // Safe to repeat now: either CloudX did not take it (429, no
            // connection) or the lookup showed no ticket with this reference.
            let retry_safe = true;
            match retry::decide(
                &self.retry,
                attempt - throttled,
                started.elapsed(),
                retry_safe,
                outcome,
                rand::random::<f64>(),
            ) {
                Decision::RetryAfter(delay) => {
                    tracing::warn!(
                        reference = %reference,
                        attempt,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        error = %error,
                        "cloudx create failed and no ticket has its reference; retrying"
                    );
                    tokio::time::sleep(delay).await;
                }
                Decision::Stop => return Err(Error::Http(error)),
            }
        }
    }

    /// One `POST`, one attempt: the retries are the loop above.
    async fn post_ticket(&self, ticket: &NewReceivingTicket) -> Result<ReceivingTicket, Failed> {
        let request = Request::post(path::TICKETS)
            .operation("create_ticket")
            .retry_policy(RetryPolicy::none())
            .json(&WireNewTicket::from(ticket));
        let response = refusal::capture::<WireTicket>(&self.transport, request).await?;
        Ok(response.into_body().into())
    }

    /// After a 409: the ticket named by `existing_id`, else the one found by
    /// reference.
    async fn existing_ticket(
        &self,
        reference: &ReferenceNumber,
        existing: Option<TicketId>,
        conflict: http_transport::Error,
    ) -> Result<CreateOutcome, Error> {
        let found = match existing {
            Some(id) => match self.get_ticket(&id).await {
                Ok(ticket) => Some(ticket),
                Err(Error::TicketNotFound { .. }) => {
                    self.find_ticket_by_reference(reference).await?
                }
                Err(other) => return Err(other),
            },
            None => self.find_ticket_by_reference(reference).await?,
        };
        match found {
            Some(ticket) => Ok(CreateOutcome::AlreadyExisted(ticket)),
            None => Err(Error::DuplicateNotFound {
                reference: reference.clone(),
                source: conflict,
            }),
        }
    }
}
