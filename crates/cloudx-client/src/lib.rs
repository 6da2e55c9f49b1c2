//! Typed async client of CloudX, Bergen Logistics' warehouse management system.

pub mod model;
mod validate;

pub use model::*;
pub use validate::{ValidationErrors, ValidationProblem};
