//! Ship-to and bill-to blocks. On the wire they are flat `ship_*` and `cust_*`
//! fields of the order (spec §8.1); here they are grouped and flattened back.

use serde::{Deserialize, Serialize};

use crate::lenient;

/// Where the order goes: the order's `ship_*` fields.
///
/// A name (`first_name`/`last_name`) or a `company` is needed on create, with
/// `address_1`, `city`, `state`, `zip` and `country` (see
/// [`NewOrder::validate`](crate::NewOrder::validate)).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShipTo {
    /// `ship_company`.
    #[serde(
        rename = "ship_company",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub company: Option<String>,
    /// `ship_title`.
    #[serde(
        rename = "ship_title",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub title: Option<String>,
    /// `ship_first_name`.
    #[serde(
        rename = "ship_first_name",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub first_name: Option<String>,
    /// `ship_last_name`.
    #[serde(
        rename = "ship_last_name",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub last_name: Option<String>,
    /// `ship_address_1` (required on create).
    #[serde(
        rename = "ship_address_1",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub address_1: Option<String>,
    /// `ship_address_2`.
    #[serde(
        rename = "ship_address_2",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub address_2: Option<String>,
    /// `ship_address_3`.
    #[serde(
        rename = "ship_address_3",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub address_3: Option<String>,
    /// `ship_city` (required on create).
    #[serde(rename = "ship_city", default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// `ship_state` (required on create); full names and codes are both seen.
    #[serde(
        rename = "ship_state",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub state: Option<String>,
    /// `ship_zip` (required on create). Numbers are read as text.
    #[serde(
        rename = "ship_zip",
        default,
        deserialize_with = "lenient::string::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub zip: Option<String>,
    /// `ship_country` (required on create); `US` and `USA` are both seen, the
    /// accepted format is unconfirmed (spec §13 Q5).
    #[serde(
        rename = "ship_country",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub country: Option<String>,
    /// `ship_phone`.
    #[serde(
        rename = "ship_phone",
        default,
        deserialize_with = "lenient::string::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub phone: Option<String>,
    /// `ship_e_mail`.
    #[serde(
        rename = "ship_e_mail",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub email: Option<String>,
    /// `ship_address_type`: `R` residential or `C` commercial.
    #[serde(
        rename = "ship_address_type",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub address_type: Option<String>,
    /// `ship_is_billing`: copy the ship-to into the bill-to. A real JSON
    /// boolean on the wire, unlike the `Y`/`N` flags (`Y`/`N` is still read).
    #[serde(
        rename = "ship_is_billing",
        default,
        deserialize_with = "lenient::yes_no::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_billing: Option<bool>,
}

/// The customer / bill-to: the order's `cust_*` fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BillTo {
    /// `cust_company`.
    #[serde(
        rename = "cust_company",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub company: Option<String>,
    /// `cust_title`.
    #[serde(
        rename = "cust_title",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub title: Option<String>,
    /// `cust_first_name`.
    #[serde(
        rename = "cust_first_name",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub first_name: Option<String>,
    /// `cust_last_name`.
    #[serde(
        rename = "cust_last_name",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub last_name: Option<String>,
    /// `cust_address_1`.
    #[serde(
        rename = "cust_address_1",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub address_1: Option<String>,
    /// `cust_address_2`.
    #[serde(
        rename = "cust_address_2",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub address_2: Option<String>,
    /// `cust_address_3`.
    #[serde(
        rename = "cust_address_3",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub address_3: Option<String>,
    /// `cust_city`.
    #[serde(rename = "cust_city", default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// `cust_state`.
    #[serde(
        rename = "cust_state",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub state: Option<String>,
    /// `cust_zip`. Numbers are read as text.
    #[serde(
        rename = "cust_zip",
        default,
        deserialize_with = "lenient::string::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub zip: Option<String>,
    /// `cust_country`.
    #[serde(
        rename = "cust_country",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub country: Option<String>,
    /// `cust_phone`.
    #[serde(
        rename = "cust_phone",
        default,
        deserialize_with = "lenient::string::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub phone: Option<String>,
    /// `cust_e_mail`.
    #[serde(
        rename = "cust_e_mail",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub email: Option<String>,
}
