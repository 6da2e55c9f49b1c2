//! Checks a new receiving ticket before it is sent, reporting every problem at
//! once so a caller fixes a draft in one go.

use std::fmt;

use crate::model::{NewReceivingTicket, ProductIdentification};

/// One reason a new receiving ticket cannot be sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValidationProblem {
    /// The reference number is empty; it is the duplicate-proofing key.
    MissingReferenceNumber,
    /// The warehouse code is empty.
    MissingWarehouseCode,
    /// The ticket has no line.
    NoLines,
    /// A line lacks the identifier the product identification needs.
    MissingIdentifier {
        /// Index of the line (0-based, as in `lines[i]`).
        line: usize,
        /// The identifier it needs.
        needed: ProductIdentification,
    },
    /// A line expects zero units.
    ZeroQuantity {
        /// Index of the line (0-based, as in `lines[i]`).
        line: usize,
    },
}

impl fmt::Display for ValidationProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingReferenceNumber => f.write_str("reference_number is empty"),
            Self::MissingWarehouseCode => f.write_str("warehouse_code is empty"),
            Self::NoLines => f.write_str("the ticket has no line"),
            Self::MissingIdentifier { line, needed } => {
                write!(f, "lines[{line}] has no {needed}")
            }
            Self::ZeroQuantity { line } => {
                write!(f, "lines[{line}] expects 0 units (at least 1 needed)")
            }
        }
    }
}

/// Every problem found in a new receiving ticket (never empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationErrors {
    problems: Vec<ValidationProblem>,
}

impl ValidationErrors {
    /// The problems, in the order the ticket's fields and lines were checked.
    pub fn problems(&self) -> &[ValidationProblem] {
        &self.problems
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

fn is_blank(value: &str) -> bool {
    value.trim().is_empty()
}

impl NewReceivingTicket {
    /// Checks the ticket as CloudX would, before anything is sent: a reference
    /// number and warehouse code, at least one line, each line carrying the
    /// identifier `identification` needs, and quantities of at least 1.
    ///
    /// # Errors
    ///
    /// [`ValidationErrors`] listing every problem found, not only the first.
    pub fn validate(&self, identification: ProductIdentification) -> Result<(), ValidationErrors> {
        let mut problems = Vec::new();
        if is_blank(self.reference_number.as_str()) {
            problems.push(ValidationProblem::MissingReferenceNumber);
        }
        if is_blank(self.warehouse_code.as_str()) {
            problems.push(ValidationProblem::MissingWarehouseCode);
        }
        if self.lines.is_empty() {
            problems.push(ValidationProblem::NoLines);
        }
        for (line, new_line) in self.lines.iter().enumerate() {
            let has_identifier = match identification {
                ProductIdentification::Sku => new_line.sku.as_ref().map(|s| s.as_str()),
                ProductIdentification::Upc => new_line.upc.as_ref().map(|u| u.as_str()),
            }
            .is_some_and(|value| !is_blank(value));
            if !has_identifier {
                problems.push(ValidationProblem::MissingIdentifier {
                    line,
                    needed: identification,
                });
            }
            if new_line.expected_quantity == 0 {
                problems.push(ValidationProblem::ZeroQuantity { line });
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors { problems })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NewTicketLine;

    #[test]
    fn a_complete_ticket_passes() {
        let ticket = NewReceivingTicket::new(
            "#1001-R1",
            "BERGEN-NJ-01",
            vec![NewTicketLine::by_sku("TEE-M", 1)],
        );
        assert_eq!(ticket.validate(ProductIdentification::Sku), Ok(()));
    }

    #[test]
    fn every_bad_line_is_reported_at_once() {
        let ticket = NewReceivingTicket::new(
            "#1001-R1",
            "BERGEN-NJ-01",
            vec![
                NewTicketLine::by_upc("0123", 1),
                NewTicketLine::by_sku("TEE-M", 0),
                NewTicketLine::by_sku("  ", 2),
                NewTicketLine::by_sku("CAP", 1),
            ],
        );
        let errors = ticket
            .validate(ProductIdentification::Sku)
            .expect_err("three bad lines");
        assert_eq!(
            errors.problems(),
            [
                ValidationProblem::MissingIdentifier {
                    line: 0,
                    needed: ProductIdentification::Sku
                },
                ValidationProblem::ZeroQuantity { line: 1 },
                ValidationProblem::MissingIdentifier {
                    line: 2,
                    needed: ProductIdentification::Sku
                },
            ]
        );
        assert_eq!(
            errors.to_string(),
            "lines[0] has no SKU; lines[1] expects 0 units (at least 1 needed); lines[2] has no SKU"
        );
    }

    #[test]
    fn upc_identification_needs_a_upc_on_every_line() {
        let ticket = NewReceivingTicket::new(
            "#1001-R1",
            "BERGEN-NJ-01",
            vec![NewTicketLine::by_sku("TEE-M", 1)],
        );
        let errors = ticket
            .validate(ProductIdentification::Upc)
            .expect_err("no UPC");
        assert_eq!(
            errors.problems(),
            [ValidationProblem::MissingIdentifier {
                line: 0,
                needed: ProductIdentification::Upc
            }]
        );
    }

    #[test]
    fn an_empty_ticket_reports_header_and_lines() {
        let errors = NewReceivingTicket::default()
            .validate(ProductIdentification::Sku)
            .expect_err("empty");
        assert_eq!(
            errors.problems(),
            [
                ValidationProblem::MissingReferenceNumber,
                ValidationProblem::MissingWarehouseCode,
                ValidationProblem::NoLines,
            ]
        );
    }
}
