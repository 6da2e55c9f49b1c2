//! Serving an axum router on an ephemeral loopback port.
//!
//! The accept loop is written on hyper directly (instead of `axum::serve`) for
//! one reason: a response marked with [`DropConnection`] must close the
//! connection without a single byte of response, which an axum handler cannot
//! express. The fault layer uses it to simulate "the request was processed but
//! the client never heard back".

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::pin;

use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

/// Response extension asking the server to close the connection instead of
/// sending the response: the handler has run (its state change happened),
/// but the client sees the connection drop.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DropConnection;

/// The error hyper gets from the service for a [`DropConnection`] response;
/// hyper answers a service error by closing the connection.
#[derive(Debug)]
struct DroppedOnPurpose;

impl std::fmt::Display for DroppedOnPurpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection after the request was processed")
    }
}

impl std::error::Error for DroppedOnPurpose {}

/// A router being served on loopback. Dropping it stops the server in the
/// background; [`Served::shutdown`] stops it and waits until it has stopped.
#[derive(Debug)]
pub struct Served {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Served {
    /// Base URL of the server, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections, lets in-flight requests finish and waits
    /// for the server task to end.
    ///
    /// # Errors
    /// Fails only when the server task panicked or was aborted.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await.map_err(std::io::Error::other)
    }
}

/// Serves `router` on `127.0.0.1` with an OS-chosen port, over HTTP/1.1 with
/// keep-alive. Handlers can read the peer address with
/// [`ConnectInfo<SocketAddr>`](axum::extract::ConnectInfo); responses carrying
/// the [`DropConnection`] extension close the connection unanswered.
///
/// # Errors
/// Fails when no loopback port can be bound.
pub async fn serve_router(router: axum::Router) -> std::io::Result<Served> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(accept_loop(listener, router, stopped));
    Ok(Served {
        addr,
        stop: Some(stop),
        task,
    })
}

/// Accepts connections until `stopped` fires, then asks every open
/// connection to finish its in-flight request and waits for all of them.
async fn accept_loop(listener: TcpListener, router: axum::Router, stopped: oneshot::Receiver<()>) {
    // Connections hold a receiver of `shutting_down` (to learn about the stop)
    // and of `open` (so the loop can wait until the last one has gone).
    let (shutting_down, _) = watch::channel(false);
    let (open_tx, open_rx) = watch::channel(());
    let mut stopped = pin!(stopped);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut stopped => break,
        };
        let Ok((stream, peer)) = accepted else {
            // Accept errors (e.g. too many open files) are transient: keep serving.
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = connection_service(router.clone(), peer);
        let mut shutdown_rx = shutting_down.subscribe();
        let open = open_rx.clone();
        tokio::spawn(async move {
            let mut conn = pin!(
                http1::Builder::new()
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(stream), service)
            );
            let stopping = async {
                // The guard `wait_for` returns is not `Send`: drop it here.
                let _ = shutdown_rx.wait_for(|stopping| *stopping).await.is_ok();
            };
            tokio::select! {
                _ = conn.as_mut() => {}
                () = stopping => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
            drop(open);
        });
    }
    drop(listener);
    let _ = shutting_down.send(true);
    drop(open_rx);
    open_tx.closed().await;
}

/// The hyper service of one connection: the router, with the peer address
/// inserted and [`DropConnection`] responses turned into a service error.
fn connection_service(
    router: axum::Router,
    peer: SocketAddr,
) -> impl hyper::service::Service<
    hyper::Request<Incoming>,
    Response = axum::response::Response,
    Error = DroppedOnPurpose,
    Future = impl Future<Output = Result<axum::response::Response, DroppedOnPurpose>> + Send,
> + Clone {
    let router = TowerToHyperService::new(router);
    hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        let response = hyper::service::Service::call(&router, request.map(axum::body::Body::new));
        async move {
            let response = response
                .await
                .unwrap_or_else(|never: Infallible| match never {});
            if response.extensions().get::<DropConnection>().is_some() {
                Err(DroppedOnPurpose)
            } else {
                Ok(response)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;

    #[tokio::test]
    async fn serves_and_shuts_down() {
        let served = serve_router(axum::Router::new().route("/ping", get(|| async { "pong" })))
            .await
            .unwrap();
        let body = reqwest::get(format!("{}/ping", served.base_url()))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(body, "pong");
        let addr = served.addr();
        served.shutdown().await.unwrap();
        assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    }

    #[tokio::test]
    async fn dropping_the_handle_stops_the_server() {
        let served = serve_router(axum::Router::new()).await.unwrap();
        let addr = served.addr();
        drop(served);
        // The stop happens on the server task: give it a few turns.
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(addr).await.is_err() {
                return;
            }
            tokio::task::yield_now().await;
        }
        panic!("{addr} still accepts connections");
    }

    #[tokio::test]
    async fn handlers_see_the_peer_address() {
        let router = axum::Router::new().route(
            "/peer",
            get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.ip().to_string() }),
        );
        let served = serve_router(router).await.unwrap();
        let body = reqwest::get(format!("{}/peer", served.base_url()))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(body, "127.0.0.1");
        served.shutdown().await.unwrap();
    }

    #[tokio::test]
    async fn drop_connection_closes_without_a_response() {
        let router = axum::Router::new().route(
            "/gone",
            get(|| async {
                let mut response = axum::response::IntoResponse::into_response("never seen");
                response.extensions_mut().insert(DropConnection);
                response
            }),
        );
        let served = serve_router(router).await.unwrap();
        let error = reqwest::get(format!("{}/gone", served.base_url()))
            .await
            .unwrap_err();
        assert!(
            error.status().is_none(),
            "no HTTP status may reach the client: {error}"
        );
        served.shutdown().await.unwrap();
    }
}
