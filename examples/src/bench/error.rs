//! What can stop a benchmark run.

/// A benchmark that could not be carried out (as opposed to a bar that
/// failed, which is a row of the table).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BenchError {
    /// The sandbox did not start or stop.
    #[error("sandbox: {0}")]
    Sandbox(#[from] sandbox::SandboxError),
    /// A simulator could not be served on loopback.
    #[error("cannot serve a simulator on loopback: {0}")]
    Serve(#[source] std::io::Error),
    /// A scenario value was refused by a simulator (a sandbox bug).
    #[error("cannot seed the {simulator} simulator: {message}")]
    Seed {
        /// The simulator.
        simulator: &'static str,
        /// What it said.
        message: String,
    },
    /// A Loop call failed.
    #[error("loop-client: {0}")]
    Loop(#[from] loop_client::Error),
    /// A CloudX call failed.
    #[error("cloudx-client: {0}")]
    Cloudx(#[from] cloudx_client::Error),
    /// A CartRover call failed.
    #[error("cartrover-client: {0}")]
    Cartrover(#[from] cartrover_client::Error),
    /// A raw reqwest call failed.
    #[error("raw {endpoint} call: {source}")]
    Raw {
        /// The endpoint.
        endpoint: &'static str,
        /// The reqwest error.
        #[source]
        source: reqwest::Error,
    },
    /// A raw body was not the JSON expected.
    #[error("raw {endpoint} body: {source}")]
    RawBody {
        /// The endpoint.
        endpoint: &'static str,
        /// The decode error.
        #[source]
        source: serde_json::Error,
    },
    /// The core could not plan a seeded return.
    #[error("returns-core refused seeded return {return_id}: {message}")]
    Core {
        /// The return.
        return_id: String,
        /// What the core said.
        message: String,
    },
    /// A seeded return did not decode or convert.
    #[error("seeded return {index} does not decode as a Loop return: {message}")]
    Fixture {
        /// Its position in the scenario.
        index: usize,
        /// Why.
        message: String,
    },
    /// The HTTP client or the runtime could not be built.
    #[error("cannot build {what}: {message}")]
    Setup {
        /// What.
        what: &'static str,
        /// Why.
        message: String,
    },
    /// A streaming child process failed.
    #[error("streaming child ({returns} returns): {message}")]
    Child {
        /// Returns it was asked to stream.
        returns: usize,
        /// What went wrong.
        message: String,
    },
    /// The Markdown table could not be written.
    #[error("cannot write the table to {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A measure found its two sides did not do the same work.
    #[error("{what}: {message}")]
    Mismatch {
        /// What was compared.
        what: &'static str,
        /// What differed.
        message: String,
    },
}
