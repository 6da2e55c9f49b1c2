//! The call path every level shares: merchant header, throttle handling,
//! envelope unwrapping and reply metadata.

use serde::de::{DeserializeOwned, IgnoredAny};

use http_transport::{Request, Response, RetryPolicy, Transport};

use crate::envelope::Envelope;
use crate::error::{Error, Result};
use crate::reply::{HITS_REMAINING, Reply, TOTAL_RECORDS, header_number};
use crate::types::{MerchantPk, Page, PageRequest};

/// The header selecting the merchant a Warehouse-level call acts for
/// (observed once, spec §2.1).
pub(crate) const MERCHANT_PK_HEADER: &str = "X-Merchant-Pk";

/// A transport plus the level's settings. Cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct Core {
    transport: Transport,
    retry_policy: RetryPolicy,
    merchant_pk: Option<MerchantPk>,
    /// The most pages one list stream reads.
    max_pages: usize,
}

impl Core {
    pub(crate) fn new(transport: Transport, retry_policy: RetryPolicy) -> Self {
        Self {
            transport,
            retry_policy,
            merchant_pk: None,
            max_pages: crate::pagination::DEFAULT_MAX_PAGES,
        }
    }

    /// The same core, reading at most `max_pages` pages a list stream.
    pub(crate) fn with_max_pages(mut self, max_pages: usize) -> Self {
        self.max_pages = max_pages.max(1);
        self
    }

    /// The most pages one list stream reads.
    pub(crate) fn max_pages(&self) -> usize {
        self.max_pages
    }

    /// The retry policy the client was built with.
    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.retry_policy
    }

    /// The same transport (pool and bucket), acting for `merchant_pk`.
    pub(crate) fn for_merchant(&self, merchant_pk: MerchantPk) -> Self {
        Self {
            merchant_pk: Some(merchant_pk),
            ..self.clone()
        }
    }

    pub(crate) fn merchant_pk(&self) -> Option<&MerchantPk> {
        self.merchant_pk.as_ref()
    }

    /// Sends `request`; the body is decoded as `T` (the whole envelope).
    ///
    /// A `RateLimit` answer means CartRover did not process the call, so the
    /// transport waits one refill period and repeats it, POSTs included.
    async fn send<T: DeserializeOwned>(&self, request: Request) -> Result<(Response<T>, u32)> {
        let request = match &self.merchant_pk {
            Some(pk) => request.header(MERCHANT_PK_HEADER, pk),
            None => request,
        };
        let operation = request.operation_name();
        match self.transport.execute::<T>(request).await {
            Ok(response) => {
                let process_id = response.request_id.as_deref();
                let attempts = response.attempts;
                tracing::debug!(operation, process_id, attempts, "cartrover call succeeded");
                Ok((response, attempts))
            }
            Err(error) => {
                let process_id = error.request_id();
                tracing::debug!(operation, process_id, error = %error, "cartrover call failed");
                Err(error.into())
            }
        }
    }

    /// Sends `request` and keeps the answer's metadata.
    async fn execute<T: DeserializeOwned>(&self, request: Request) -> Result<Reply<T>> {
        let (response, attempts) = self.send(request).await?;
        Ok(reply(response, attempts))
    }

    /// A call whose result is the envelope's `response` member.
    pub(crate) async fn call<T: DeserializeOwned>(&self, request: Request) -> Result<Reply<T>> {
        let operation = request.operation_name();
        let reply = self.execute::<Envelope<T>>(request).await?;
        match reply.value.response {
            Some(value) => Ok(Reply {
                value,
                process_id: reply.process_id,
                hits_remaining: reply.hits_remaining,
                attempts: reply.attempts,
            }),
            None => Err(Error::MissingResponse {
                operation,
                process_id: reply.process_id,
            }),
        }
    }

    /// Any call, the whole (successful) envelope returned as raw JSON.
    /// A blank or non-object body is a decode error.
    pub(crate) async fn call_raw(&self, request: Request) -> Result<Reply<serde_json::Value>> {
        Ok(self
            .execute::<serde_json::Map<String, serde_json::Value>>(request)
            .await?
            .map(serde_json::Value::Object))
    }

    /// A call whose `response` member may be absent.
    pub(crate) async fn call_optional<T: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<Reply<Option<T>>> {
        Ok(self
            .execute::<Envelope<T>>(request)
            .await?
            .map(|envelope| envelope.response))
    }

    /// A call whose answer carries nothing but `success_code` (E7, E15). The
    /// body must still be a JSON object: a blank body is a decode error.
    pub(crate) async fn call_unit(&self, request: Request) -> Result<Reply<()>> {
        Ok(self
            .execute::<Envelope<IgnoredAny>>(request)
            .await?
            .map(|_| ()))
    }

    /// A call whose result sits at the top level beside `success_code` (E1).
    pub(crate) async fn call_flat<T: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<Reply<T>> {
        self.execute::<T>(request).await
    }

    /// One page of a list. A missing or `null` `response` is an empty page.
    pub(crate) async fn call_page<T: DeserializeOwned>(
        &self,
        request: Request,
        page: PageRequest,
    ) -> Result<Reply<Page<T>>> {
        let request = request
            .query("limit", page.limit())
            .query("page", page.page());
        let (response, attempts) = self.send::<Envelope<Vec<T>>>(request).await?;
        let total_records = header_number(&response.headers, &TOTAL_RECORDS);
        Ok(reply(response, attempts).map(|envelope| Page {
            total_records,
            ..Page::new(envelope.response.unwrap_or_default(), page)
        }))
    }

    /// A whole (unpaged) list. A missing or `null` `response` is empty.
    pub(crate) async fn call_list<T: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<Reply<Vec<T>>> {
        Ok(self
            .execute::<Envelope<Vec<T>>>(request)
            .await?
            .map(|envelope| envelope.response.unwrap_or_default()))
    }
}

/// Builds the reply from the transport's response.
fn reply<T>(response: Response<T>, attempts: u32) -> Reply<T> {
    Reply {
        hits_remaining: header_number(&response.headers, &HITS_REMAINING),
        process_id: response.request_id,
        attempts,
        value: response.body,
    }
}
