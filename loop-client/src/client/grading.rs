//! Grade Items and Assess Dispositions.

use http_transport::Request;

use serde::de::DeserializeOwned;

use super::LoopClient;
use crate::error::Error;
use crate::models::grading::{AssessedItem, GradedItem, ItemDisposition, ItemGrade, ItemsBody};
use crate::models::list_body::ItemsKey;

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

    /// Sends `items` in calls of at most `grading_batch_size`, in order, and
    /// collects the echoed items; a failure after the first call reports how
    /// many items were accepted.
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
