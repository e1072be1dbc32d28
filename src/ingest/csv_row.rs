//! CSV exports: header lookup by name, so adapters tolerate reordered, renamed-case and missing
//! columns (several exports change their column set over time).

use std::collections::HashMap;

/// The header row of a CSV file, indexed by normalised column name.
#[derive(Debug, Clone, Default)]
pub struct CsvHeaders {
    names: Vec<String>,
    index: HashMap<String, usize>,
}

/// Lowercases a column name and drops a BOM, surrounding spaces and quotes.
fn normalise(name: &str) -> String {
    name.trim_start_matches('\u{feff}')
        .trim()
        .trim_matches('"')
        .to_ascii_lowercase()
}

impl CsvHeaders {
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> CsvHeaders {
        let names: Vec<String> = names.into_iter().map(normalise).collect();
        let mut index = HashMap::new();
        for (at, name) in names.iter().enumerate() {
            index.entry(name.clone()).or_insert(at);
        }
        CsvHeaders { names, index }
    }

    /// Whether the header has a column of this name (case-insensitive).
    pub fn has(&self, name: &str) -> bool {
        self.index.contains_key(&normalise(name))
    }

    /// Whether the header has every one of these columns.
    pub fn has_all(&self, names: &[&str]) -> bool {
        names.iter().all(|name| self.has(name))
    }

    /// The column names, normalised, in file order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.index.get(&normalise(name)).copied()
    }
}

/// One data row of a CSV file, read through its header.
#[derive(Debug, Clone, Copy)]
pub struct CsvRow<'a> {
    headers: &'a CsvHeaders,
    record: &'a csv::StringRecord,
}

impl<'a> CsvRow<'a> {
    pub fn new(headers: &'a CsvHeaders, record: &'a csv::StringRecord) -> CsvRow<'a> {
        CsvRow { headers, record }
    }

    /// The first non-empty value among the named columns, trimmed.
    pub fn get(&self, names: &[&str]) -> Option<&'a str> {
        names.iter().find_map(|name| {
            let value = self.record.get(self.headers.position(name)?)?.trim();
            (!value.is_empty()).then_some(value)
        })
    }

    /// The first of the named columns that holds a whole number (`"1,234"` is refused; a
    /// value such as `"12.0"` is accepted when it has no fraction).
    pub fn u64(&self, names: &[&str]) -> Option<u64> {
        names.iter().find_map(|name| {
            let text = self.get(&[name])?;
            text.parse::<u64>().ok().or_else(|| {
                let value = text.parse::<f64>().ok()?;
                (value >= 0.0 && value.fract() == 0.0 && value < 9e15).then_some(value as u64)
            })
        })
    }

    /// The first of the named columns that holds a number.
    pub fn f64(&self, names: &[&str]) -> Option<f64> {
        names
            .iter()
            .find_map(|name| self.get(&[name])?.parse::<f64>().ok())
    }

    /// The row's fields, for error messages and debugging.
    pub fn record(&self) -> &'a csv::StringRecord {
        self.record
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_columns_by_name_whatever_their_case_and_order() {
        let headers = CsvHeaders::new(["\u{feff}Model", " Tokens ", "cost", "empty"]);
        let record = csv::StringRecord::from(vec!["gpt-4o", "12.0", "0.5", " "]);
        let row = CsvRow::new(&headers, &record);
        assert!(headers.has_all(&["model", "TOKENS"]));
        assert_eq!(row.get(&["missing", "model"]), Some("gpt-4o"));
        assert_eq!(row.u64(&["tokens"]), Some(12));
        assert_eq!(row.f64(&["cost"]), Some(0.5));
        assert_eq!(row.get(&["empty"]), None);
        assert_eq!(row.u64(&["model"]), None);
    }
}
