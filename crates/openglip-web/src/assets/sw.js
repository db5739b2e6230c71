// openglip's service worker: makes the web client installable and gives it an offline shell.
//
// What it keeps: the offline page and the static assets below, nothing else. Pages under /c/,
// their fragments and every API answer hold personal data and always go to the network (this
// worker does not even look at them); /ws is a WebSocket, which service workers never see.
//
// Page loads (navigations) go to the network; when it fails, the offline page answers. The static
// assets are served from the cache and refreshed from the network behind it (stale while
// revalidate). The cache name carries a version: a new one (the server fills in a digest of what
// it serves, so an upgraded server installs a new worker) deletes the old caches on activation.
'use strict';

const BUILD = '__OPENGLIP_BUILD__';
const PREFIX = 'openglip-shell-';
const CACHE = PREFIX + 'v1-' + BUILD;
const OFFLINE = '/offline';
const STATIC = [
  '/assets/client.css',
  '/assets/client.js',
  '/assets/openglip.css',
  '/assets/openglip.js',
  '/assets/offline.js',
  '/assets/icons/icon.svg',
  '/assets/icons/icon-192.png',
];

self.addEventListener('install', (event) => {
  // One by one, ignoring failures: one missing asset must not stop the worker from installing.
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) =>
        Promise.all(
          [OFFLINE].concat(STATIC).map((url) =>
            cache.add(new Request(url, { cache: 'reload', credentials: 'omit' })).catch(() => undefined),
          ),
        ),
      )
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))),
      )
      .then(() => (self.registration.navigationPreload ? self.registration.navigationPreload.enable() : undefined))
      .catch(() => undefined)
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') {
    return;
  }
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (req.mode === 'navigate') {
    event.respondWith(navigate(event));
    return;
  }
  if (url.search === '' && STATIC.includes(url.pathname)) {
    event.respondWith(staleWhileRevalidate(event, url.pathname));
  }
  // Anything else is not handled here: the browser fetches it as if there were no worker.
});

/** Network first; the offline page when the network fails. Pages are never stored. */
async function navigate(event) {
  try {
    const preloaded = await event.preloadResponse;
    if (preloaded) {
      return preloaded;
    }
    return await fetch(event.request);
  } catch (e) {
    const cache = await caches.open(CACHE);
    const shell = await cache.match(OFFLINE);
    return (
      shell ||
      new Response("You're offline. openglip will reconnect when your network is back.", {
        status: 503,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      })
    );
  }
}

/** The cached copy at once (when there is one), refreshed from the network for next time. */
async function staleWhileRevalidate(event, path) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(path);
  const fresh = fetch(event.request).then((resp) => {
    if (resp.ok && resp.type === 'basic') {
      return cache.put(path, resp.clone()).then(
        () => resp,
        () => resp,
      );
    }
    return resp;
  });
  if (cached) {
    event.waitUntil(fresh.catch(() => undefined));
    return cached;
  }
  return fresh;
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data;
  let target = null;
  if (data && typeof data.url === 'string') {
    try {
      const u = new URL(data.url, self.location.origin);
      if (u.origin === self.location.origin) {
        target = u.href;
      }
    } catch (e) {
      target = null;
    }
  }
  event.waitUntil(openOrFocus(target));
});

/** Focuses a window of the client (the one showing `target`, if any) or opens one. */
async function openOrFocus(target) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const ours = windows.filter((w) => new URL(w.url).origin === self.location.origin);
  if (ours.length === 0) {
    return self.clients.openWindow(target || '/');
  }
  const win = ours.find((w) => w.url === target) || ours.find((w) => w.focused) || ours[0];
  const focused = await win.focus().catch(() => win);
  if (target && focused.url !== target) {
    try {
      await focused.navigate(target);
    } catch (e) {
      // A window this worker does not control cannot be navigated from here: ask its page.
      focused.postMessage({ type: 'navigate', url: target });
    }
  }
  return focused;
}
