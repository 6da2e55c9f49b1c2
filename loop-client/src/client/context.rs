//! Context endpoints: destinations and orders.

use http_transport::Request;

use super::LoopClient;
use crate::error::Error;
use crate::ids::{DestinationId, OrderId};
use crate::models::destinations::Destination;
use crate::models::list_body::DestinationsKey;
use crate::models::orders::Order;

impl LoopClient {
    /// The shop's destinations (`GET /destinations`), to map a return's
    /// `destination_id` to a warehouse. Needs the Destinations (Read) scope.
    ///
    /// # Errors
    ///
    /// [`Error::Http`].
    pub async fn list_destinations(&self) -> Result<Vec<Destination>, Error> {
        let request = Request::get("/destinations").operation("list_destinations");
        self.get_list::<Destination, DestinationsKey>(request).await
    }

    /// One destination (`GET /destinations/{id}`).
    ///
    /// # Errors
    ///
    /// [`Error::Http`].
    pub async fn get_destination(&self, id: &DestinationId) -> Result<Destination, Error> {
        let request = Request::get("/destinations/{id}")
            .operation("get_destination")
            .path_param(id);
        self.get_json(request).await
    }

    /// One order of the Commerce-Data API (`GET /orders/{id}`), mainly for its
    /// sales channel ([`Order::sales_channel`]) when a return does not carry
    /// one. See [`Order`] for what is unconfirmed about this endpoint.
    ///
    /// # Errors
    ///
    /// [`Error::Http`] (401 if the key lacks the orders scope).
    pub async fn get_order(&self, id: &OrderId) -> Result<Order, Error> {
        let request = Request::get("/orders/{id}")
            .operation("get_order")
            .path_param(id);
        self.get_json(request).await
    }
}
