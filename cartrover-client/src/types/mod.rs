//! The typed model of CartRover's JSON: requests, responses, ids and enums.

mod address;
mod ids;
mod inventory;
mod merchant;
mod new_order;
mod order;
pub(crate) mod product;
mod query;
mod results;
mod ship_method;
mod shipment;
mod status;
mod update;

pub use address::{BillTo, ShipTo};
pub use ids::{CustRef, MerchantPk, OrderSource, Sku};
pub use inventory::{InventoryItem, WarehouseInventory};
pub use merchant::Merchant;
pub use new_order::{NewOrder, NewOrderLine};
pub use order::{Order, OrderLine, OrderStatusInfo};
pub use product::{Product, ProductAlias};
pub use query::{DateBound, MAX_PAGE_SIZE, OrderIncludes, OrderListQuery, Page, PageRequest};
pub(crate) use results::CancelBody;
pub use results::{
    BatchCreateResult, BatchCreated, BatchFailure, BatchOrderOutcome, Canceled, CreateOutcome,
    CreatedOrder,
};
pub use ship_method::{CartShipMethod, ShipMethodMapping, WmsShipMethod};
pub use shipment::{Carton, Shipment, ShipmentItem};
pub use status::{OrderListFilter, OrderStatus};
pub use update::StatusUpdate;
