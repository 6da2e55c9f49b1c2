//! Grade Items and Assess Dispositions.

use http_transport::Request;

use super::LoopClient;
use crate::error::Error;
use crate::models::grading::{AssessedItem, GradedItem, ItemDisposition, ItemGrade, ItemsBody};

impl LoopClient {
    /// Record item grades (`POST /dispositioning/grade`).
    ///
    /// Every item is validated first (nothing is sent if one is invalid); then
    /// items go in calls of at most [`MAX_ITEMS_PER_CALL`](crate::MAX_ITEMS_PER_CALL), in order, and the
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
}
