//! The simulator's state and the operations on it. Every operation is
//! synchronous and runs under the state lock; handlers never hold the lock
//! across an await.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::catalog::{Catalog, Stock, StockWrite};
use super::clock::SimClock;
use super::config::{CartroverConfig, WmsShipMethod};
use super::decimal::Decimal;
use super::listing::{DateRange, Paging};
use super::order::{
    Dispatch, Includes, ListFilter, Order, OrderError, OrderJson, OrderStatus, RejectedOrder,
    RenderContext, Shipment, Variant, parse_create, text,
};
use super::wire::{ApiError, Success, to_json_bytes};

/// `error_code` of orders held for an unmapped ship code.
const UNMAPPED_SHIP_CODE: &str = "UnmappedShipMethod";
/// Cart types E13 lists (its element shape is not public: `{cart_type}`).
const CART_TYPES: [&str; 9] = [
    "Amazon",
    "BigCommerce",
    "CartRover API",
    "eBay",
    "Etsy",
    "Magento",
    "Shopify",
    "Walmart",
    "WooCommerce",
];

/// Behaviour switches copied from the config.
#[derive(Clone, Debug)]
struct Policy {
    cancel_window: Option<Duration>,
    reject_unmapped_ship_codes: bool,
    ship_methods: Vec<WmsShipMethod>,
    default_warehouse: String,
    default_order_source: String,
}

/// One merchant account's data.
#[derive(Debug)]
struct Merchant {
    name: String,
    warehouse_access: bool,
    order_sources: BTreeSet<String>,
    /// order source → cart ship code → WMS code (`None`: pass-through).
    ship_mappings: BTreeMap<String, BTreeMap<String, Option<String>>>,
    /// In creation order; never removed, so indexes stay valid.
    orders: Vec<Order>,
    by_ref: HashMap<String, usize>,
    catalog: Catalog,
}

impl Merchant {
    fn new(name: &str, warehouse_access: bool, order_source: &str) -> Self {
        Self {
            name: name.to_owned(),
            warehouse_access,
            order_sources: BTreeSet::from([order_source.to_owned()]),
            ship_mappings: BTreeMap::new(),
            orders: Vec::new(),
            by_ref: HashMap::new(),
            catalog: Catalog::default(),
        }
    }

    fn order(&self, cust_ref: &str) -> Result<&Order, ApiError> {
        self.by_ref
            .get(cust_ref)
            .map(|index| &self.orders[*index])
            .ok_or_else(|| unknown_order(cust_ref))
    }

    fn order_mut(&mut self, cust_ref: &str) -> Result<&mut Order, ApiError> {
        match self.by_ref.get(cust_ref) {
            Some(index) => Ok(&mut self.orders[*index]),
            None => Err(unknown_order(cust_ref)),
        }
    }

    /// The WMS code `order`'s ship code maps to, if a mapping names one.
    fn mapped_code(&self, order: &Order) -> Option<&str> {
        self.ship_mappings
            .get(&order.order_source)?
            .get(order.ship_code()?)?
            .as_deref()
    }

    /// Runs `render` with `order` in the given variant.
    fn render<T>(
        &self,
        order: &Order,
        variant: Variant,
        includes: Includes,
        render: impl FnOnce(&OrderJson<'_>) -> T,
    ) -> T {
        let aliases = |sku: &str| self.catalog.aliases_json(sku);
        let context = RenderContext {
            working_ship_code: self.mapped_code(order),
            aliases: &aliases,
        };
        render(&OrderJson {
            order,
            variant,
            includes,
            context: &context,
        })
    }
}

fn unknown_order(cust_ref: &str) -> ApiError {
    ApiError::invalid(format!("Order not found: {cust_ref}"))
}

/// Why one create request did not create an order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CreateFailure {
    /// Invalid request (missing or malformed fields).
    Rejected(RejectedOrder),
    /// An order with this `cust_ref` exists for the merchant.
    Duplicate {
        cust_ref: String,
        cust_po_no: Option<String>,
    },
}

/// One page of a list (a serialized JSON array) and the total number of
/// matching rows.
#[derive(Clone, Debug)]
pub(crate) struct Listed {
    pub(crate) rows_json: Vec<u8>,
    pub(crate) total: usize,
}

/// Everything the simulator knows.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) clock: SimClock,
    policy: Policy,
    merchants: BTreeMap<u64, Merchant>,
    next_record_no: u64,
    next_wms_product_id: u64,
    warehouse_ids: HashMap<String, u64>,
}

impl State {
    pub(crate) fn new(config: &CartroverConfig) -> Self {
        let mut merchants = BTreeMap::new();
        merchants.insert(
            config.merchant_pk,
            Merchant::new(&config.merchant_name, true, &config.order_source),
        );
        for other in &config.other_merchants {
            merchants.entry(other.pk).or_insert_with(|| {
                Merchant::new(&other.name, other.warehouse_access, &config.order_source)
            });
        }
        Self {
            clock: SimClock::default(),
            policy: Policy {
                cancel_window: config.cancel_window,
                reject_unmapped_ship_codes: config.reject_unmapped_ship_codes,
                ship_methods: config.wms_ship_methods.clone(),
                default_warehouse: config.default_warehouse.clone(),
                default_order_source: config.order_source.clone(),
            },
            merchants,
            next_record_no: 1,
            next_wms_product_id: 55_001,
            warehouse_ids: HashMap::new(),
        }
    }

    /// Whether the warehouse credentials may act for merchant `pk`.
    pub(crate) fn warehouse_serves(&self, pk: u64) -> bool {
        self.merchants.get(&pk).is_some_and(|m| m.warehouse_access)
    }

    /// Whether merchant `pk` is configured.
    pub(crate) fn has_merchant(&self, pk: u64) -> bool {
        self.merchants.contains_key(&pk)
    }

    fn merchant(&self, pk: u64) -> Result<&Merchant, ApiError> {
        self.merchants
            .get(&pk)
            .ok_or_else(|| ApiError::invalid(format!("Unknown merchant: {pk}")))
    }

    fn merchant_mut(&mut self, pk: u64) -> Result<&mut Merchant, ApiError> {
        self.merchants
            .get_mut(&pk)
            .ok_or_else(|| ApiError::invalid(format!("Unknown merchant: {pk}")))
    }

    // ----- orders: create -------------------------------------------------

    /// Creates one order for merchant `pk`; returns its `cust_ref` and
    /// `cust_po_no`.
    pub(crate) fn create(
        &mut self,
        pk: u64,
        request: &Value,
        seeding: bool,
    ) -> Result<(String, Option<String>), CreateFailure> {
        let now = self.clock.now();
        let draft = parse_create(request, &self.policy.default_order_source, now, seeding)
            .map_err(CreateFailure::Rejected)?;
        let record_no = self.next_record_no;
        let merchant = self.merchants.get_mut(&pk).ok_or_else(|| {
            CreateFailure::Rejected(RejectedOrder {
                cust_ref: Some(draft.cust_ref.clone()),
                cust_po_no: draft.cust_po_no.clone(),
                message: format!("Unknown merchant: {pk}"),
            })
        })?;
        if merchant.by_ref.contains_key(&draft.cust_ref) {
            return Err(CreateFailure::Duplicate {
                cust_ref: draft.cust_ref,
                cust_po_no: draft.cust_po_no,
            });
        }
        self.next_record_no += 1;
        let refs = (draft.cust_ref.clone(), draft.cust_po_no.clone());
        merchant.order_sources.insert(draft.order_source.clone());
        merchant
            .by_ref
            .insert(refs.0.clone(), merchant.orders.len());
        merchant
            .orders
            .push(Order::from_draft(draft, record_no, now));
        Ok(refs)
    }

    /// E1: one order, or a one-element array (the legacy form).
    pub(crate) fn create_single(&mut self, pk: u64, body: &Value) -> Result<Success, ApiError> {
        let request = match body {
            Value::Array(orders) if orders.len() == 1 => &orders[0],
            Value::Array(_) => {
                return Err(ApiError::invalid(
                    "Send one order per request here; use /v1/cart/orders/batch for several",
                ));
            }
            other => other,
        };
        match self.create(pk, request, false) {
            Ok((cust_ref, _)) => {
                let mut fields = Map::new();
                fields.insert("cust_ref".to_owned(), cust_ref.clone().into());
                fields.insert("order_number".to_owned(), cust_ref.into());
                Ok(Success::TopLevel(fields))
            }
            Err(CreateFailure::Rejected(rejected)) => Err(ApiError::invalid(rejected.message)),
            Err(CreateFailure::Duplicate { cust_ref, .. }) => Err(ApiError::failure(format!(
                "Duplicate order: cust_ref {cust_ref} already exists"
            ))),
        }
    }

    /// E2: every order of the array, with per-order results in a successful
    /// envelope.
    pub(crate) fn create_batch(&mut self, pk: u64, body: &Value) -> Result<Success, ApiError> {
        let orders = body
            .as_array()
            .filter(|orders| !orders.is_empty())
            .ok_or_else(|| ApiError::invalid("Body must be a non-empty JSON array of orders"))?;
        let mut success = Vec::new();
        let mut failed = Vec::new();
        for (index, request) in orders.iter().enumerate() {
            match self.create(pk, request, false) {
                Ok((cust_ref, cust_po_no)) => {
                    success.push(json!({ "cust_ref": cust_ref, "cust_po_no": cust_po_no }));
                }
                // The vendor's fixture gives duplicates without `index_pos`.
                Err(CreateFailure::Duplicate {
                    cust_ref,
                    cust_po_no,
                }) => failed.push(json!({
                    "cust_ref": cust_ref, "cust_po_no": cust_po_no, "message": "OrderDuplicate",
                })),
                Err(CreateFailure::Rejected(rejected)) => failed.push(json!({
                    "cust_ref": rejected.cust_ref,
                    "cust_po_no": rejected.cust_po_no,
                    "message": rejected.message,
                    "index_pos": index,
                })),
            }
        }
        Ok(Success::Response(
            json!({ "success": success, "failed": failed }),
        ))
    }

    // ----- orders: read ---------------------------------------------------

    /// E3.
    pub(crate) fn view(
        &self,
        pk: u64,
        cust_ref: &str,
        includes: Includes,
    ) -> Result<Success, ApiError> {
        let merchant = self.merchant(pk)?;
        let order = merchant.order(cust_ref)?;
        let view = merchant.render(order, Variant::View, includes, |json| to_json_bytes(json))?;
        Ok(Success::Rendered(view))
    }

    /// E4.
    pub(crate) fn status(&self, pk: u64, cust_ref: &str) -> Result<Success, ApiError> {
        let order = self.merchant(pk)?.order(cust_ref)?;
        Ok(Success::Response(order.render_status()))
    }

    /// The current status of one order.
    pub(crate) fn order_status(&self, pk: u64, cust_ref: &str) -> Result<OrderStatus, ApiError> {
        Ok(self.merchant(pk)?.order(cust_ref)?.status)
    }

    /// E5: oldest first (creation order), so pages are stable.
    pub(crate) fn list(
        &self,
        pk: u64,
        status: &str,
        query: &HashMap<String, String>,
    ) -> Result<Listed, ApiError> {
        let filter = ListFilter::parse(status)
            .ok_or_else(|| ApiError::invalid(format!("Unknown order status filter: {status}")))?;
        let paging = Paging::from_query(query)?;
        let range = DateRange::from_query(query)?;
        let source = query.get("order_source").filter(|s| !s.is_empty());
        let includes = Includes::from_query(query);
        let merchant = self.merchant(pk)?;
        let matching = merchant.orders.iter().filter(|order| {
            filter.matches(order)
                && source.is_none_or(|source| *source == order.order_source)
                && range.contains(filter.filter_date(order))
        });
        let mut page = Vec::new();
        let mut total = 0;
        for order in matching {
            if total >= paging.offset() && page.len() < paging.limit {
                page.push(order);
            }
            total += 1;
        }
        let mut rows_json = Vec::with_capacity(page.len() * 2048 + 2);
        rows_json.push(b'[');
        for (index, order) in page.into_iter().enumerate() {
            if index > 0 {
                rows_json.push(b',');
            }
            merchant.render(order, Variant::List, includes, |json| {
                serde_json::to_writer(&mut rows_json, json).map_err(|error| {
                    ApiError::failure(format!("Could not render the response: {error}"))
                })
            })?;
        }
        rows_json.push(b']');
        Ok(Listed { rows_json, total })
    }

    /// Every order of every merchant in list shape, oldest first.
    pub(crate) fn snapshot(&self) -> Vec<Value> {
        let mut all: Vec<(u64, Value)> = self
            .merchants
            .values()
            .flat_map(|merchant| {
                merchant.orders.iter().map(move |order| {
                    let row = merchant.render(order, Variant::List, Includes::all(), |json| {
                        serde_json::to_value(json).unwrap_or(Value::Null)
                    });
                    (order.record_no, row)
                })
            })
            .collect();
        all.sort_by_key(|(record_no, _)| *record_no);
        all.into_iter().map(|(_, row)| row).collect()
    }

    // ----- orders: change -------------------------------------------------

    /// E6/E6b: only `new` and `error` orders can be canceled; anything else
    /// answers `success: false` with the reason.
    pub(crate) fn cancel(&mut self, pk: u64, cust_ref: &str) -> Result<Success, ApiError> {
        let now = self.clock.now();
        let window = self.policy.cancel_window;
        let order = self.merchant_mut(pk)?.order_mut(cust_ref)?;
        let (success, message) = match order.status {
            OrderStatus::New | OrderStatus::Error => {
                let age = (now - order.created).max(time::Duration::ZERO);
                match window {
                    Some(window) if age > window => (
                        false,
                        format!(
                            "Order {cust_ref} can no longer be canceled: the cancel window of {}s has passed",
                            window.as_secs()
                        ),
                    ),
                    _ => {
                        order.status = OrderStatus::Canceled;
                        order.canceled = Some(now);
                        order.updated = now;
                        (true, format!("Order {cust_ref} canceled"))
                    }
                }
            }
            OrderStatus::Canceled => (false, format!("Order {cust_ref} is already canceled")),
            other => (
                false,
                format!(
                    "Order {cust_ref} cannot be canceled: its status is {}; the warehouse must cancel it",
                    other.as_str()
                ),
            ),
        };
        Ok(Success::Response(
            json!({ "success": success, "message": message }),
        ))
    }

    /// E7/E7m (and E17a/E17b): the status transitions of spec §11.
    pub(crate) fn update(
        &mut self,
        pk: u64,
        cust_ref: &str,
        body: &Value,
    ) -> Result<Success, ApiError> {
        let now = self.clock.now();
        let object = body
            .as_object()
            .ok_or_else(|| ApiError::invalid("Body must be a JSON object"))?;
        let wanted = text(object.get("order_status"))
            .ok_or_else(|| ApiError::invalid("order_status is required"))?;
        let target = OrderStatus::parse(&wanted)
            .ok_or_else(|| ApiError::invalid(format!("Unknown order_status: {wanted}")))?;
        let order = self.merchant_mut(pk)?.order_mut(cust_ref)?;
        let transition_error = || {
            ApiError::invalid(format!(
                "Cannot change order {cust_ref} from {} to {}",
                order.status.as_str(),
                target.as_str()
            ))
        };
        match (order.status, target) {
            (OrderStatus::New, OrderStatus::AtWms) => {
                order.delivered_to_wms = Some(now);
            }
            (
                OrderStatus::New | OrderStatus::AtWms | OrderStatus::Shipped,
                OrderStatus::Shipped,
            ) => {
                let shipments = posted_shipments(object.get("shipments"), now)?;
                order.delivered_to_wms.get_or_insert(now);
                order.shipments.extend(shipments);
                order.shipment_loaded = Some(now);
            }
            (OrderStatus::Shipped, OrderStatus::Confirmed) => {
                confirm_tracking(order, object.get("shipments"))?;
                order.confirmed = Some(now);
            }
            _ => return Err(transition_error()),
        }
        order.status = target;
        order.updated = now;
        Ok(Success::Bare)
    }

    /// One progression step for every order (see [`Self::advance_order`]);
    /// returns the `cust_ref` and new status of the orders that moved.
    pub(crate) fn advance_all(&mut self) -> Vec<(String, OrderStatus)> {
        let pks: Vec<u64> = self.merchants.keys().copied().collect();
        let mut moved = Vec::new();
        for pk in pks {
            let count = self.merchants.get(&pk).map_or(0, |m| m.orders.len());
            for index in 0..count {
                if let Some(change) = self.advance_at(pk, index) {
                    moved.push(change);
                }
            }
        }
        moved
    }

    /// One progression step for one order: `new` → `at_wms` (or `error` for
    /// an unmapped ship code when that is rejected), `error` (unmapped) →
    /// `at_wms` once mapped, `at_wms` → `shipped` with one shipment of
    /// everything still to ship. Orders on hold or with sending canceled
    /// stay `new`. `None` when the order did not move.
    pub(crate) fn advance_order(
        &mut self,
        pk: u64,
        cust_ref: &str,
    ) -> Result<Option<OrderStatus>, ApiError> {
        let index = *self
            .merchant(pk)?
            .by_ref
            .get(cust_ref)
            .ok_or_else(|| unknown_order(cust_ref))?;
        Ok(self.advance_at(pk, index).map(|(_, status)| status))
    }

    fn advance_at(&mut self, pk: u64, index: usize) -> Option<(String, OrderStatus)> {
        let now = self.clock.now();
        let policy = &self.policy;
        let merchant = self.merchants.get_mut(&pk)?;
        let order = merchant.orders.get(index)?;
        let mapped = merchant.mapped_code(order).map(str::to_owned);
        let is_wms_code = |code: &str| policy.ship_methods.iter().any(|m| m.code == code);
        let ship_code_ok = mapped.is_some() || order.ship_code().is_none_or(is_wms_code);
        let order = merchant.orders.get_mut(index)?;
        match order.status {
            OrderStatus::New if order.is_deliverable() => {
                if policy.reject_unmapped_ship_codes && !ship_code_ok {
                    order.status = OrderStatus::Error;
                    order.error = Some(OrderError {
                        at: now,
                        code: UNMAPPED_SHIP_CODE.to_owned(),
                        message: format!(
                            "Ship code {} is not mapped to a WMS ship method",
                            order.ship_code().unwrap_or_default()
                        ),
                    });
                } else {
                    order.status = OrderStatus::AtWms;
                    order.delivered_to_wms = Some(now);
                }
            }
            OrderStatus::Error
                if ship_code_ok
                    && order
                        .error
                        .as_ref()
                        .is_some_and(|e| e.code == UNMAPPED_SHIP_CODE) =>
            {
                order.status = OrderStatus::AtWms;
                order.error = None;
                order.delivered_to_wms = Some(now);
            }
            OrderStatus::AtWms => {
                let working = mapped.as_deref().or(order.ship_code());
                let method = working
                    .and_then(|code| policy.ship_methods.iter().find(|m| m.code == code))
                    .or(policy.ship_methods.first());
                let (carrier, code) =
                    method.map_or(("UPS", "03"), |m| (m.carrier.as_str(), m.code.as_str()));
                let number = order.record_no * 100 + order.shipments.len() as u64 + 1;
                let dispatch = Dispatch {
                    carrier,
                    method: code,
                    tracking_no: format!("1ZSIM{number:013}"),
                    whs_location: &policy.default_warehouse,
                    at: now,
                };
                let items = remaining_items(order);
                order.shipments.push(Shipment::dispatched(dispatch, items));
                order.status = OrderStatus::Shipped;
                order.shipment_loaded = Some(now);
            }
            _ => return None,
        }
        order.updated = now;
        Some((order.cust_ref.clone(), order.status))
    }

    // ----- catalogue ------------------------------------------------------

    /// Seeds product master data (E10 shape).
    pub(crate) fn upsert_product(&mut self, pk: u64, product: &Value) -> Result<String, String> {
        let now = self.clock.now();
        let next_id = &mut self.next_wms_product_id;
        let merchant = self
            .merchants
            .get_mut(&pk)
            .ok_or_else(|| format!("Unknown merchant: {pk}"))?;
        merchant.catalog.upsert_product(
            product,
            || {
                *next_id += 1;
                *next_id
            },
            now,
        )
    }

    /// Sets stock of one SKU in one warehouse (by name; ids are allocated).
    pub(crate) fn write_stock(&mut self, pk: u64, write: StockWrite) -> Result<(), ApiError> {
        let now = self.clock.now();
        let warehouse = write
            .warehouse
            .unwrap_or_else(|| self.policy.default_warehouse.clone());
        let next_warehouse = 2_350 + self.warehouse_ids.len() as u64 + 1;
        let warehouse_id = *self
            .warehouse_ids
            .entry(warehouse.clone())
            .or_insert(next_warehouse);
        let next_id = &mut self.next_wms_product_id;
        let merchant = self
            .merchants
            .get_mut(&pk)
            .ok_or_else(|| ApiError::invalid(format!("Unknown merchant: {pk}")))?;
        let stock = Stock {
            warehouse,
            qty_on_hand: write.qty_on_hand,
            qty_available: write.qty_available,
            wms_datetime: write.wms_datetime.unwrap_or(now),
        };
        merchant
            .catalog
            .set_stock(&write.sku, warehouse_id, stock, || {
                *next_id += 1;
                *next_id
            });
        Ok(())
    }

    /// E18: validated writes, applied all or nothing.
    pub(crate) fn write_inventory(&mut self, pk: u64, body: &Value) -> Result<Success, ApiError> {
        let writes = super::catalog::parse_stock_writes(body).map_err(ApiError::invalid)?;
        self.merchant(pk)?;
        for write in writes {
            self.write_stock(pk, write)?;
        }
        Ok(Success::Bare)
    }

    /// E8.
    pub(crate) fn inventory_list(
        &self,
        pk: u64,
        query: &HashMap<String, String>,
    ) -> Result<Listed, ApiError> {
        let paging = Paging::from_query(query)?;
        let catalog = &self.merchant(pk)?.catalog;
        let rows = catalog.inventory_page(paging.offset(), paging.limit);
        Ok(Listed {
            rows_json: to_json_bytes(&rows)?,
            total: catalog.inventory_len(),
        })
    }

    /// E9.
    pub(crate) fn inventory_item(&self, pk: u64, sku: &str) -> Result<Success, ApiError> {
        self.merchant(pk)?
            .catalog
            .inventory_item(sku)
            .map(Success::Response)
            .ok_or_else(|| ApiError::invalid(format!("SKU not found: {sku}")))
    }

    /// E10.
    pub(crate) fn product(&self, pk: u64, sku: &str) -> Result<Success, ApiError> {
        self.merchant(pk)?
            .catalog
            .product_json(sku)
            .map(Success::Response)
            .ok_or_else(|| ApiError::invalid(format!("SKU not found: {sku}")))
    }

    /// E11.
    pub(crate) fn wms_ship_methods(&self) -> Success {
        let methods = self
            .policy
            .ship_methods
            .iter()
            .map(|m| json!({ "carrier": m.carrier, "code": m.code, "description": m.description }))
            .collect();
        Success::Response(Value::Array(methods))
    }

    /// E12: the merchant's order sources (element shape not public:
    /// `{order_source, active}`).
    pub(crate) fn order_sources(&self, pk: u64) -> Result<Success, ApiError> {
        let sources = self
            .merchant(pk)?
            .order_sources
            .iter()
            .map(|source| json!({ "order_source": source, "active": "Y" }))
            .collect();
        Ok(Success::Response(Value::Array(sources)))
    }

    /// E13.
    pub(crate) fn cart_types() -> Success {
        let types = CART_TYPES
            .iter()
            .map(|cart_type| json!({ "cart_type": cart_type }))
            .collect();
        Success::Response(Value::Array(types))
    }

    /// E14: the saved mappings of one order source.
    pub(crate) fn ship_mappings(&self, pk: u64, source: &str) -> Result<Success, ApiError> {
        let merchant = self.merchant(pk)?;
        if !merchant.order_sources.contains(source) {
            return Err(ApiError::invalid(format!("Unknown order source: {source}")));
        }
        let mappings = merchant
            .ship_mappings
            .get(source)
            .into_iter()
            .flatten()
            .map(|(cart_code, wms_code)| json!({ "cart_code": cart_code, "wms_code": wms_code }))
            .collect();
        Ok(Success::Response(Value::Array(mappings)))
    }

    /// E15: upserts mappings; every `wms_code` must be `null` or an E11 code.
    pub(crate) fn set_ship_mappings(
        &mut self,
        pk: u64,
        source: &str,
        body: &Value,
    ) -> Result<Success, ApiError> {
        let entries = body
            .as_array()
            .filter(|entries| !entries.is_empty())
            .ok_or_else(|| ApiError::invalid("Body must be a non-empty JSON array of mappings"))?;
        let mut parsed = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            let cart_code = text(entry.get("cart_code"))
                .ok_or_else(|| ApiError::invalid(format!("[{index}].cart_code is required")))?;
            let wms_code = match entry.get("wms_code") {
                None | Some(Value::Null) => None,
                Some(value) => {
                    let code = text(Some(value)).unwrap_or_default();
                    if !self.policy.ship_methods.iter().any(|m| m.code == code) {
                        return Err(ApiError::invalid(format!(
                            "[{index}].wms_code '{code}' is not a WMS ship method code"
                        )));
                    }
                    Some(code)
                }
            };
            parsed.push((cart_code, wms_code));
        }
        let merchant = self.merchant_mut(pk)?;
        if !merchant.order_sources.contains(source) {
            return Err(ApiError::invalid(format!("Unknown order source: {source}")));
        }
        merchant
            .ship_mappings
            .entry(source.to_owned())
            .or_default()
            .extend(parsed);
        Ok(Success::Bare)
    }

    /// E16 (provisional shape): the merchants the warehouse keys serve.
    pub(crate) fn warehouse_merchants(&self) -> Success {
        let merchants = self
            .merchants
            .iter()
            .filter(|(_, merchant)| merchant.warehouse_access)
            .map(|(pk, merchant)| json!({ "merchant_pk": pk.to_string(), "merchant_name": merchant.name }))
            .collect();
        Success::Response(Value::Array(merchants))
    }
}

/// E17b's `shipments`: a non-empty array of §8.4 objects.
fn posted_shipments(
    posted: Option<&Value>,
    now: time::OffsetDateTime,
) -> Result<Vec<Shipment>, ApiError> {
    let posted = posted
        .and_then(Value::as_array)
        .filter(|shipments| !shipments.is_empty())
        .ok_or_else(|| ApiError::invalid("shipped needs a non-empty shipments array"))?;
    posted
        .iter()
        .enumerate()
        .map(|(index, shipment)| {
            Shipment::from_post(shipment, index, now).map_err(ApiError::invalid)
        })
        .collect()
}

/// E7 `confirmed`: every listed `tracking_no` must be one of the order's.
fn confirm_tracking(order: &Order, listed: Option<&Value>) -> Result<(), ApiError> {
    let listed = match listed {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Array(listed)) => listed,
        Some(_) => return Err(ApiError::invalid("shipments must be an array")),
    };
    for entry in listed {
        let tracking_no = text(entry.get("tracking_no"))
            .ok_or_else(|| ApiError::invalid("shipments[].tracking_no is required"))?;
        let known = order
            .shipments
            .iter()
            .any(|s| s.tracking_no.as_deref() == Some(tracking_no.as_str()));
        if !known {
            return Err(ApiError::invalid(format!(
                "Unknown tracking_no for order {}: {tracking_no}",
                order.cust_ref
            )));
        }
    }
    Ok(())
}

/// Per SKU, what the order still has to ship (lines minus earlier shipments).
fn remaining_items(order: &Order) -> Vec<(String, Decimal)> {
    let mut shipped: HashMap<&str, Decimal> = HashMap::new();
    for (sku, qty) in order.shipments.iter().flat_map(|s| s.items.iter()) {
        let entry = shipped.entry(sku.as_str()).or_default();
        *entry = entry.checked_add(*qty).unwrap_or(*entry);
    }
    let mut remaining = Vec::new();
    for line in &order.lines {
        // Shipped quantity not yet attributed to an earlier line of this SKU.
        let credit = shipped.entry(line.sku.as_str()).or_default();
        let left = line.quantity.checked_sub(*credit).unwrap_or_default();
        if left.is_positive() {
            remaining.push((line.sku.clone(), left));
            *credit = Decimal::default();
        } else {
            *credit = credit.checked_sub(line.quantity).unwrap_or_default();
        }
    }
    remaining
}
