//! Plain HTTP `GET`s on the RPC port, answered before JSON-RPC sees them: Prometheus `/metrics`, `/health`, and
//! the block explorer's page under `/explorer/` (with `/` redirecting there when it is on). Everything else, the
//! WebSocket upgrade on `/` included, goes on to jsonrpsee.

use std::{
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use jsonrpsee::server::{HttpBody, HttpRequest, HttpResponse};

use crate::metrics::Metrics;

/// The HTTP middleware of the RPC server.
#[derive(Clone, Debug)]
pub(crate) struct HttpEndpointsLayer {
    pub(crate) metrics: Arc<Metrics>,
    /// Serve the block explorer.
    pub(crate) explorer: bool,
}

impl<S> tower::Layer<S> for HttpEndpointsLayer {
    type Service = HttpEndpoints<S>;
    fn layer(&self, inner: S) -> Self::Service {
        HttpEndpoints {
            inner,
            metrics: self.metrics.clone(),
            explorer: self.explorer,
        }
    }
}

/// [`HttpEndpointsLayer`]'s service.
#[derive(Clone, Debug)]
pub(crate) struct HttpEndpoints<S> {
    inner: S,
    metrics: Arc<Metrics>,
    explorer: bool,
}

/// The explorer's `Content-Security-Policy`.
const EXPLORER_CSP: &str = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:";

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// What a plain `GET` of `path` is, when it is not JSON-RPC's.
#[derive(Debug, PartialEq, Eq)]
enum Route {
    Metrics,
    Health,
    /// A redirect to the explorer's page.
    ToExplorer,
    Explorer(ferrum_explorer::Asset),
    NotFound,
}

fn route(path: &str, explorer: bool, upgrade: bool) -> Option<Route> {
    match path {
        "/metrics" => Some(Route::Metrics),
        "/health" => Some(Route::Health),
        // A browser opening the node's address gets the explorer; WebSocket clients connect on "/" too.
        "/" | "/explorer" if explorer && !upgrade => Some(Route::ToExplorer),
        _ if explorer => path
            .strip_prefix(ferrum_explorer::PREFIX)
            .map(|file| ferrum_explorer::asset(file).map_or(Route::NotFound, Route::Explorer)),
        _ => None,
    }
}

impl<S> tower::Service<HttpRequest> for HttpEndpoints<S>
where
    S: tower::Service<HttpRequest, Response = HttpResponse>,
    S::Error: Into<jsonrpsee::core::BoxError> + 'static,
    S::Future: Send + 'static,
{
    type Response = HttpResponse;
    type Error = jsonrpsee::core::BoxError;
    type Future = BoxFuture<Result<HttpResponse, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, req: HttpRequest) -> Self::Future {
        let upgrade = req.headers().contains_key(http::header::UPGRADE);
        let route = (req.method() == http::Method::GET)
            .then(|| route(req.uri().path(), self.explorer, upgrade))
            .flatten();
        let metrics = self.metrics.clone();
        match route {
            None => {
                let fut = self.inner.call(req);
                Box::pin(async move { fut.await.map_err(Into::into) })
            }
            Some(Route::Metrics) => Box::pin(async move {
                let rendered = tokio::task::spawn_blocking(move || metrics.render()).await;
                Ok(match rendered {
                    Ok(Ok(text)) => response(
                        http::StatusCode::OK,
                        "application/openmetrics-text; version=1.0.0; charset=utf-8",
                        text.into(),
                    ),
                    Ok(Err(e)) => response(
                        http::StatusCode::SERVICE_UNAVAILABLE,
                        "text/plain",
                        format!("metrics unavailable: {e}\n").into(),
                    ),
                    Err(e) => response(
                        http::StatusCode::INTERNAL_SERVER_ERROR,
                        "text/plain",
                        format!("metrics task failed: {e}\n").into(),
                    ),
                })
            }),
            Some(Route::Health) => Box::pin(async move {
                let (ready, body) = tokio::task::spawn_blocking(move || metrics.health())
                    .await
                    .unwrap_or_else(|e| {
                        (
                            false,
                            serde_json::json!({"status": "unavailable", "reasons": [e.to_string()]}),
                        )
                    });
                let status = if ready {
                    http::StatusCode::OK
                } else {
                    http::StatusCode::SERVICE_UNAVAILABLE
                };
                Ok(response(
                    status,
                    "application/json",
                    body.to_string().into(),
                ))
            }),
            Some(Route::ToExplorer) => Box::pin(async move {
                let mut r = response(http::StatusCode::FOUND, "text/plain", HttpBody::empty());
                r.headers_mut().insert(
                    http::header::LOCATION,
                    http::HeaderValue::from_static(ferrum_explorer::PREFIX),
                );
                Ok(r)
            }),
            Some(Route::Explorer(asset)) => Box::pin(async move {
                let mut r = response(http::StatusCode::OK, asset.content_type, asset.body.into());
                let headers = r.headers_mut();
                // The page loads only its own files and talks only to this node, whatever a chain's data says.
                headers.insert(
                    http::header::CONTENT_SECURITY_POLICY,
                    http::HeaderValue::from_static(EXPLORER_CSP),
                );
                headers.insert(
                    http::header::X_CONTENT_TYPE_OPTIONS,
                    http::HeaderValue::from_static("nosniff"),
                );
                Ok(r)
            }),
            Some(Route::NotFound) => Box::pin(async move {
                Ok(response(
                    http::StatusCode::NOT_FOUND,
                    "text/plain",
                    "no such explorer file\n".into(),
                ))
            }),
        }
    }
}

fn response(status: http::StatusCode, content_type: &'static str, body: HttpBody) -> HttpResponse {
    let mut response = HttpResponse::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(route("/metrics", false, false), Some(Route::Metrics));
        assert_eq!(route("/health", true, false), Some(Route::Health));
        assert_eq!(route("/", true, false), Some(Route::ToExplorer));
        assert_eq!(route("/explorer", true, false), Some(Route::ToExplorer));
        // WebSocket upgrades and a node without the explorer leave "/" to JSON-RPC.
        assert_eq!(route("/", true, true), None);
        assert_eq!(route("/", false, false), None);
        assert_eq!(route("/explorer/", false, false), None);
        assert!(matches!(
            route("/explorer/", true, false),
            Some(Route::Explorer(a)) if a.content_type.starts_with("text/html")
        ));
        assert!(matches!(
            route("/explorer/app.js", true, false),
            Some(Route::Explorer(_))
        ));
        assert_eq!(
            route("/explorer/../Cargo.toml", true, false),
            Some(Route::NotFound)
        );
        assert_eq!(route("/other", true, false), None);
    }
}
