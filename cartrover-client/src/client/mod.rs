//! Configuring the clients, and the call path they share.

mod builder;
mod cart;
pub(crate) mod core;
mod merchant;
mod orders;
mod warehouse;

pub use builder::{ClientBuilder, DEFAULT_BASE_URL};
pub use cart::CartClient;
pub use merchant::MerchantClient;
pub use warehouse::WarehouseClient;
