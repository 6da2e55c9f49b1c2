//! Typed async client of CloudX, Bergen Logistics' warehouse management system:
//! receiving tickets (ASNs) with duplicate-proof creation, the item master and
//! warehouses.
//!
//! Built on `http-transport`; the client arrives with its own issue.
