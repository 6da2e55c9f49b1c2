//! The operations as a trait, so applications can mock CloudX.

use std::collections::HashSet;

use async_trait::async_trait;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

use crate::cancel::CancelOutcome;
use crate::create::CreateOutcome;
use crate::error::Error;
use crate::model::{
    Item, ItemIdentifier, NewReceivingTicket, ReceivingTicket, ReferenceNumber, TicketId,
    TicketPage, TicketQuery, Warehouse,
};
use crate::poll::{PollReport, SeenTicket};

/// Pages a ticket stream reads by default before it stops with
/// [`Error::TooManyPages`].
///
/// Chosen to stop a search that never ends (a server naming a next page for
/// ever) long before it exhausts memory, and to stay far above any real
/// search: at [`TicketQuery::MAX_PER_PAGE`] (200) tickets a page that is
/// 2 million tickets in one stream. Change it with
/// [`CloudxClientBuilder::max_pages`](crate::CloudxClientBuilder::max_pages).
pub const DEFAULT_MAX_PAGES: usize = 10_000;

/// Everything this crate can do with CloudX.
///
/// [`CloudxClient`](crate::CloudxClient) implements it over HTTP. Application
/// code that depends on `dyn CloudxApi` (or a generic `A: CloudxApi`) can be
/// tested with a hand-written or `mockall` double: implement the six required
/// methods and the helpers (stream, reference lookup, item verification,
/// polling) come for free.
#[async_trait]
pub trait CloudxApi: Send + Sync {
    /// Creates a receiving ticket, never two for one reference number.
    ///
    /// The ticket is validated first (see [`NewReceivingTicket::validate`]).
    /// A 409 duplicate returns the existing ticket as
    /// [`CreateOutcome::AlreadyExisted`]; an ambiguous failure (timeout,
    /// connection dropped after sending, 5xx) looks the reference up before
    /// any retry and returns a found ticket as [`CreateOutcome::Recovered`].
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] before sending; [`Error::InvalidFields`] and
    /// [`Error::ItemNotFound`] for a 422; [`Error::CreateOutcomeUnknown`] when
    /// the create was ambiguous and the lookup failed too (calling again is
    /// safe); [`Error::Http`] otherwise.
    async fn create_ticket(&self, ticket: &NewReceivingTicket) -> Result<CreateOutcome, Error>;

    /// Fetches one ticket.
    ///
    /// # Errors
    ///
    /// [`Error::TicketNotFound`] for an unknown id; [`Error::Http`] otherwise.
    async fn get_ticket(&self, id: &TicketId) -> Result<ReceivingTicket, Error>;

    /// Fetches one page of a ticket search.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidFields`] for a filter CloudX rejects; [`Error::Http`]
    /// otherwise.
    async fn list_tickets(&self, query: &TicketQuery) -> Result<TicketPage, Error>;

    /// Cancels a ticket whose parcel has not arrived (`Draft`, `PendingCSR`)
    /// and returns it, now `Cancelled`, as [`CancelOutcome::Cancelled`]. A
    /// ticket that was already cancelled is returned as
    /// [`CancelOutcome::AlreadyCancelled`], so repeating a cancel is harmless
    /// and still tells the two apart.
    ///
    /// # Errors
    ///
    /// [`Error::NotCancellable`] past that point; [`Error::TicketNotFound`]
    /// for an unknown id; [`Error::Http`] otherwise.
    async fn cancel_ticket(&self, id: &TicketId) -> Result<CancelOutcome, Error>;

    /// Looks an item up in the item master; `None` when CloudX does not know
    /// it.
    ///
    /// # Errors
    ///
    /// [`Error::Http`] when the lookup itself fails.
    async fn find_item(&self, identifier: &ItemIdentifier) -> Result<Option<Item>, Error>;

    /// Lists the warehouses the account can route returns to.
    ///
    /// # Errors
    ///
    /// [`Error::Http`].
    async fn list_warehouses(&self) -> Result<Vec<Warehouse>, Error>;

    /// How many requests the batch helpers keep in flight (default 4).
    fn batch_concurrency(&self) -> usize {
        4
    }

    /// The most pages one ticket stream reads before it stops with
    /// [`Error::TooManyPages`]: [`DEFAULT_MAX_PAGES`] unless overridden;
    /// [`CloudxClient`](crate::CloudxClient) answers its
    /// [`max_pages`](crate::CloudxClientBuilder::max_pages) setting. 0 counts
    /// as 1.
    fn max_pages(&self) -> usize {
        DEFAULT_MAX_PAGES
    }

    /// Every page of tickets matching `query`, as a stream: the page numbers
    /// and request id of each answer stay reachable.
    ///
    /// Ends after the last page (no `next_page`) or an empty page. A page
    /// that does not move forward — an answer for another page than the one
    /// asked for, or a `next_page` not after the current one — is yielded as
    /// [`Error::Pagination`] where it is detected, never as a silent end;
    /// the pages before it have been yielded. After
    /// [`max_pages`](CloudxApi::max_pages) pages, a next page is
    /// [`Error::TooManyPages`] instead of another request, so a search that
    /// never ends cannot exhaust memory. The first error ends the stream.
    fn ticket_pages(&self, query: TicketQuery) -> BoxStream<'_, Result<TicketPage, Error>> {
        enum Next {
            Fetch(TicketQuery),
            Fail(Error),
        }
        let max_pages = self.max_pages().max(1);
        let start = (Some(Next::Fetch(query)), 0_usize);
        stream::try_unfold(start, move |(next, read)| async move {
            let query = match next {
                None => return Ok(None),
                Some(Next::Fail(error)) => return Err(error),
                Some(Next::Fetch(query)) => query,
            };
            let page = self.list_tickets(&query).await?;
            let read = read + 1;
            let asked = query.page.unwrap_or(1);
            if page.page != asked && !page.tickets.is_empty() {
                // The server ignored the page asked for: these tickets were,
                // or will be, read elsewhere.
                return Err(Error::Pagination {
                    page: asked,
                    answered: page.page,
                    next_page: page.next_page.unwrap_or(page.page),
                });
            }
            let following = match page.next_page {
                _ if page.tickets.is_empty() => None,
                None => None,
                Some(next) if next > page.page && read >= max_pages => {
                    Some(Next::Fail(Error::TooManyPages {
                        operation: "list_tickets",
                        limit: max_pages,
                    }))
                }
                Some(next) if next > page.page => Some(Next::Fetch(query.page(next))),
                Some(next) => Some(Next::Fail(Error::Pagination {
                    page: asked,
                    answered: page.page,
                    next_page: next,
                })),
            };
            Ok(Some((page, (following, read))))
        })
        .boxed()
    }

    /// Every ticket matching `query`, page after page, as a stream (the
    /// items of [`ticket_pages`](CloudxApi::ticket_pages), with the same
    /// end, [`Error::Pagination`] and [`Error::TooManyPages`] rules). The
    /// first error ends the stream.
    fn tickets(&self, query: TicketQuery) -> BoxStream<'_, Result<ReceivingTicket, Error>> {
        self.ticket_pages(query)
            .map_ok(|page| stream::iter(page.tickets.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// The ticket with exactly this reference number, if any.
    ///
    /// # Errors
    ///
    /// As [`CloudxApi::list_tickets`].
    async fn find_ticket_by_reference(
        &self,
        reference: &ReferenceNumber,
    ) -> Result<Option<ReceivingTicket>, Error> {
        let page = self
            .list_tickets(&TicketQuery::new().reference_number(reference.clone()))
            .await?;
        // Compare exactly: a server doing prefix or case-folded search must
        // not hand back someone else's ticket.
        Ok(page
            .tickets
            .into_iter()
            .find(|ticket| ticket.reference_number == *reference))
    }

    /// Looks up every identifier (duplicates once each), at most
    /// [`batch_concurrency`](CloudxApi::batch_concurrency) at a time, and
    /// returns those CloudX does not know, in the order given. Use it before
    /// creating tickets to fail early with the missing SKUs/UPCs instead of a
    /// warehouse rejection.
    ///
    /// # Errors
    ///
    /// The first lookup that fails (not "not found": that is a result).
    async fn verify_items(
        &self,
        identifiers: &[ItemIdentifier],
    ) -> Result<Vec<ItemIdentifier>, Error> {
        let mut seen = HashSet::new();
        let unique: Vec<ItemIdentifier> = identifiers
            .iter()
            .filter(|identifier| seen.insert(*identifier))
            .cloned()
            .collect();
        let found: Vec<(ItemIdentifier, bool)> = stream::iter(unique)
            .map(|identifier| async move {
                let item = self.find_item(&identifier).await?;
                Ok::<_, Error>((identifier, item.is_some()))
            })
            .buffered(self.batch_concurrency().max(1))
            .try_collect()
            .await?;
        Ok(found
            .into_iter()
            .filter(|(_, exists)| !exists)
            .map(|(identifier, _)| identifier)
            .collect())
    }

    /// Refreshes a batch of tickets, at most
    /// [`batch_concurrency`](CloudxApi::batch_concurrency) at a time, and
    /// reports which changed phase since the caller's last view. One failing
    /// ticket does not stop the others; it lands in
    /// [`PollReport::failed`].
    async fn refresh_tickets(&self, seen: &[SeenTicket]) -> PollReport {
        let results: Vec<_> = stream::iter(seen.iter().cloned())
            .map(|seen| async move {
                let result = self.get_ticket(&seen.id).await;
                (seen, result)
            })
            .buffered(self.batch_concurrency().max(1))
            .collect()
            .await;
        let mut report = PollReport::default();
        for (seen, result) in results {
            report.record(seen, result);
        }
        report
    }
}

#[cfg(test)]
mod tests {
    //! The provided methods against an in-memory double: what an
    //! application's mock gets for free.

    use std::sync::Mutex;

    use super::*;
    use crate::model::{Sku, TicketStatus};

    /// Serves `pages` by page number (or always the first, when
    /// `ignore_page`) and knows the items `known`.
    #[derive(Default)]
    struct Fake {
        pages: Vec<TicketPage>,
        ignore_page: bool,
        known: Vec<Item>,
        lookups: Mutex<Vec<ItemIdentifier>>,
    }

    fn ticket(id: &str, reference: &str) -> ReceivingTicket {
        ReceivingTicket {
            id: TicketId::new(id),
            reference_number: ReferenceNumber::new(reference),
            status: TicketStatus::Draft,
            ..ReceivingTicket::default()
        }
    }

    fn page(number: u32, next: Option<u32>, tickets: Vec<ReceivingTicket>) -> TicketPage {
        TicketPage {
            tickets,
            page: number,
            per_page: 2,
            next_page: next,
            request_id: None,
        }
    }

    #[async_trait]
    impl CloudxApi for Fake {
        async fn create_ticket(&self, _: &NewReceivingTicket) -> Result<CreateOutcome, Error> {
            Err(Error::Config(http_transport::ConfigError::Missing("fake")))
        }
        async fn get_ticket(&self, id: &TicketId) -> Result<ReceivingTicket, Error> {
            Ok(ticket(id.as_str(), "ref"))
        }
        async fn list_tickets(&self, query: &TicketQuery) -> Result<TicketPage, Error> {
            let wanted = if self.ignore_page {
                1
            } else {
                query.page.unwrap_or(1)
            };
            Ok(self
                .pages
                .iter()
                .find(|p| p.page == wanted)
                .cloned()
                .unwrap_or_else(|| page(wanted, None, Vec::new())))
        }
        async fn cancel_ticket(&self, id: &TicketId) -> Result<CancelOutcome, Error> {
            self.get_ticket(id).await.map(CancelOutcome::Cancelled)
        }
        async fn find_item(&self, identifier: &ItemIdentifier) -> Result<Option<Item>, Error> {
            self.lookups
                .lock()
                .expect("not poisoned")
                .push(identifier.clone());
            Ok(self.known.iter().find(|i| identifier.matches(i)).cloned())
        }
        async fn list_warehouses(&self) -> Result<Vec<Warehouse>, Error> {
            Ok(Vec::new())
        }
    }

    #[tokio::test]
    async fn stream_walks_pages_and_stops_on_an_empty_one() {
        let fake = Fake {
            pages: vec![
                page(1, Some(2), vec![ticket("A", "a"), ticket("B", "b")]),
                page(2, Some(3), vec![ticket("C", "c")]),
                page(3, Some(4), Vec::new()),
                page(4, None, vec![ticket("never", "n")]),
            ],
            ..Fake::default()
        };
        let ids: Vec<String> = fake
            .tickets(TicketQuery::new())
            .map_ok(|t| t.id.into_inner())
            .try_collect()
            .await
            .expect("pages");
        assert_eq!(ids, ["A", "B", "C"]);
    }

    #[tokio::test]
    async fn stream_yields_a_typed_error_when_the_next_page_does_not_move_forward() {
        // Page 2 claims page 2 comes next: its tickets, then the error.
        let stuck = Fake {
            pages: vec![page(2, Some(2), vec![ticket("B", "b")])],
            ..Fake::default()
        };
        let items: Vec<Result<ReceivingTicket, Error>> =
            stuck.tickets(TicketQuery::new().page(2)).collect().await;
        assert_eq!(items.len(), 2, "{items:?}");
        assert_eq!(items[0].as_ref().map(|t| t.id.as_str()).ok(), Some("B"));
        assert!(
            matches!(
                items[1],
                Err(Error::Pagination {
                    page: 2,
                    answered: 2,
                    next_page: 2
                })
            ),
            "{items:?}"
        );

        // Asked for page 2, the server ignores it and answers page 1 with
        // next_page 2 again: its tickets are repeats, so only the error.
        let ignoring = Fake {
            pages: vec![page(1, Some(2), vec![ticket("A", "a")])],
            ignore_page: true,
            ..Fake::default()
        };
        let items: Vec<Result<ReceivingTicket, Error>> =
            ignoring.tickets(TicketQuery::new().page(2)).collect().await;
        assert_eq!(items.len(), 1, "{items:?}");
        assert!(
            matches!(
                items[0],
                Err(Error::Pagination {
                    page: 2,
                    answered: 1,
                    ..
                })
            ),
            "{items:?}"
        );
    }

    #[test]
    fn a_test_double_reads_the_default_number_of_pages() {
        assert_eq!(Fake::default().max_pages(), DEFAULT_MAX_PAGES);
    }

    #[tokio::test]
    async fn page_stream_keeps_page_metadata() {
        let fake = Fake {
            pages: vec![
                page(1, Some(2), vec![ticket("A", "a")]),
                page(2, None, vec![ticket("B", "b")]),
            ],
            ..Fake::default()
        };
        let pages: Vec<TicketPage> = fake
            .ticket_pages(TicketQuery::new())
            .try_collect()
            .await
            .expect("pages");
        let numbers: Vec<_> = pages.iter().map(|p| (p.page, p.next_page)).collect();
        assert_eq!(numbers, [(1, Some(2)), (2, None)]);
    }

    #[tokio::test]
    async fn reference_lookup_matches_exactly() {
        let fake = Fake {
            pages: vec![page(
                1,
                None,
                vec![ticket("A", "#1001-R1-extra"), ticket("B", "#1001-R1")],
            )],
            ..Fake::default()
        };
        let found = fake
            .find_ticket_by_reference(&ReferenceNumber::new("#1001-R1"))
            .await
            .expect("lookup");
        assert_eq!(found.map(|t| t.id.into_inner()).as_deref(), Some("B"));
    }

    #[tokio::test]
    async fn verify_items_deduplicates_and_keeps_order() {
        let fake = Fake {
            known: vec![Item {
                sku: Sku::new("KNOWN"),
                ..Item::default()
            }],
            ..Fake::default()
        };
        let missing = fake
            .verify_items(&[
                ItemIdentifier::sku("B"),
                ItemIdentifier::sku("KNOWN"),
                ItemIdentifier::sku("A"),
                ItemIdentifier::sku("B"),
            ])
            .await
            .expect("verified");
        assert_eq!(
            missing,
            [ItemIdentifier::sku("B"), ItemIdentifier::sku("A")]
        );
        assert_eq!(fake.lookups.lock().expect("not poisoned").len(), 3);
    }
}
