//! Made-up customers and US shipping addresses for seeded returns and orders.

use rand::Rng;
use rand::seq::IndexedRandom;

const FIRST_NAMES: &[&str] = &[
    "Jane", "Omar", "Priya", "Lucas", "Mei", "Sofia", "Noah", "Amara", "Diego", "Hannah", "Kenji",
    "Fatima", "Liam", "Zoe", "Mateo", "Ingrid",
];

const LAST_NAMES: &[&str] = &[
    "Doe", "Haddad", "Sharma", "Moreau", "Chen", "Rossi", "Johnson", "Okafor", "Alvarez",
    "Schmidt", "Tanaka", "Rahman", "Murphy", "Nguyen", "Silva", "Larsen",
];

/// (city, state code, ZIP code, street)
const PLACES: &[(&str, &str, &str, &str)] = &[
    ("Brooklyn", "NY", "11215", "Prospect Park West"),
    ("Austin", "TX", "78704", "South Congress Ave"),
    ("Portland", "OR", "97214", "SE Hawthorne Blvd"),
    ("Denver", "CO", "80205", "Larimer St"),
    ("Chicago", "IL", "60614", "N Clark St"),
    ("Atlanta", "GA", "30307", "Euclid Ave NE"),
    ("Seattle", "WA", "98122", "E Pike St"),
    ("Minneapolis", "MN", "55408", "Lyndale Ave S"),
    ("Fairfield", "NJ", "07004", "Passaic Ave"),
    ("San Diego", "CA", "92104", "30th St"),
];

/// A customer with a shipping address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Customer {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub address1: String,
    pub city: String,
    pub state: String,
    pub zip: String,
}

impl Customer {
    /// A random customer; `serial` keeps e-mail addresses unique.
    pub fn random(rng: &mut impl Rng, serial: u64) -> Self {
        let first = *FIRST_NAMES.choose(rng).expect("non-empty list");
        let last = *LAST_NAMES.choose(rng).expect("non-empty list");
        let (city, state, zip, street) = *PLACES.choose(rng).expect("non-empty list");
        let house = rng.random_range(1..=999u32);
        Self {
            first_name: first.to_owned(),
            last_name: last.to_owned(),
            email: format!(
                "{}.{}{serial}@example.com",
                first.to_lowercase(),
                last.to_lowercase()
            ),
            phone: format!("+1555{:07}", rng.random_range(0..10_000_000u32)),
            address1: format!("{house} {street}"),
            city: city.to_owned(),
            state: state.to_owned(),
            zip: zip.to_owned(),
        }
    }

    /// Full name, `first last`.
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}
