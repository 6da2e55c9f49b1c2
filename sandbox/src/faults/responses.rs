//! The answers the fault layer sends in the simulator's place, and the
//! changes it makes to the simulator's own answers.

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

/// A plain-text 5xx, as a proxy or load balancer in front of the vendor would
/// send it: deliberately not the vendor's JSON error shape.
pub(super) fn plain_server_error(status: StatusCode) -> Response {
    with_body(
        status,
        "text/plain; charset=utf-8",
        format!("{status}: injected by the sandbox fault layer"),
    )
}

/// A 5xx whose body is an HTML error page, as a CDN or gateway sends it.
pub(super) fn html_server_error(status: StatusCode) -> Response {
    let reason = status.canonical_reason().unwrap_or("Server Error");
    let code = status.as_u16();
    with_body(
        status,
        "text/html; charset=utf-8",
        format!(
            "<!DOCTYPE html>\n<html>\n<head><title>{code} {reason}</title></head>\n\
             <body>\n<center><h1>{code} {reason}</h1></center>\n\
             <hr><center>sandbox fault layer</center>\n</body>\n</html>\n"
        ),
    )
}

/// A 429 turning the request away, with `Retry-After` in whole seconds when
/// `retry_after` is given (rounded up, at least 1).
pub(super) fn throttled(retry_after: Option<Duration>) -> Response {
    let mut response = with_body(
        StatusCode::TOO_MANY_REQUESTS,
        "application/json",
        r#"{"message":"Too Many Attempts."}"#.to_owned(),
    );
    if let Some(wait) = retry_after {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    }
    response
}

/// Cuts the body of a successful answer to its first `fraction` (in
/// `[0, 1)`) of bytes — at least one byte goes missing — with a
/// `Content-Length` that matches what is sent. `None` when there is nothing
/// to cut: not a 2xx, or an empty body; the answer is then given back as it
/// was.
pub(super) async fn truncated(response: Response, fraction: f64) -> Result<Response, Response> {
    if !response.status().is_success() {
        return Err(response);
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        // The simulator's body failed to read: send an empty one, which is
        // as cut short as it gets.
        parts.headers.remove(header::CONTENT_LENGTH);
        return Ok(Response::from_parts(parts, Body::empty()));
    };
    if bytes.is_empty() {
        return Err(Response::from_parts(parts, Body::from(bytes)));
    }
    let keep = ((bytes.len() as f64 * fraction.clamp(0.0, 1.0)) as usize).min(bytes.len() - 1);
    parts.headers.remove(header::CONTENT_LENGTH);
    Ok(Response::from_parts(parts, Body::from(bytes.slice(..keep))))
}

fn with_body(status: StatusCode, content_type: &'static str, body: String) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn text(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn html_errors_are_html_pages() {
        let response = html_server_error(StatusCode::BAD_GATEWAY);
        assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
        let body = text(response).await;
        assert!(body.starts_with("<!DOCTYPE html>"), "{body}");
        assert!(body.contains("502 Bad Gateway"), "{body}");
    }

    #[test]
    fn retry_after_is_in_whole_seconds_rounded_up() {
        let with = throttled(Some(Duration::from_millis(1_200)));
        assert_eq!(with.headers()[header::RETRY_AFTER], "2");
        let zero = throttled(Some(Duration::ZERO));
        assert_eq!(zero.headers()[header::RETRY_AFTER], "1");
        assert!(throttled(None).headers().get(header::RETRY_AFTER).is_none());
    }

    #[tokio::test]
    async fn truncation_always_loses_a_byte_and_only_cuts_successes() {
        let ok = |body: &'static str| Response::new(Body::from(body));
        assert_eq!(
            text(truncated(ok("true"), 0.99).await.unwrap()).await,
            "tru"
        );
        assert_eq!(text(truncated(ok("true"), 0.0).await.unwrap()).await, "");
        assert_eq!(
            text(truncated(ok("abcdef"), 0.5).await.unwrap()).await,
            "abc"
        );
        assert!(truncated(ok(""), 0.5).await.is_err());
        let mut refused = ok("{}");
        *refused.status_mut() = StatusCode::NOT_FOUND;
        assert!(truncated(refused, 0.5).await.is_err());
    }
}
