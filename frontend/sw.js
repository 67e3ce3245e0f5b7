// Mado's service worker, served as /sw.js with scope "/" (issue 19 item 5, issue 22 item 5).
// A counter, or a resident's phone, opened or reloaded with no network still loads, guides and
// prints: it keeps the page of each bundle used in this browser (the desk's, the resident's),
// their hashed assets, the print font and the language data fetched here. It never touches
// /api (the pages keep what waits to be sent in IndexedDB outboxes) and never the lobby's
// screens (kiosk and display run online). Registered by the desk and resident bundles
// (frontend/src/shell/mod.rs, keep_offline).
'use strict';

const CACHE = 'mado-2';
// The client routes of each bundle: the same lists as DESK_ROUTES and RESIDENT_ROUTES in
// relay/src/http/web.rs (a relay test reads these lines and compares).
const DESK_ROUTES = ['/counter', '/queue', '/office', '/admin', '/pair'];
const RESIDENT_ROUTES = ['/apply', '/r', '/s', '/t', '/checkin'];
// Each bundle's page is the same for all its routes: kept under one name.
const BUNDLES = [
  { shell: '/counter', routes: DESK_ROUTES, assets: '/desk/' },
  { shell: '/apply', routes: RESIDENT_ROUTES, assets: '/resident/' },
];
const FONT = '/fonts/ipaexg-00401.ttf';

const bundleOf = (path) =>
  BUNDLES.find((b) => b.routes.some((r) => path === r || path.startsWith(r + '/')));
const isAsset = (path) => BUNDLES.some((b) => path.startsWith(b.assets)) || path === FONT;
const isLangData = (path) => path.startsWith('/lang/');

// The assets a bundle's page loads: its stylesheets, script and WebAssembly.
function assetsOf(html, bundle) {
  const found = new Set();
  const re = new RegExp(`["'](${bundle.assets.replace(/\//g, '\\/')}[^"'?#]+)["']`, 'g');
  for (const m of html.matchAll(re)) found.add(m[1]);
  return [...found];
}

// Keeps a bundle's page and everything it loads (and, for the desk, the print font).
async function keep(bundle, page) {
  const cache = await caches.open(CACHE);
  const html = await page.clone().text();
  for (const a of assetsOf(html, bundle)) if (!(await cache.match(a))) await cache.add(a);
  if (bundle.assets === '/desk/' && !(await cache.match(FONT))) await cache.add(FONT);
  await cache.put(bundle.shell, page);
}

// On install: the bundles of the pages open now (the one that registered this worker).
async function keepOpenPages() {
  const open = await self.clients.matchAll({ includeUncontrolled: true, type: 'window' });
  const wanted = new Set(open.map((c) => bundleOf(new URL(c.url).pathname)).filter(Boolean));
  for (const bundle of wanted) {
    const page = await fetch(bundle.shell, { cache: 'no-store' });
    if (!page.ok) throw new Error(`${bundle.shell}: ${page.status}`);
    await keep(bundle, page);
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(keepOpenPages().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The network first, the kept copy when it is down; what the network answered is kept.
async function networkFirst(req, key) {
  try {
    const res = await fetch(req);
    if (res.ok) {
      const copy = res.clone();
      caches.open(CACHE).then((cache) => cache.put(key, copy));
    }
    return res;
  } catch (e) {
    const kept = await caches.match(key);
    if (kept) return kept;
    throw e;
  }
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  const bundle = req.mode === 'navigate' ? bundleOf(url.pathname) : undefined;
  if (bundle) {
    // A new build is picked up at once; its assets are kept too (hashed names; old ones are
    // harmless).
    event.respondWith(
      fetch(req)
        .then((res) => {
          if (res.ok) {
            const copy = res.clone();
            keep(bundle, copy).catch(() => {});
          }
          return res;
        })
        .catch(async () => (await caches.match(bundle.shell)) || Response.error()),
    );
    return;
  }
  if (isLangData(url.pathname)) {
    // Language data keeps its name from build to build: always asked again when online.
    event.respondWith(networkFirst(req, url.pathname));
    return;
  }
  if (isAsset(url.pathname)) {
    // Hashed names never change: the kept copy, else the network (and keep it).
    event.respondWith(
      caches.match(url.pathname).then(
        (hit) =>
          hit ||
          fetch(req).then((res) => {
            if (res.ok) {
              const copy = res.clone();
              caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
            }
            return res;
          }),
      ),
    );
  }
});
