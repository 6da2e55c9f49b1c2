//! Integration settings, as a merchant configures them, and their validation.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::asn::AsnType;
use crate::criteria::{NotArrivedAction, ReceiptCriteria};

/// How products are matched to the warehouse item master.
///
/// Serialized as `"sku"` or `"barcode"`; `"Sku"`, `"SKU"`, `"Barcode"`,
/// `"upc"` and `"UPC"` are accepted too, since merchants type these by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductIdentification {
    /// By SKU (the default: every Shopify variant has one field for it).
    #[default]
    #[serde(alias = "Sku", alias = "SKU")]
    Sku,
    /// By barcode (UPC/EAN).
    #[serde(alias = "Barcode", alias = "upc", alias = "UPC")]
    Barcode,
}

impl fmt::Display for ProductIdentification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sku => "SKU",
            Self::Barcode => "barcode",
        })
    }
}

/// The settings of one merchant's returns ↔ warehouse integration.
///
/// Loads from JSON or TOML; only `warehouse_code` is required. Unknown
/// fields are rejected so that a misspelt option is an error, not a silently
/// ignored rule.
///
/// ```
/// use returns_core::{IntegrationSettings, ProductIdentification};
///
/// let settings: IntegrationSettings = serde_json::from_str(r#"{
///     "warehouse_code": "BERGEN-NJ-01",
///     "product_identification": "barcode",
///     "excluded_sales_channels": ["Amazon", "eBay"],
///     "receipt_criteria": {"damaged_tolerance": 1}
/// }"#)?;
/// assert_eq!(settings.product_identification, ProductIdentification::Barcode);
/// assert!(settings.validate().is_ok());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct IntegrationSettings {
    /// The warehouse the ASNs are routed to, e.g. `BERGEN-NJ-01`.
    pub warehouse_code: String,
    /// Match products by SKU or by barcode. Default SKU.
    #[serde(default)]
    pub product_identification: ProductIdentification,
    /// Create ASNs of type `Test` instead of `Return`. Default `false`.
    #[serde(default)]
    pub test_mode: bool,
    /// Let the integration process or flag returns on its own once the
    /// warehouse reports. Default `false`: acting on a merchant's returns is
    /// opt-in. This crate only carries the flag; the sync loop honours it.
    #[serde(default)]
    pub auto_process: bool,
    /// Sales channels whose returns are not sent to this warehouse, matched
    /// ignoring case and surrounding spaces (see [`crate::exclusion`]).
    #[serde(default)]
    pub excluded_sales_channels: Vec<String>,
    /// When a received return is processed, flagged or kept waiting.
    #[serde(default)]
    pub receipt_criteria: ReceiptCriteria,
}

impl IntegrationSettings {
    /// Settings for the given warehouse with every other option at its
    /// default.
    pub fn new(warehouse_code: impl Into<String>) -> Self {
        Self {
            warehouse_code: warehouse_code.into(),
            product_identification: ProductIdentification::default(),
            test_mode: false,
            auto_process: false,
            excluded_sales_channels: Vec::new(),
            receipt_criteria: ReceiptCriteria::default(),
        }
    }

    /// Sets how products are identified.
    #[must_use]
    pub fn with_product_identification(mut self, identification: ProductIdentification) -> Self {
        self.product_identification = identification;
        self
    }

    /// Turns test mode on or off.
    #[must_use]
    pub fn with_test_mode(mut self, test_mode: bool) -> Self {
        self.test_mode = test_mode;
        self
    }

    /// Turns automatic processing on or off.
    #[must_use]
    pub fn with_auto_process(mut self, auto_process: bool) -> Self {
        self.auto_process = auto_process;
        self
    }

    /// Replaces the list of excluded sales channels.
    #[must_use]
    pub fn with_excluded_sales_channels<I, S>(mut self, channels: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.excluded_sales_channels = channels.into_iter().map(Into::into).collect();
        self
    }

    /// Replaces the receipt criteria.
    #[must_use]
    pub fn with_receipt_criteria(mut self, criteria: ReceiptCriteria) -> Self {
        self.receipt_criteria = criteria;
        self
    }

    /// The ASN type these settings create: `Test` in test mode, else
    /// `Return`.
    pub fn asn_type(&self) -> AsnType {
        if self.test_mode {
            AsnType::Test
        } else {
            AsnType::Return
        }
    }

    /// Checks the settings and reports every problem at once, so that a
    /// merchant fixes their configuration in one round.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let mut problems = Vec::new();
        let code = &self.warehouse_code;
        if code.trim().is_empty() {
            problems.push(SettingsProblem::EmptyWarehouseCode);
        } else if code.trim() != code || code.chars().any(char::is_control) {
            problems.push(SettingsProblem::MalformedWarehouseCode { code: code.clone() });
        }
        for (index, channel) in self.excluded_sales_channels.iter().enumerate() {
            if channel.trim().is_empty() {
                problems.push(SettingsProblem::BlankExcludedChannel { index });
            }
        }
        let not_arrived = &self.receipt_criteria.not_arrived;
        if not_arrived.after_days == 0 && not_arrived.action == NotArrivedAction::Flag {
            problems.push(SettingsProblem::ZeroNotArrivedDays);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(SettingsError { problems })
        }
    }
}

/// One thing wrong with [`IntegrationSettings`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "problem")]
#[non_exhaustive]
pub enum SettingsProblem {
    /// The warehouse code is empty or blank: ASNs could not be routed.
    EmptyWarehouseCode,
    /// The warehouse code has surrounding whitespace or control characters,
    /// which the warehouse would not recognise.
    MalformedWarehouseCode {
        /// The code as configured.
        code: String,
    },
    /// An excluded sales channel is empty or blank; it would match nothing
    /// and is almost certainly a configuration slip.
    BlankExcludedChannel {
        /// Position in `excluded_sales_channels`, from 0.
        index: usize,
    },
    /// `not_arrived.after_days` is 0 with action `flag`, which would flag
    /// every return the moment it is created.
    ZeroNotArrivedDays,
}

impl fmt::Display for SettingsProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyWarehouseCode => f.write_str("warehouse_code is empty"),
            Self::MalformedWarehouseCode { code } => write!(
                f,
                "warehouse_code {code:?} has surrounding whitespace or control characters"
            ),
            Self::BlankExcludedChannel { index } => {
                write!(f, "excluded_sales_channels[{index}] is blank")
            }
            Self::ZeroNotArrivedDays => f.write_str(
                "receipt_criteria.not_arrived.after_days is 0 with action flag: every return would be flagged at once",
            ),
        }
    }
}

/// Every problem found by [`IntegrationSettings::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsError {
    /// The problems, in the order of the settings' fields; never empty.
    pub problems: Vec<SettingsProblem>,
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid integration settings: ")?;
        write_joined(f, &self.problems)
    }
}

impl std::error::Error for SettingsError {}

/// Writes items separated by `"; "`.
pub(crate) fn write_joined<T: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    items: &[T],
) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str("; ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}
