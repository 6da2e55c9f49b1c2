//! Cancelling a receiving ticket, with "already cancelled" told apart.

use http_transport::Request;

use crate::api::CloudxApi;
use crate::client::CloudxClient;
use crate::error::Error;
use crate::model::{ReceivingTicket, TicketId, TicketStatus};
use crate::refusal;
use crate::wire::{WireTicket, path};

/// What [`CloudxApi::cancel_ticket`] did. Both variants hold the ticket, now
/// `Cancelled`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CancelOutcome {
    /// CloudX cancelled the ticket in answer to this call.
    Cancelled(ReceivingTicket),
    /// CloudX refused the cancel (409) because the ticket was already
    /// cancelled. When this call's first attempt timed out and was repeated,
    /// that first attempt may be what cancelled it.
    AlreadyCancelled(ReceivingTicket),
}

impl CancelOutcome {
    /// The cancelled ticket.
    pub fn ticket(&self) -> &ReceivingTicket {
        match self {
            Self::Cancelled(t) | Self::AlreadyCancelled(t) => t,
        }
    }

    /// Unwraps the ticket.
    pub fn into_ticket(self) -> ReceivingTicket {
        match self {
            Self::Cancelled(t) | Self::AlreadyCancelled(t) => t,
        }
    }

    /// Whether the ticket was cancelled before this call.
    pub fn already_cancelled(&self) -> bool {
        matches!(self, Self::AlreadyCancelled(_))
    }
}

impl CloudxClient {
    pub(crate) async fn cancel(&self, id: &TicketId) -> Result<CancelOutcome, Error> {
        // Cancelling twice leaves the ticket cancelled, so the transport may
        // repeat it after a timeout or 5xx; a repeat that meets the 409 of an
        // already cancelled ticket is a success, checked below.
        let request = Request::post(path::CANCEL_TICKET)
            .operation("cancel_ticket")
            .path_param(id)
            .idempotent(true);
        let error = match refusal::capture::<WireTicket>(&self.transport, request).await {
            Ok(response) => return Ok(CancelOutcome::Cancelled(response.into_body().into())),
            Err(failed) => refusal::on_cancel(failed, id),
        };
        if error.is_not_cancellable() {
            let current = self.get_ticket(id).await?;
            if current.status == TicketStatus::Cancelled {
                return Ok(CancelOutcome::AlreadyCancelled(current));
            }
        }
        Err(error)
    }
}
