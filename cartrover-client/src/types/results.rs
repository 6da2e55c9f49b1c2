//! Results of the write calls: create (E1), batch create (E2) and cancel (E6).

use serde::{Deserialize, Serialize};

use crate::lenient;
use crate::types::CustRef;

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

/// Per-order outcome of a batch create (E2). The call succeeds even when some
/// orders failed: check [`failed`](Self::failed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BatchCreateResult {
    /// Orders created.
    #[serde(default, deserialize_with = "lenient::list::deserialize")]
    pub success: Vec<BatchCreated>,
    /// Orders refused, with the reason.
    #[serde(default, deserialize_with = "lenient::list::deserialize")]
    pub failed: Vec<BatchFailure>,
}

impl BatchCreateResult {
    /// Whether every order of the batch was created.
    pub fn all_created(&self) -> bool {
        self.failed.is_empty()
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
    /// Whether CartRover refused the order as a duplicate of an existing one.
    pub fn is_duplicate(&self) -> bool {
        self.message.as_deref() == Some("OrderDuplicate")
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
