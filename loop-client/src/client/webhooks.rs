//! Programmatic webhook subscriptions.

use http_transport::Request;

use super::LoopClient;
use crate::error::Error;
use crate::ids::WebhookId;
use crate::models::list_body::WebhooksKey;
use crate::models::webhooks::{Webhook, WebhookSubscription};

impl LoopClient {
    /// List webhook subscriptions (`GET /webhooks`), including those created
    /// in Loop's admin. Needs the Developer Tools scope.
    ///
    /// # Errors
    ///
    /// [`Error::Http`].
    pub async fn list_webhooks(&self) -> Result<Vec<Webhook>, Error> {
        let request = Request::get("/webhooks").operation("list_webhooks");
        self.get_list::<Webhook, WebhooksKey>(request).await
    }

    /// Subscribe to a topic and trigger (`POST /webhooks`). Not retried
    /// automatically (a repeat would subscribe twice).
    ///
    /// # Errors
    ///
    /// [`Error::Http`] (422 for unknown topic or trigger values).
    pub async fn create_webhook(
        &self,
        subscription: &WebhookSubscription,
    ) -> Result<Webhook, Error> {
        let request = Request::post("/webhooks")
            .operation("create_webhook")
            .json(subscription);
        self.get_json(request).await
    }

    /// Replace a subscription (`PUT /webhooks/{id}`). Loop is reported to
    /// answer 204 (method and status from a third-party reconstruction); the
    /// updated subscription is returned when Loop echoes it, `None` for an
    /// empty body or JSON that is not a subscription.
    ///
    /// # Errors
    ///
    /// [`Error::Http`] (404 for an unknown id; a 2xx body that is not JSON or
    /// is cut off is a decode error, [`Error::is_decode`]).
    pub async fn update_webhook(
        &self,
        id: &WebhookId,
        subscription: &WebhookSubscription,
    ) -> Result<Option<Webhook>, Error> {
        let request = Request::put("/webhooks/{id}")
            .operation("update_webhook")
            .path_param(id)
            .json(subscription);
        let answer = self
            .transport
            .execute::<serde_json::Value>(request)
            .await?
            .into_body();
        Ok(match answer {
            serde_json::Value::Object(_) => serde_json::from_value::<Webhook>(answer).ok(),
            _ => None,
        })
    }

    /// Delete a subscription (`DELETE /webhooks/{id}`; 204 per a third-party
    /// reconstruction, any 2xx is accepted).
    ///
    /// # Errors
    ///
    /// [`Error::Http`] (404 for an unknown id).
    pub async fn delete_webhook(&self, id: &WebhookId) -> Result<(), Error> {
        let request = Request::delete("/webhooks/{id}")
            .operation("delete_webhook")
            .path_param(id);
        self.transport.execute_bytes(request).await?;
        Ok(())
    }
}
