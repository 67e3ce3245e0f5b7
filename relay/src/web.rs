//! The built frontend: static files, with `index.html` for every client-side route.

use std::path::Path;

use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::IntoResponse;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// Answers `index.html` for client routes, but 404 for a missing file (a path whose last
/// segment has an extension, like `/fonts/x.ttf`): a missing asset must not look like a page.
#[derive(Debug, Clone)]
struct IndexUnlessFile<S>(S);

impl<S, B> tower::Service<axum::http::Request<B>> for IndexUnlessFile<S>
where
    S: tower::Service<axum::http::Request<B>, Error = std::convert::Infallible>
        + Clone
        + Send
        + 'static,
    S::Response: IntoResponse,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = axum::response::Response;
    type Error = std::convert::Infallible;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Self::Response, Self::Error>> + Send>,
    >;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: axum::http::Request<B>) -> Self::Future {
        let last = req.uri().path().rsplit('/').next().unwrap_or("");
        if last.contains('.') {
            return Box::pin(async {
                Ok((
                    StatusCode::NOT_FOUND,
                    [(
                        CONTENT_TYPE,
                        HeaderValue::from_static("text/plain; charset=utf-8"),
                    )],
                    "not found\n",
                )
                    .into_response())
            });
        }
        let mut inner = self.0.clone();
        Box::pin(async move { Ok(inner.call(req).await?.into_response()) })
    }
}

/// Client routes served by the desk bundle (`dist/desk/index.html`); every other page is the
/// lobby bundle (`dist/index.html`).
pub const DESK_ROUTES: [&str; 8] = [
    "/counter", "/queue", "/apply", "/r", "/s", "/checkin", "/office", "/admin",
];

/// Adds the frontend in `dist` (Trunk's output) as the router's fallback. Hashed asset
/// names are cached for a year; `index.html` (answered for any path that is not a file, so
/// client routes like `/kiosk` load the app) is never cached. The desk routes answer with the
/// desk bundle's page. Without a built frontend every page says how to build it.
pub fn with_frontend(mut router: Router, dist: Option<&Path>) -> Router {
    match dist.filter(|d| d.join("index.html").is_file()) {
        Some(dist) => {
            let page = |file: std::path::PathBuf| {
                tower::ServiceBuilder::new()
                    .layer(SetResponseHeaderLayer::overriding(CACHE_CONTROL, HeaderValue::from_static("no-cache")))
                    .service(ServeFile::new(file))
            };
            let index = page(dist.join("index.html"));
            let desk = dist.join("desk").join("index.html");
            if desk.is_file() {
                for route in DESK_ROUTES {
                    router = router
                        .route_service(route, page(desk.clone()))
                        .route_service(&format!("{route}/{{*rest}}"), page(desk.clone()));
                }
            }
            let files = tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::if_not_present(
                    CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ))
                .service(
                    ServeDir::new(dist)
                        .precompressed_br()
                        .precompressed_gzip()
                        .fallback(IndexUnlessFile(index)),
                );
            router.fallback_service(files)
        }
        None => router.fallback(|| async {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"))],
                "Mado: the frontend is not built. Run `cargo xtask run`.\nMado: フロントエンドが未ビルドです。`cargo xtask run` を実行してください。\n",
            )
                .into_response()
        }),
    }
}
