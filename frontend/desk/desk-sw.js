// The desk's service worker (issue 19 item 5): a counter opened or reloaded while the relay is
// out of reach still loads, guides and prints. It keeps the desk page, its hashed assets and
// the print font; it never touches /api (records wait in the page's IndexedDB outbox instead)
// and never the lobby's pages. Registered by the desk bundle (frontend/src/shell/offline.rs)
// with scope "/" (the relay allows it with Service-Worker-Allowed).
'use strict';

const CACHE = 'mado-desk-1';
// The desk bundle's client routes: the same list as DESK_ROUTES in relay/src/http/web.rs
// (a relay test reads this line and compares).
const DESK_ROUTES = ['/counter', '/queue', '/apply', '/r', '/s', '/checkin', '/office', '/admin', '/pair'];
const SHELL = '/counter';
const FONT = '/fonts/ipaexg-00401.ttf';

const isDeskPage = (path) => DESK_ROUTES.some((r) => path === r || path.startsWith(r + '/'));
const isAsset = (path) => path.startsWith('/desk/') || path === FONT;

// The assets a desk page loads: its stylesheets, script and WebAssembly under /desk/.
function assetsOf(html) {
  const found = new Set([FONT]);
  for (const m of html.matchAll(/["'](\/desk\/[^"'?#]+)["']/g)) found.add(m[1]);
  found.delete('/desk/desk-sw.js');
  return [...found];
}

// Keeps the desk page and everything it loads; the page is the one every desk route answers.
async function keepShell() {
  const cache = await caches.open(CACHE);
  const page = await fetch(SHELL, { cache: 'no-store' });
  if (!page.ok) throw new Error(`${SHELL}: ${page.status}`);
  const html = await page.clone().text();
  await cache.addAll(assetsOf(html).filter((a) => a !== FONT));
  // The font is large and never changes: fetched once.
  if (!(await cache.match(FONT))) await cache.add(FONT);
  await cache.put(SHELL, page);
}

self.addEventListener('install', (event) => {
  event.waitUntil(keepShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === 'navigate' && isDeskPage(url.pathname)) {
    // The network first (a new build is picked up at once); the kept page when it is down.
    event.respondWith(
      fetch(req)
        .then((res) => {
          if (res.ok) {
            const copy = res.clone();
            copy.text().then((html) =>
              caches.open(CACHE).then(async (cache) => {
                await cache.put(SHELL, new Response(html, { headers: res.headers }));
                // A new build: keep its assets too (hashed names; old ones are harmless).
                for (const a of assetsOf(html)) if (!(await cache.match(a))) await cache.add(a).catch(() => {});
              }),
            );
          }
          return res;
        })
        .catch(async () => (await caches.match(SHELL)) || Response.error()),
    );
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
