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

/// Client routes served by the desk bundle (`dist/desk/index.html`).
pub const DESK_ROUTES: [&str; 5] = ["/counter", "/queue", "/office", "/admin", "/pair"];

/// Client routes served by the resident bundle (`dist/resident/index.html`): what a resident
/// opens on a phone, and the kiosk's check-in. Every other page is the lobby bundle
/// (`dist/index.html`).
pub const RESIDENT_ROUTES: [&str; 5] = ["/apply", "/r", "/s", "/t", "/checkin"];

/// The service worker (frontend/sw.js), in `dist/` and served as `/sw.js`.
pub const SERVICE_WORKER: &str = "sw.js";

/// Adds the frontend in `dist` (Trunk's output) as the router's fallback. Hashed asset
/// names are cached for a year; `index.html` (answered for any path that is not a file, so
/// client routes like `/kiosk` load the app), the service worker and the language data are
/// asked for again each time. The desk and resident routes answer with their bundle's page.
/// Without a built frontend every page says how to build it.
pub fn with_frontend(mut router: Router, dist: Option<&Path>) -> Router {
    match dist.filter(|d| d.join("index.html").is_file()) {
        Some(dist) => {
            let page = |file: std::path::PathBuf| {
                tower::ServiceBuilder::new()
                    .layer(SetResponseHeaderLayer::overriding(CACHE_CONTROL, HeaderValue::from_static("no-cache")))
                    .service(ServeFile::new(file))
            };
            let index = page(dist.join("index.html"));
            // The service worker: never cached by the browser, so a new build is seen at once.
            let worker = dist.join(SERVICE_WORKER);
            if worker.is_file() {
                router = router.route_service(&format!("/{SERVICE_WORKER}"), page(worker));
            }
            for (bundle, routes) in [("desk", DESK_ROUTES), ("resident", RESIDENT_ROUTES)] {
                let html = dist.join(bundle).join("index.html");
                if !html.is_file() {
                    continue;
                }
                for route in routes {
                    router = router
                        .route_service(route, page(html.clone()))
                        .route_service(&format!("{route}/{{*rest}}"), page(html.clone()));
                }
            }
            // The language data (`/lang/ui/<code>.json`, `/lang/packs/<code>.json`) keeps its
            // name from build to build: asked again each time (a 304 when unchanged), so a
            // corrected translation or pack reaches every phone at once.
            let lang = dist.join("lang");
            if lang.is_dir() {
                router = router.nest_service(
                    "/lang",
                    tower::ServiceBuilder::new()
                        .layer(SetResponseHeaderLayer::overriding(
                            CACHE_CONTROL,
                            HeaderValue::from_static("no-cache"),
                        ))
                        .service(ServeDir::new(lang).precompressed_br().precompressed_gzip()),
                );
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

/// The inline `<script>` bodies of the built pages (Trunk's loader), as CSP hash sources
/// (`'sha256-…'`). Computed from the files being served, so every build is allowed exactly
/// its own loader and nothing else inline.
fn inline_script_hashes(dist: &Path) -> Vec<String> {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let mut out = Vec::new();
    for page in [
        dist.join("index.html"),
        dist.join("desk").join("index.html"),
        dist.join("resident").join("index.html"),
    ] {
        let Ok(html) = std::fs::read_to_string(&page) else {
            continue;
        };
        let mut rest = html.as_str();
        while let Some(start) = rest.find("<script") {
            let after = &rest[start..];
            let Some(open_end) = after.find('>') else {
                break;
            };
            let tag = &after[..open_end];
            let body_and_more = &after[open_end + 1..];
            let Some(close) = body_and_more.find("</script>") else {
                break;
            };
            if !tag.contains("src=") {
                let digest = Sha256::digest(&body_and_more.as_bytes()[..close]);
                out.push(format!(
                    "'sha256-{}'",
                    base64::engine::general_purpose::STANDARD.encode(digest)
                ));
            }
            rest = &body_and_more[close..];
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The Content-Security-Policy for everything the relay serves: only this origin's scripts
/// (plus the built pages' own inline loader, by hash) and WebAssembly; styles and images from
/// here (inline styles and `data:`/`blob:` images for QR codes and PDF previews); no plugins,
/// no framing by other sites, no `<base>` tricks.
pub fn content_security_policy(dist: Option<&Path>) -> String {
    let hashes = dist.map(inline_script_hashes).unwrap_or_default().join(" ");
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {hashes}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self' blob:; frame-src 'self' blob:; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    .replace("  ", " ")
}

/// Security headers on every answer: the CSP, no MIME sniffing, no referrer (capability
/// tokens live in fragments, which are never sent, but other paths need not leak either), no
/// framing, a separate browsing context group, and HSTS when the relay is behind TLS.
pub fn with_security_headers(router: Router, dist: Option<&Path>, tls: bool) -> Router {
    use axum::http::header;
    let csp = content_security_policy(dist);
    let mut router = router;
    let mut set = |name: axum::http::HeaderName, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            router =
                std::mem::take(&mut router).layer(SetResponseHeaderLayer::if_not_present(name, v));
        }
    };
    set(header::CONTENT_SECURITY_POLICY, &csp);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "no-referrer");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(
        axum::http::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        axum::http::HeaderName::from_static("permissions-policy"),
        "camera=(self), usb=(self), microphone=(), geolocation=()",
    );
    if tls {
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000");
    }
    router
}

/// `GET /healthz`: `ok` while the database answers.
pub(crate) async fn healthz(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
) -> Result<&'static str, crate::error::Error> {
    crate::db::ping(&state.db).await?;
    Ok("ok")
}

#[cfg(test)]
mod tests {
    /// The service worker falls back to a bundle's kept page for exactly the routes this
    /// relay answers with that page: its lists are read from the worker's source.
    #[test]
    fn the_service_worker_knows_each_bundles_routes() {
        let js = include_str!("../../../frontend/sw.js");
        let routes = |name: &str| -> Vec<String> {
            let start = format!("const {name} = [");
            let line = js
                .lines()
                .find(|l| l.starts_with(&start))
                .unwrap_or_else(|| panic!("sw.js declares {name} on one line"));
            let inner = &line[line.find('[').unwrap() + 1..line.rfind(']').unwrap()];
            inner
                .split(',')
                .map(|r| r.trim().trim_matches('\'').to_owned())
                .collect()
        };
        assert_eq!(routes("DESK_ROUTES"), super::DESK_ROUTES);
        assert_eq!(routes("RESIDENT_ROUTES"), super::RESIDENT_ROUTES);
    }
}
