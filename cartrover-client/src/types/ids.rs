//! Identifier newtypes, so a SKU is never passed where an order key belongs.

string_id! {
    /// CartRover's order key (`cust_ref`): the shortened, merchant-unique order
    /// number used in every order path (spec §8.1). The full number travels in
    /// `cust_po_no`.
    CustRef
}

string_id! {
    /// A product's SKU, the merchant's unique product key (spec §8.5).
    Sku
}

string_id! {
    /// A merchant's primary key as the Warehouse level knows it: the value of
    /// the `X-Merchant-Pk` header. CartRover may send it as a number or a string.
    MerchantPk
}

string_id! {
    /// The name of an order source (cart), e.g. `Amazon` (spec §6.7).
    OrderSource
}
