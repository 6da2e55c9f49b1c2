//! Return data: the Detailed Returns List, Get Return Details and the ASN report.

use http_transport::Request;
use time::OffsetDateTime;

use super::LoopClient;
use crate::enums::CurrencyType;
use crate::error::Error;
use crate::models::asn::AsnRow;
use crate::models::list_body::ItemsKey;
use crate::models::returns::Return;
use crate::pagination::ReturnsPage;
use crate::query::{ListReturnsQuery, ReturnLookup};
use crate::timestamp::format_query_time;
use crate::validation::InvalidInput;

impl LoopClient {
    /// One page of the Detailed Returns List (`GET /warehouse/return/list`).
    ///
    /// Follow [`ReturnsPage::next_cursor`] with
    /// [`ListReturnsQuery::cursor`], or use
    /// [`LoopApi::returns_pages`](crate::LoopApi::returns_pages) /
    /// [`LoopApi::returns_stream`](crate::LoopApi::returns_stream) /
    /// [`LoopApi::returns_in_window`](crate::LoopApi::returns_in_window).
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
        let response = self.transport.execute::<ReturnsPage>(request).await?;
        let request_id = response.request_id.clone();
        let mut page = response.into_body();
        page.request_id = request_id;
        Ok(page)
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
}
