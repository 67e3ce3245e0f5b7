//! The built frontend: static files, with `index.html` for every client-side route.

use std::path::Path;

use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::IntoResponse;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// Adds the frontend in `dist` (Trunk's output) as the router's fallback. Hashed asset
/// names are cached for a year; `index.html` (answered for any path that is not a file, so
/// client routes like `/kiosk` load the app) is never cached. Without a built frontend every
/// page says how to build it.
pub fn with_frontend(router: Router, dist: Option<&Path>) -> Router {
    match dist.filter(|d| d.join("index.html").is_file()) {
        Some(dist) => {
            let index = tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(CACHE_CONTROL, HeaderValue::from_static("no-cache")))
                .service(ServeFile::new(dist.join("index.html")));
            let files = tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::if_not_present(
                    CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ))
                .service(ServeDir::new(dist).precompressed_br().precompressed_gzip().fallback(index));
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
