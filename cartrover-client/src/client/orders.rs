//! Order reads and status updates, shared by the Cart and Merchant levels,
//! which differ only in the path prefix.

use http_transport::Request;

use crate::client::core::Core;
use crate::error::Result;
use crate::reply::Reply;
use crate::types::{
    CustRef, Order, OrderIncludes, OrderListQuery, OrderStatusInfo, Page, StatusUpdate,
};

/// The order paths of one level.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OrderPaths {
    pub(crate) view: &'static str,
    pub(crate) status: &'static str,
    pub(crate) list: &'static str,
    pub(crate) update: &'static str,
}

/// `/v1/cart/orders/...` (E3, E4, E5, E7).
pub(crate) const CART_ORDERS: OrderPaths = OrderPaths {
    view: "/v1/cart/orders/{cust_ref}",
    status: "/v1/cart/orders/status/{cust_ref}",
    list: "/v1/cart/orders/list/{status}",
    update: "/v1/cart/orders/update/{cust_ref}",
};

/// `/v1/merchant/orders/...` (E3, E4, E5, and the unverified E7m).
pub(crate) const MERCHANT_ORDERS: OrderPaths = OrderPaths {
    view: "/v1/merchant/orders/{cust_ref}",
    status: "/v1/merchant/orders/status/{cust_ref}",
    list: "/v1/merchant/orders/list/{status}",
    update: "/v1/merchant/orders/update/{cust_ref}",
};

fn with_includes(mut request: Request, includes: &OrderIncludes) -> Request {
    for (key, value) in includes.pairs() {
        request = request.query(key, value);
    }
    request
}

pub(crate) async fn order(
    core: &Core,
    paths: OrderPaths,
    cust_ref: &CustRef,
    includes: OrderIncludes,
) -> Result<Reply<Order>> {
    let request = Request::get(paths.view)
        .operation("get_order")
        .path_param(cust_ref);
    core.call(with_includes(request, &includes)).await
}

pub(crate) async fn order_status(
    core: &Core,
    paths: OrderPaths,
    cust_ref: &CustRef,
) -> Result<Reply<OrderStatusInfo>> {
    let request = Request::get(paths.status)
        .operation("get_order_status")
        .path_param(cust_ref);
    core.call(request).await
}

pub(crate) async fn list_orders(
    core: &Core,
    paths: OrderPaths,
    query: &OrderListQuery,
) -> Result<Reply<Page<Order>>> {
    let request = Request::get(paths.list)
        .operation("list_orders")
        .path_param(&query.filter)
        .query_opt("from_date", query.from_date.map(|d| d.to_wire()))
        .query_opt("to_date", query.to_date.map(|d| d.to_wire()))
        .query_opt("order_source", query.order_source.as_ref());
    core.call_page(
        with_includes(request, &query.includes),
        query.page_request(),
    )
    .await
}

pub(crate) async fn update_order_status(
    core: &Core,
    paths: OrderPaths,
    cust_ref: &CustRef,
    update: &StatusUpdate,
) -> Result<Reply<()>> {
    let request = Request::post(paths.update)
        .operation("update_order_status")
        .path_param(cust_ref)
        .json(update);
    core.call_unit(request).await
}
