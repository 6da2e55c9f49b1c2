//! Results of the write calls: create (E1), batch create (E2) and cancel (E6).

use serde::{Deserialize, Serialize};

use crate::lenient;
use crate::types::{CustRef, Order};
use crate::validate::MissingFields;

/// What CartRover answers to a single create (E1): the order's key and number.
/// E1 has no `response` wrapper: both sit beside `success_code`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreatedOrder {
    /// The order key.
    #[serde(default)]
    pub cust_ref: CustRef,
    /// The order number CartRover assigned (often equal to `cust_ref`).
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub order_number: Option<String>,
}

/// What [`CartApi::create_order`](crate::CartApi::create_order) did. Every
/// variant names the one order that exists for the `cust_ref`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CreateOutcome {
    /// This call created the order.
    Created(CreatedOrder),
    /// An order with this `cust_ref` existed before (CartRover answered
    /// "duplicate"); nothing new was created. The existing order as CartRover
    /// shows it (E3), which may differ from the request.
    AlreadyExisted(Box<Order>),
    /// An attempt failed ambiguously and the lookup by `cust_ref` found the
    /// order: most likely created by that attempt, possibly earlier.
    Recovered(Box<Order>),
}

impl CreateOutcome {
    /// The order key, however the order came to exist.
    pub fn cust_ref(&self) -> &CustRef {
        match self {
            Self::Created(created) => &created.cust_ref,
            Self::AlreadyExisted(order) | Self::Recovered(order) => &order.cust_ref,
        }
    }

    /// Whether CartRover reported the `cust_ref` as already taken.
    pub fn already_existed(&self) -> bool {
        matches!(self, Self::AlreadyExisted(_))
    }

    /// CartRover's answer when this call created the order.
    pub fn created(&self) -> Option<&CreatedOrder> {
        match self {
            Self::Created(created) => Some(created),
            _ => None,
        }
    }

    /// The order read back, when it was not created by this call's answer.
    pub fn existing(&self) -> Option<&Order> {
        match self {
            Self::AlreadyExisted(order) | Self::Recovered(order) => Some(order),
            Self::Created(_) => None,
        }
    }
}

/// The result of a batch create (E2): CartRover's `success` and `failed`
/// lists, plus [`outcomes`](Self::outcomes), one per order of the request
/// in its order. The call succeeds even when some orders failed.
///
/// Orders the client found incomplete were not sent; they are in `failed`
/// (with their `index_pos` and the missing fields in the message, as
/// CartRover words it) and are [`BatchOrderOutcome::NotSent`]. Every
/// `index_pos` is the position in the caller's slice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BatchCreateResult {
    /// Orders created.
    #[serde(default, deserialize_with = "lenient::list::deserialize")]
    pub success: Vec<BatchCreated>,
    /// Orders refused, with the reason: by CartRover, or not sent because
    /// they were incomplete.
    #[serde(default, deserialize_with = "lenient::list::deserialize")]
    pub failed: Vec<BatchFailure>,
    /// What happened to each order of the request, by index (filled by
    /// [`CartApi::create_orders`](crate::CartApi::create_orders); empty when
    /// the result was decoded some other way).
    #[serde(skip)]
    pub outcomes: Vec<BatchOrderOutcome>,
}

impl BatchCreateResult {
    /// Whether every order of the batch was created.
    pub fn all_created(&self) -> bool {
        self.failed.is_empty() && self.outcomes.iter().all(BatchOrderOutcome::is_created)
    }

    /// The indices (in the request) of the orders that went through.
    pub fn created_indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.outcomes
            .iter()
            .enumerate()
            .filter_map(|(i, outcome)| outcome.is_created().then_some(i))
    }

    /// The outcome of the order at `index` in the request.
    pub fn outcome(&self, index: usize) -> Option<&BatchOrderOutcome> {
        self.outcomes.get(index)
    }
}

/// What happened to one order of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BatchOrderOutcome {
    /// CartRover created it.
    Created(BatchCreated),
    /// CartRover refused it, e.g. as a duplicate ([`BatchFailure::is_duplicate`]).
    Refused(BatchFailure),
    /// The client found it incomplete and did not send it.
    NotSent(MissingFields),
    /// It was sent, but CartRover's answer does not mention it: check it with
    /// [`order_status`](crate::OrderApi::order_status).
    Unreported,
}

impl BatchOrderOutcome {
    /// Whether the order went through.
    pub fn is_created(&self) -> bool {
        matches!(self, Self::Created(_))
    }
}

/// An order a batch created.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BatchCreated {
    /// Order key.
    #[serde(default)]
    pub cust_ref: Option<CustRef>,
    /// Full order / PO number.
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub cust_po_no: Option<String>,
}

/// An order a batch refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BatchFailure {
    /// Order key; `None` when the order had none.
    #[serde(default)]
    pub cust_ref: Option<CustRef>,
    /// Full order / PO number; may be `None`.
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub cust_po_no: Option<String>,
    /// Why, e.g. `OrderDuplicate` or
    /// `Order missing required field(s): cust_ref`.
    #[serde(default)]
    pub message: Option<String>,
    /// 0-based position of the order in the request, when CartRover gives it.
    #[serde(default, deserialize_with = "deserialize_index")]
    pub index_pos: Option<usize>,
}

impl BatchFailure {
    /// Whether CartRover refused the order as a duplicate of an existing one
    /// (`OrderDuplicate`, or a message saying "duplicate" / "already exists").
    pub fn is_duplicate(&self) -> bool {
        self.message.as_deref().is_some_and(|m| {
            let m = m.to_ascii_lowercase();
            m.contains("duplicate") || m.contains("already exist")
        })
    }
}

fn deserialize_index<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    lenient::int::deserialize(d)?
        .map(|i| {
            usize::try_from(i)
                .map_err(|_| serde::de::Error::custom(format!("negative index_pos {i}")))
        })
        .transpose()
}

/// The nested result of a cancel call (E6): `{"success": bool, "message": …}`
/// inside a successful envelope.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CancelBody {
    #[serde(default, deserialize_with = "lenient::yes_no::deserialize")]
    pub(crate) success: Option<bool>,
    #[serde(default)]
    pub(crate) message: Option<String>,
}

/// A cancel CartRover confirmed (both `success_code` and `response.success`
/// were true).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Canceled {
    /// The order canceled.
    pub cust_ref: CustRef,
    /// CartRover's message, if any.
    pub message: Option<String>,
}
