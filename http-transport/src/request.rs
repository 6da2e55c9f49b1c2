//! Describing one call: method, path template, parameters, body and whether
//! repeating it is safe. Describing is separate from sending, so clients build
//! requests as plain data and tests can inspect them.

use std::fmt;
use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};
use serde::Serialize;

use crate::retry::RetryPolicy;

/// Characters left as they are in a path segment (RFC 3986 unreserved);
/// everything else, `/` and `+` included, is percent-encoded.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One call to a vendor API.
///
/// ```
/// # use http_transport::Request;
/// let request = Request::get("/warehouse/return/{return_id}/notes")
///     .operation("get_notes")
///     .path_param("R 1/2")
///     .query("page", 2);
/// assert_eq!(request.path(), "/warehouse/return/R%201%2F2/notes");
/// assert!(request.is_idempotent());
/// ```
#[derive(Clone)]
#[must_use = "a request does nothing until it is executed"]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) template: &'static str,
    pub(crate) params: Vec<String>,
    pub(crate) operation: &'static str,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Option<Result<Vec<u8>, String>>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) invalid_header: Option<String>,
    pub(crate) idempotent: bool,
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry_policy: Option<RetryPolicy>,
    pub(crate) rate_limited: bool,
}

impl Request {
    /// A request with `method` to the path `template`, whose `{name}`
    /// placeholders are filled by [`Request::path_param`] in order.
    /// GET, HEAD, PUT, DELETE and OPTIONS are idempotent by default.
    pub fn new(method: Method, template: &'static str) -> Self {
        let idempotent = matches!(
            method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
        );
        Self {
            method,
            template,
            params: Vec::new(),
            operation: template,
            query: Vec::new(),
            body: None,
            headers: Vec::new(),
            invalid_header: None,
            idempotent,
            timeout: None,
            retry_policy: None,
            rate_limited: true,
        }
    }

    /// A GET request.
    pub fn get(template: &'static str) -> Self {
        Self::new(Method::GET, template)
    }

    /// A POST request (not idempotent unless marked).
    pub fn post(template: &'static str) -> Self {
        Self::new(Method::POST, template)
    }

    /// A PUT request.
    pub fn put(template: &'static str) -> Self {
        Self::new(Method::PUT, template)
    }

    /// A DELETE request.
    pub fn delete(template: &'static str) -> Self {
        Self::new(Method::DELETE, template)
    }

    /// Names the operation in spans and errors (defaults to the template).
    pub fn operation(mut self, name: &'static str) -> Self {
        self.operation = name;
        self
    }

    /// Fills the next `{placeholder}` of the template; the value is
    /// percent-encoded as one path segment.
    pub fn path_param(mut self, value: impl fmt::Display) -> Self {
        self.params.push(value.to_string());
        self
    }

    /// Appends a query parameter (repeat the key for repeated parameters).
    pub fn query(mut self, key: impl Into<String>, value: impl fmt::Display) -> Self {
        self.query.push((key.into(), value.to_string()));
        self
    }

    /// Appends a query parameter when `value` is `Some`.
    pub fn query_opt(self, key: impl Into<String>, value: Option<impl fmt::Display>) -> Self {
        match value {
            Some(value) => self.query(key, value),
            None => self,
        }
    }

    /// Sets a JSON body. A value that cannot be serialized makes
    /// [`Transport::execute`](crate::Transport::execute) fail with
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) before sending.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        self.body = Some(serde_json::to_vec(body).map_err(|e| e.to_string()));
        self
    }

    /// Adds a non-secret header (credentials belong in [`crate::Auth`]).
    pub fn header(mut self, name: &str, value: impl fmt::Display) -> Self {
        let value = value.to_string();
        match (HeaderName::try_from(name), HeaderValue::try_from(&value)) {
            (Ok(name), Ok(value)) => self.headers.push((name, value)),
            _ => self.invalid_header = Some(format!("invalid header `{name}: {value}`")),
        }
        self
    }

    /// Marks whether repeating the call is harmless. Mark a POST idempotent
    /// only when the vendor deduplicates it (e.g. by a unique reference).
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }

    /// Overrides the whole-request timeout of each attempt of this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Overrides the retry policy for this call.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// Whether this call waits for the client-side rate limiter (default
    /// true; CartRover does not count order creation).
    pub fn rate_limited(mut self, limited: bool) -> Self {
        self.rate_limited = limited;
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path template, e.g. `/warehouse/return/{return_id}/process`.
    pub fn template(&self) -> &'static str {
        self.template
    }

    /// The operation name.
    pub fn operation_name(&self) -> &'static str {
        self.operation
    }

    /// Whether the call is safe to repeat.
    pub fn is_idempotent(&self) -> bool {
        self.idempotent
    }

    /// The query parameters in order.
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    /// The template with its placeholders replaced by the encoded
    /// parameters. Placeholders without a parameter are left as they are
    /// (and reported by `execute`).
    pub fn path(&self) -> String {
        self.render_path().unwrap_or_else(|partial| partial)
    }

    /// The rendered path, or the partial rendering when parameters and
    /// placeholders do not match in number.
    pub(crate) fn render_path(&self) -> Result<String, String> {
        let mut out = String::with_capacity(self.template.len() + 16);
        let mut params = self.params.iter();
        let mut rest = self.template;
        let mut complete = true;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            out.push_str(&rest[..open]);
            match params.next() {
                Some(value) => out.extend(utf8_percent_encode(value, PATH_SEGMENT)),
                None => {
                    complete = false;
                    out.push_str(&rest[open..open + close + 1]);
                }
            }
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        if complete && params.next().is_none() {
            Ok(out)
        } else {
            Err(out)
        }
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("template", &self.template)
            .field("operation", &self.operation)
            .field("params", &self.params)
            .field("query", &self.query)
            .field("has_body", &self.body.is_some())
            .field("idempotent", &self.idempotent)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_encoded_as_single_segments() {
        let table = [
            ("/orders/{id}", vec!["A-1_b.c~d"], Ok("/orders/A-1_b.c~d")),
            ("/orders/{id}", vec!["a/b c+d"], Ok("/orders/a%2Fb%20c%2Bd")),
            ("/orders/{id}", vec!["é#?"], Ok("/orders/%C3%A9%23%3F")),
            ("/r/{a}/x/{b}", vec!["1", "2"], Ok("/r/1/x/2")),
            ("/r/{a}/x/{b}", vec!["1"], Err("/r/1/x/{b}")),
            ("/r/{a}", vec!["1", "2"], Err("/r/1")),
            ("/plain", vec![], Ok("/plain")),
        ];
        for (template, params, expected) in table {
            let request = params
                .iter()
                .fold(Request::get(template), |r, p| r.path_param(p));
            let expected = expected.map(str::to_owned).map_err(str::to_owned);
            assert_eq!(request.render_path(), expected, "{template} {params:?}");
        }
    }

    #[test]
    fn idempotency_follows_the_method_unless_marked() {
        assert!(Request::get("/").is_idempotent());
        assert!(Request::put("/").is_idempotent());
        assert!(Request::delete("/").is_idempotent());
        assert!(!Request::post("/").is_idempotent());
        assert!(Request::post("/").idempotent(true).is_idempotent());
    }
}
