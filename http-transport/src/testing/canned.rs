//! A loopback server that answers every request with one canned answer,
//! so a client can be driven through its whole call path (transport,
//! classifier, decoder) with generated answers.

use std::sync::{Arc, Mutex, PoisonError};

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// What [`CannedServer`] answers: a status, headers and a body (labelled
/// `application/json` unless a `content-type` header says otherwise).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CannedAnswer {
    /// The HTTP status.
    pub status: u16,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body, as sent.
    pub body: Vec<u8>,
}

impl CannedAnswer {
    /// An answer with `status` and `body`, no headers.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// Adds a header.
    #[must_use]
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A loopback HTTP server answering every request with the answer last
/// [set](CannedServer::answer) (`200` with an empty body at first).
///
/// Requests are not recorded, so a long property run keeps nothing per case.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use http_transport::testing::{CannedAnswer, CannedServer};
///
/// let server = CannedServer::start().await;
/// server.answer(CannedAnswer::new(503, "<html>down</html>").with_header("content-type", "text/html"));
/// let answer = reqwest::get(format!("{}/anything", server.uri())).await.unwrap();
/// assert_eq!(answer.status(), 503);
/// assert_eq!(answer.text().await.unwrap(), "<html>down</html>");
/// # }
/// ```
#[derive(Debug)]
pub struct CannedServer {
    server: MockServer,
    answer: Shared,
}

#[derive(Debug, Clone)]
struct Shared(Arc<Mutex<CannedAnswer>>);

impl Respond for Shared {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let answer = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let mut template = ResponseTemplate::new(answer.status);
        let mut content_type = "application/json".to_owned();
        for (name, value) in &answer.headers {
            if name.eq_ignore_ascii_case("content-type") {
                content_type.clone_from(value);
            } else {
                template = template.insert_header(name.as_str(), value.as_str());
            }
        }
        template.set_body_raw(answer.body, &content_type)
    }
}

impl CannedServer {
    /// Starts the server on a loopback port.
    pub async fn start() -> Self {
        let answer = Shared(Arc::new(Mutex::new(CannedAnswer::new(200, Vec::new()))));
        let server = MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        Mock::given(any())
            .respond_with(answer.clone())
            .mount(&server)
            .await;
        Self { server, answer }
    }

    /// The server's base URL, `http://127.0.0.1:<port>`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Answers every request from now on with `answer`.
    pub fn answer(&self, answer: CannedAnswer) {
        *self.answer.0.lock().unwrap_or_else(PoisonError::into_inner) = answer;
    }
}

/// `(name, bytes)` of a file in the calling crate's `tests/fixtures/`,
/// compiled in: the seeds of the mutation strategies.
///
/// ```ignore
/// const FIXTURES: &[(&str, &[u8])] = &[http_transport::fixture!("ticket.json")];
/// ```
#[macro_export]
macro_rules! fixture {
    ($name:literal) => {
        (
            $name,
            include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/",
                $name
            ))
            .as_slice(),
        )
    };
}
