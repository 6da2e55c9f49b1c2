//! The result table: one row per measure, with its value, its bar and
//! whether the bar passed.

use std::fmt;

/// One line of the table.
#[derive(Debug, Clone)]
pub struct Row {
    /// What was measured, e.g. `core / decode (100000 returns)`.
    pub measure: String,
    /// The measured value, formatted.
    pub value: String,
    /// The bar, e.g. `<= 0.25`; empty for informational rows.
    pub bar: String,
    /// `Some(true)` when the bar passed, `None` for informational rows.
    pub pass: Option<bool>,
}

impl Row {
    /// A row checked against a bar.
    pub fn checked(
        measure: impl Into<String>,
        value: impl Into<String>,
        bar: impl Into<String>,
        pass: bool,
    ) -> Self {
        Self {
            measure: measure.into(),
            value: value.into(),
            bar: bar.into(),
            pass: Some(pass),
        }
    }

    /// A row that informs without a bar.
    pub fn info(measure: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            measure: measure.into(),
            value: value.into(),
            bar: String::new(),
            pass: None,
        }
    }

    /// A row checking `value <= bar`, with the value shown to 3 decimals.
    pub fn at_most(measure: impl Into<String>, value: f64, bar: f64) -> Self {
        Self::checked(
            measure,
            format!("{value:.3}"),
            format!("<= {bar}"),
            value <= bar,
        )
    }

    /// A row checking `value >= bar`, with the value shown to 3 decimals.
    pub fn at_least(measure: impl Into<String>, value: f64, bar: f64) -> Self {
        Self::checked(
            measure,
            format!("{value:.3}"),
            format!(">= {bar}"),
            value >= bar,
        )
    }
}

/// Every row of a run, printed as a Markdown table (so the README can take
/// it as is).
#[derive(Debug, Default)]
pub struct Table {
    rows: Vec<Row>,
}

impl Table {
    /// Adds rows.
    pub fn extend(&mut self, rows: impl IntoIterator<Item = Row>) {
        self.rows.extend(rows);
    }

    /// Whether every checked row passed.
    pub fn all_passed(&self) -> bool {
        self.rows.iter().all(|row| row.pass != Some(false))
    }

    /// How many rows carry a bar.
    pub fn checked(&self) -> usize {
        self.rows.iter().filter(|row| row.pass.is_some()).count()
    }

    /// How many checked rows failed.
    pub fn failures(&self) -> usize {
        self.rows
            .iter()
            .filter(|row| row.pass == Some(false))
            .count()
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header = ["measure", "value", "bar", "verdict"];
        let cells: Vec<[String; 4]> = self
            .rows
            .iter()
            .map(|row| {
                let result = match row.pass {
                    Some(true) => "pass",
                    Some(false) => "FAIL",
                    None => "info",
                };
                [
                    row.measure.clone(),
                    row.value.clone(),
                    row.bar.clone(),
                    result.to_owned(),
                ]
            })
            .collect();
        let mut widths = header.map(str::len);
        for row in &cells {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |f: &mut fmt::Formatter<'_>, cells: [&str; 4]| -> fmt::Result {
            write!(f, "|")?;
            for (cell, width) in cells.iter().zip(widths) {
                write!(f, " {cell:<width$} |")?;
            }
            writeln!(f)
        };
        line(f, header)?;
        let rule = widths.map(|width| "-".repeat(width));
        line(f, [&rule[0], &rule[1], &rule[2], &rule[3]])?;
        for row in &cells {
            line(f, [&row[0], &row[1], &row[2], &row[3]])?;
        }
        Ok(())
    }
}
