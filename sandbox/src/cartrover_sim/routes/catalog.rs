//! Inventory, product, ship-method, order-source and merchant endpoints
//! (E8–E16, E18).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::Uri;

use super::{json_body, listed, query_map, with_total};
use crate::cartrover_sim::CartroverSim;
use crate::cartrover_sim::auth::{AnyKeys, Caller, MerchantKeys, ReadKeys, WarehouseKeys};
use crate::cartrover_sim::state::State as SimState;
use crate::cartrover_sim::wire::Reply;

/// E8.
pub(super) async fn inventory_list(
    caller: Caller<ReadKeys>,
    State(sim): State<CartroverSim>,
    uri: Uri,
) -> Reply {
    let query = query_map(&uri);
    let (result, total) =
        listed(sim.with_state(|state| state.inventory_list(caller.merchant(), &query)));
    with_total(caller.reply(result), total)
}

/// E18 — simulator only: seeds inventory levels.
pub(super) async fn inventory_write(
    caller: Caller<MerchantKeys>,
    State(sim): State<CartroverSim>,
    body: Bytes,
) -> Reply {
    let result = json_body(&body)
        .and_then(|body| sim.with_state(|state| state.write_inventory(caller.merchant(), &body)));
    caller.reply(result)
}

/// E9.
pub(super) async fn inventory_item(
    caller: Caller<ReadKeys>,
    State(sim): State<CartroverSim>,
    Path(sku): Path<String>,
) -> Reply {
    caller.reply(sim.with_state(|state| state.inventory_item(caller.merchant(), &sku)))
}

/// E10.
pub(super) async fn product(
    caller: Caller<ReadKeys>,
    State(sim): State<CartroverSim>,
    Path(sku): Path<String>,
) -> Reply {
    caller.reply(sim.with_state(|state| state.product(caller.merchant(), &sku)))
}

/// E11 — any level (the Cart-only Ruby gem calls it too).
pub(super) async fn wms_ship_methods(
    caller: Caller<AnyKeys>,
    State(sim): State<CartroverSim>,
) -> Reply {
    caller.reply(Ok(sim.with_state(|state| state.wms_ship_methods())))
}

/// E12.
pub(super) async fn order_sources(
    caller: Caller<MerchantKeys>,
    State(sim): State<CartroverSim>,
) -> Reply {
    caller.reply(sim.with_state(|state| state.order_sources(caller.merchant())))
}

/// E13.
pub(super) async fn cart_types(caller: Caller<MerchantKeys>) -> Reply {
    caller.reply(Ok(SimState::cart_types()))
}

/// E14.
pub(super) async fn ship_mappings(
    caller: Caller<MerchantKeys>,
    State(sim): State<CartroverSim>,
    Path(order_source): Path<String>,
) -> Reply {
    caller.reply(sim.with_state(|state| state.ship_mappings(caller.merchant(), &order_source)))
}

/// E15.
pub(super) async fn set_ship_mappings(
    caller: Caller<MerchantKeys>,
    State(sim): State<CartroverSim>,
    Path(order_source): Path<String>,
    body: Bytes,
) -> Reply {
    let result = json_body(&body).and_then(|body| {
        sim.with_state(|state| state.set_ship_mappings(caller.merchant(), &order_source, &body))
    });
    caller.reply(result)
}

/// E16 — provisional response shape.
pub(super) async fn warehouse_merchants(
    caller: Caller<WarehouseKeys>,
    State(sim): State<CartroverSim>,
) -> Reply {
    caller.reply(Ok(sim.with_state(|state| state.warehouse_merchants())))
}
