//! Reading Loop's error bodies, which come in at least five shapes:
//!
//! | Shape | Seen on |
//! |---|---|
//! | `{"errors": {"message": "...", "code": "UNPROCESSABLE_RETURN"}}` | Process (HTTP 200) |
//! | `{"message": "..."}` (optionally with `errors`) | Process, 422 validation |
//! | `{"content": "..."}` | Cancel |
//! | `{"error": {"code": "401", "http_code": "GEN-UNAUTHORIZED", "message": "..."}}` | 401 |
//! | `{"errors": {"code": "NOT_FOUND"}}` | 404 on webhooks |
//!
//! plus validation maps such as `{"errors": {"content": ["too long"]}}`.
//! Anything else yields no code and no message; the raw body is always kept
//! by the caller.

use serde_json::{Map, Value};

/// Code and message found in an error body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ErrorBody {
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
}

/// Parses an error body; `None` when the body is not a JSON object.
pub(crate) fn parse(body: &[u8]) -> Option<ErrorBody> {
    match serde_json::from_slice::<Value>(body).ok()? {
        Value::Object(map) => Some(from_object(&map)),
        _ => None,
    }
}

fn from_object(map: &Map<String, Value>) -> ErrorBody {
    let mut found = ErrorBody::default();
    if let Some(errors) = map.get("errors") {
        found = from_errors(errors);
    }
    if let Some(Value::Object(error)) = map.get("error") {
        // Loop's 401 body has `code` and `http_code` the wrong way round:
        // the symbolic value is the code, the number is the HTTP status.
        let code = [error.get("http_code"), error.get("code")]
            .into_iter()
            .flatten()
            .filter_map(text)
            .find(|c| c.parse::<u16>().is_err());
        found.code = found.code.or(code);
        found.message = found
            .message
            .or_else(|| error.get("message").and_then(text));
    }
    if found.message.is_none() {
        found.message = ["message", "content", "error"]
            .into_iter()
            .find_map(|key| map.get(key).and_then(text));
    }
    if found.code.is_none() {
        found.code = map.get("code").and_then(text);
    }
    found
}

fn from_errors(errors: &Value) -> ErrorBody {
    match errors {
        Value::Object(inner) => {
            let code = inner.get("code").and_then(text);
            let message = inner.get("message").and_then(text).or_else(|| {
                // A validation map: `{"content": ["too long"]}`.
                inner
                    .iter()
                    .filter(|(field, _)| field.as_str() != "code")
                    .find_map(|(field, value)| {
                        first_text(value).map(|problem| format!("{field}: {problem}"))
                    })
            });
            ErrorBody { code, message }
        }
        Value::Array(items) => match items.first() {
            Some(Value::Object(first)) => ErrorBody {
                code: first.get("code").and_then(text),
                message: first.get("message").and_then(text),
            },
            Some(other) => ErrorBody {
                code: None,
                message: text(other),
            },
            None => ErrorBody::default(),
        },
        other => ErrorBody {
            code: None,
            message: text(other),
        },
    }
}

fn first_text(value: &Value) -> Option<String> {
    match value {
        Value::Array(items) => items.iter().find_map(text),
        other => text(other),
    }
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(body: &str) -> (Option<String>, Option<String>) {
        let found = parse(body.as_bytes()).expect("an object");
        (found.code, found.message)
    }

    #[test]
    fn every_documented_shape_yields_code_and_message() {
        let some = |s: &str| Some(s.to_owned());
        let cases = [
            (
                r#"{"errors":{"message":"Return is closed and therefore cannot be processed.","code":"UNPROCESSABLE_RETURN"}}"#,
                (
                    some("UNPROCESSABLE_RETURN"),
                    some("Return is closed and therefore cannot be processed."),
                ),
            ),
            (
                r#"{"message":"Return is cancelled and therefore cannot be processed."}"#,
                (
                    None,
                    some("Return is cancelled and therefore cannot be processed."),
                ),
            ),
            (
                r#"{"content":"Return is expired and cannot be processed."}"#,
                (None, some("Return is expired and cannot be processed.")),
            ),
            (
                r#"{"error":{"code":"401","http_code":"GEN-UNAUTHORIZED","message":"Unauthorized."}}"#,
                (some("GEN-UNAUTHORIZED"), some("Unauthorized.")),
            ),
            (
                r#"{"errors":{"code":"NOT_FOUND"}}"#,
                (some("NOT_FOUND"), None),
            ),
            (
                r#"{"message":"The given data was invalid.","errors":{"from":["The from field is required."]}}"#,
                (None, some("from: The from field is required.")),
            ),
            (
                r#"{"errors":{"message":"Content is required and must be less than 255 characters."}}"#,
                (
                    None,
                    some("Content is required and must be less than 255 characters."),
                ),
            ),
            (r#"{"unrelated":true}"#, (None, None)),
        ];
        for (body, expected) in cases {
            assert_eq!(parsed(body), expected, "{body}");
        }
    }

    #[test]
    fn non_objects_are_not_error_bodies() {
        assert_eq!(parse(b"\"true\""), None);
        assert_eq!(parse(b"<html>502 Bad Gateway</html>"), None);
        assert_eq!(parse(b"{\"errors\": {\"code\""), None);
    }
}
