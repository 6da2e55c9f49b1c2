//! Reading a JSON request body field by field, collecting every problem with
//! its path (`lines[0].upc`) instead of stopping at the first one.

use serde_json::{Map, Value};

use super::error::FieldError;

/// A JSON object being read, with the path that leads to it.
pub(crate) struct ObjectReader<'a> {
    object: &'a Map<String, Value>,
    path: String,
}

/// `parent.child`, or `child` at the top level.
pub(crate) fn join_path(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_owned()
    } else {
        format!("{parent}.{child}")
    }
}

impl<'a> ObjectReader<'a> {
    /// Reads `value` as an object at `path`; records an error otherwise.
    pub(crate) fn new(
        value: &'a Value,
        path: String,
        errors: &mut Vec<FieldError>,
    ) -> Option<Self> {
        match value {
            Value::Object(object) => Some(Self { object, path }),
            _ => {
                let field = if path.is_empty() {
                    "body".to_owned()
                } else {
                    path
                };
                errors.push(FieldError::new(field, "must be a JSON object"));
                None
            }
        }
    }

    /// The path of field `name` of this object.
    pub(crate) fn path_of(&self, name: &str) -> String {
        join_path(&self.path, name)
    }

    /// The value of `name`, `None` when absent or `null`.
    pub(crate) fn get(&self, name: &str) -> Option<&'a Value> {
        self.object.get(name).filter(|v| !v.is_null())
    }

    /// Rejects fields that are not in `allowed`; `read_only` ones get a
    /// message saying the server assigns them.
    pub(crate) fn deny_unknown(
        &self,
        allowed: &[&str],
        read_only: &[&str],
        errors: &mut Vec<FieldError>,
    ) {
        for key in self.object.keys() {
            if allowed.contains(&key.as_str()) {
                continue;
            }
            let message = if read_only.contains(&key.as_str()) {
                "is assigned by the server and cannot be sent"
            } else {
                "is not a known field"
            };
            errors.push(FieldError::new(self.path_of(key), message));
        }
    }

    /// A string that may be absent or `null`.
    pub(crate) fn optional_str(&self, name: &str, errors: &mut Vec<FieldError>) -> Option<String> {
        match self.get(name)? {
            Value::String(s) => Some(s.clone()),
            _ => {
                errors.push(FieldError::new(self.path_of(name), "must be a string"));
                None
            }
        }
    }

    /// A string that must be present and not blank.
    pub(crate) fn required_str(&self, name: &str, errors: &mut Vec<FieldError>) -> Option<String> {
        if self.get(name).is_none() {
            errors.push(FieldError::new(self.path_of(name), "is required"));
            return None;
        }
        let value = self.optional_str(name, errors)?;
        if value.trim().is_empty() {
            errors.push(FieldError::new(self.path_of(name), "must not be blank"));
            return None;
        }
        Some(value)
    }

    /// An integer in `min..=u32::MAX`, `None` when absent or `null`.
    pub(crate) fn optional_u32(
        &self,
        name: &str,
        min: u32,
        errors: &mut Vec<FieldError>,
    ) -> Option<u32> {
        let value = self.get(name)?;
        match value.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) if n >= min => Some(n),
            _ => {
                let message = format!("must be an integer of at least {min}");
                errors.push(FieldError::new(self.path_of(name), message));
                None
            }
        }
    }

    /// An integer in `min..=u32::MAX` that must be present.
    pub(crate) fn required_u32(
        &self,
        name: &str,
        min: u32,
        errors: &mut Vec<FieldError>,
    ) -> Option<u32> {
        if self.get(name).is_none() {
            errors.push(FieldError::new(self.path_of(name), "is required"));
            return None;
        }
        self.optional_u32(name, min, errors)
    }

    /// A boolean, `None` when absent or `null`.
    pub(crate) fn optional_bool(&self, name: &str, errors: &mut Vec<FieldError>) -> Option<bool> {
        match self.get(name)? {
            Value::Bool(b) => Some(*b),
            _ => {
                errors.push(FieldError::new(self.path_of(name), "must be true or false"));
                None
            }
        }
    }

    /// An array, `None` when absent or `null`.
    pub(crate) fn optional_array(
        &self,
        name: &str,
        errors: &mut Vec<FieldError>,
    ) -> Option<&'a Vec<Value>> {
        match self.get(name)? {
            Value::Array(items) => Some(items),
            _ => {
                errors.push(FieldError::new(self.path_of(name), "must be an array"));
                None
            }
        }
    }

    /// A non-empty array that must be present.
    pub(crate) fn required_array(
        &self,
        name: &str,
        errors: &mut Vec<FieldError>,
    ) -> Option<&'a Vec<Value>> {
        if self.get(name).is_none() {
            errors.push(FieldError::new(self.path_of(name), "is required"));
            return None;
        }
        let items = self.optional_array(name, errors)?;
        if items.is_empty() {
            errors.push(FieldError::new(
                self.path_of(name),
                "must have at least one element",
            ));
            return None;
        }
        Some(items)
    }

    /// The path of element `index` of array field `name`.
    pub(crate) fn element_path(&self, name: &str, index: usize) -> String {
        format!("{}[{index}]", self.path_of(name))
    }
}

/// Parses a request body as JSON; `Err` carries serde's description.
pub(crate) fn parse_body(body: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(body).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::ObjectReader;

    #[test]
    fn collects_every_problem_with_its_path() {
        let body = json!({"a": 5, "n": 0, "extra": true, "id": "x"});
        let mut errors = Vec::new();
        let reader = ObjectReader::new(&body, "lines[2]".to_owned(), &mut errors).unwrap();
        assert_eq!(reader.optional_str("a", &mut errors), None);
        assert_eq!(reader.required_str("missing", &mut errors), None);
        assert_eq!(reader.optional_u32("n", 1, &mut errors), None);
        reader.deny_unknown(&["a", "n", "missing"], &["id"], &mut errors);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "lines[2].a",
                "lines[2].missing",
                "lines[2].n",
                "lines[2].extra",
                "lines[2].id"
            ]
        );
    }
}
