//! Who is calling: HTTP Basic credentials (or the legacy `api_user`/`api_key`
//! query parameters), their API level, the merchant they act for
//! (`X-Merchant-Pk` for warehouse keys) and their leaky bucket.
//!
//! Each endpoint declares what it accepts with a [`Scope`] type parameter on
//! the [`Caller`] extractor, so access rules sit in one place.

use std::collections::HashMap;
use std::marker::PhantomData;

use axum::extract::{FromRequestParts, Query};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::CartroverSim;
use super::config::CartroverConfig;
use super::rate_limit::Admission;
use super::wire::{ApiError, ErrorCode, HITS_REMAINING, RATE_LIMIT_MESSAGE, Reply, Success};

/// Header a warehouse credential uses to pick the merchant it acts for.
const MERCHANT_PK: &str = "x-merchant-pk";

/// CartRover's API levels (Master is not simulated).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Level {
    /// A cart's keys: one merchant, one order source.
    Cart,
    /// A merchant's keys.
    Merchant,
    /// The 3PL's global keys: several merchants via `X-Merchant-Pk`.
    Warehouse,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Self::Cart => "cart",
            Self::Merchant => "merchant",
            Self::Warehouse => "warehouse",
        }
    }
}

#[derive(Clone, Debug)]
struct Account {
    api_key: String,
    level: Level,
    /// The merchant of cart and merchant keys; `None` for warehouse keys.
    merchant_pk: Option<u64>,
}

/// Every configured credential, by API user.
#[derive(Clone, Debug, Default)]
pub(crate) struct Directory {
    accounts: HashMap<String, Account>,
}

impl Directory {
    pub(crate) fn new(config: &CartroverConfig) -> Self {
        let mut accounts = HashMap::new();
        let mut add = |user: &str, key: &str, level: Level, merchant_pk: Option<u64>| {
            accounts.insert(
                user.to_owned(),
                Account {
                    api_key: key.to_owned(),
                    level,
                    merchant_pk,
                },
            );
        };
        let primary = Some(config.merchant_pk);
        add(&config.api_user, &config.api_key, Level::Cart, primary);
        add(
            &config.merchant_api_user,
            &config.merchant_api_key,
            Level::Merchant,
            primary,
        );
        for other in &config.other_merchants {
            add(
                &other.api_user,
                &other.api_key,
                Level::Merchant,
                Some(other.pk),
            );
        }
        add(
            &config.warehouse_api_user,
            &config.warehouse_api_key,
            Level::Warehouse,
            None,
        );
        Self { accounts }
    }
}

/// Which credentials an endpoint accepts and whether it is rate limited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// Cart keys only.
    Cart,
    /// Merchant keys, or warehouse keys with `X-Merchant-Pk`.
    Merchant,
    /// As [`Access::Merchant`], and cart keys too (inventory and product
    /// reads: the Cart-only Ruby gem calls them).
    MerchantOrCart,
    /// Warehouse keys only.
    Warehouse,
    /// Any valid credentials.
    Any,
}

/// An endpoint's access rule, as a type.
pub(crate) trait Scope: Send + Sync + 'static {
    /// Credentials accepted.
    const ACCESS: Access;
    /// Whether the call counts against the leaky bucket.
    const COUNTED: bool = true;
}

/// Declares a [`Scope`] marker type.
macro_rules! scope {
    ($(#[$doc:meta])* $name:ident, $access:expr, $counted:expr) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub(crate) struct $name;
        impl Scope for $name {
            const ACCESS: Access = $access;
            const COUNTED: bool = $counted;
        }
    };
}

scope!(
    /// Cart keys, rate limited.
    CartKeys, Access::Cart, true);
scope!(
    /// Cart keys, not rate limited (E1, "for now" per the vendor).
    CartKeysUnlimited, Access::Cart, false);
scope!(
    /// Merchant keys or warehouse keys with `X-Merchant-Pk`.
    MerchantKeys, Access::Merchant, true);
scope!(
    /// Merchant, warehouse (with `X-Merchant-Pk`) or cart keys.
    ReadKeys, Access::MerchantOrCart, true);
scope!(
    /// Warehouse keys.
    WarehouseKeys, Access::Warehouse, true);
scope!(
    /// Any keys.
    AnyKeys, Access::Any, true);

/// An authenticated, authorised and counted caller of an endpoint of scope `S`.
#[derive(Debug)]
pub(crate) struct Caller<S> {
    merchant_pk: Option<u64>,
    hits_remaining: Option<u64>,
    scope: PhantomData<S>,
}

impl<S> Caller<S> {
    /// The merchant acted for (resolved for every merchant-scoped endpoint;
    /// `0`, an unknown merchant, otherwise).
    pub(crate) fn merchant(&self) -> u64 {
        self.merchant_pk.unwrap_or_default()
    }

    /// The envelope for `result`, with the rate-limit header when counted.
    pub(crate) fn reply(&self, result: Result<Success, ApiError>) -> Reply {
        self.decorate(Reply::from_result(result))
    }

    /// Adds the rate-limit header to an already built reply.
    pub(crate) fn decorate(&self, reply: Reply) -> Reply {
        match self.hits_remaining {
            Some(remaining) => reply.with_number_header(HITS_REMAINING, remaining),
            None => reply,
        }
    }
}

impl<S: Scope> FromRequestParts<CartroverSim> for Caller<S> {
    type Rejection = Reply;

    async fn from_request_parts(parts: &mut Parts, sim: &CartroverSim) -> Result<Self, Reply> {
        let inner = sim.inner();
        let auth_failure = |message: String| {
            Reply::error_with_status(
                inner.config.auth_failure_status,
                &ApiError::invalid(message),
            )
        };
        let (user, key) = credentials(parts).map_err(|problem| auth_failure(problem.to_owned()))?;
        let account = inner
            .directory
            .accounts
            .get(&user)
            .filter(|account| account.api_key == key)
            .ok_or_else(|| auth_failure("Invalid API credentials".to_owned()))?;
        let allowed = match S::ACCESS {
            Access::Cart => account.level == Level::Cart,
            Access::Merchant => account.level != Level::Cart,
            Access::Warehouse => account.level == Level::Warehouse,
            Access::MerchantOrCart | Access::Any => true,
        };
        if !allowed {
            return Err(auth_failure(format!(
                "These {}-level API credentials cannot call this endpoint",
                account.level.as_str()
            )));
        }
        let needs_merchant = matches!(S::ACCESS, Access::Merchant | Access::MerchantOrCart);
        let merchant_pk = match account.merchant_pk {
            Some(pk) => Some(pk),
            None if needs_merchant => {
                Some(warehouse_merchant(parts, sim).map_err(|e| Reply::error(&e))?)
            }
            None => None,
        };
        let hits_remaining = if S::COUNTED {
            match inner.limiter.admit(&user) {
                Some(Admission::Allowed { remaining }) => Some(remaining),
                Some(Admission::Refused) => {
                    let error = ApiError {
                        code: ErrorCode::RateLimit,
                        message: RATE_LIMIT_MESSAGE.to_owned(),
                    };
                    return Err(Reply::error(&error).with_number_header(HITS_REMAINING, 0));
                }
                None => None,
            }
        } else {
            None
        };
        Ok(Self {
            merchant_pk,
            hits_remaining,
            scope: PhantomData,
        })
    }
}

/// Basic credentials, else the legacy query parameters; `Err` says what is
/// wrong.
fn credentials(parts: &Parts) -> Result<(String, String), &'static str> {
    if let Some(header) = parts.headers.get(AUTHORIZATION) {
        return basic(header.to_str().unwrap_or_default())
            .ok_or("Malformed Authorization header: expected HTTP Basic credentials");
    }
    let missing = "Missing API credentials (HTTP Basic auth)";
    let Query(query) =
        Query::<HashMap<String, String>>::try_from_uri(&parts.uri).map_err(|_| missing)?;
    match (query.get("api_user"), query.get("api_key")) {
        (Some(user), Some(key)) => Ok((user.clone(), key.clone())),
        _ => Err(missing),
    }
}

/// `Basic base64(user:key)`.
fn basic(header: &str) -> Option<(String, String)> {
    let (scheme, encoded) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (user, key) = decoded.split_once(':')?;
    Some((user.to_owned(), key.to_owned()))
}

/// The merchant a warehouse credential names in `X-Merchant-Pk`.
fn warehouse_merchant(parts: &Parts, sim: &CartroverSim) -> Result<u64, ApiError> {
    let header = parts.headers.get(MERCHANT_PK).ok_or_else(|| {
        ApiError::invalid("X-Merchant-Pk header is required with warehouse API credentials")
    })?;
    let raw = header.to_str().unwrap_or_default().trim();
    let pk: u64 = raw.parse().map_err(|_| {
        ApiError::invalid(format!("X-Merchant-Pk must be a merchant pk, got '{raw}'"))
    })?;
    if sim.with_state(|state| state.warehouse_serves(pk)) {
        Ok(pk)
    } else {
        Err(ApiError::invalid(format!(
            "Merchant {pk} is not served by these warehouse API credentials"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_basic_credentials() {
        let encoded = STANDARD.encode("user:key:with:colons");
        assert_eq!(
            basic(&format!("Basic {encoded}")),
            Some(("user".to_owned(), "key:with:colons".to_owned()))
        );
        assert_eq!(
            basic(&format!("basic {encoded}")).map(|(user, _)| user),
            Some("user".to_owned())
        );
        assert_eq!(basic("Bearer abc"), None);
        assert_eq!(basic("Basic %%%"), None);
        assert_eq!(
            basic(&format!("Basic {}", STANDARD.encode("no-colon"))),
            None
        );
    }
}
