/* Từng Nhà service worker (served by django-pwa at /serviceworker.js, scope "/").
 *
 * - Precaches the field app's shell so /app/ opens with no network at all, for days.
 * - Handles only the field app's own URLs; every other page and the API go to the
 *   network untouched (the data lives in IndexedDB, never in this cache).
 * - Background Sync: sends the outbox when the connection returns, even with the app
 *   closed. With the app open, the page sends instead (it shows progress and holds the
 *   same lock).
 *
 * Releasing a new version: change VERSION. The new worker precaches the new files into a
 * new cache, takes over, and the open app reloads when it is not in the middle of a form.
 * IndexedDB migrations run in db.js; they never drop the outbox.
 */
"use strict";

// The release: a name, then the hash of the app's files, stamped by
// `python -m tests.e2e.app_files` (a test fails when the files changed and it did not).
const VERSION = "2026.11.1-5872d69d";
const CACHE = `tungnha-fieldapp-${VERSION}`;
const SHELL = "/app/";
const STATIC = "/static/fieldapp/";
// Everything the app needs to start offline. tests/e2e/test_fieldapp_assets.py checks that
// every file in static/fieldapp/ is listed here.
const ASSETS = [
  "app.js", "app.css", "db.js", "outbox.js", "push.js", "sync.js", "pull.js", "store.js", "i18n.js", "text.js",
  "model.js", "ui.js", "walklist.js", "household.js", "residentform.js", "newhousehold.js",
  "idnumber.js", "outboxview.js", "progress.js", "menu.js", "notice.js", "geo.js", "pullclient.js", "pullworker.js", "hometime.js",
  "appointments.js",
  "icon-192.png", "icon-512.png",
].map((name) => STATIC + name).concat(["/static/frontend/icon.svg", "/manifest.json"]);

// The release in the URL: imported scripts may come from the HTTP cache, and a worker of
// this release must never run the database code of the last one.
importScripts(...["db.js", "outbox.js", "push.js"].map((name) => `${STATIC}${name}?v=${VERSION}`));

/** The shell page needs a session: installed from the login page, there is none yet, and
 * the app asks again ("cache-shell") once it runs signed in. */
async function cacheShell() {
  try {
    const shell = await fetch(SHELL, { credentials: "same-origin", cache: "reload" });
    if (shell.ok && !shell.redirected) await (await caches.open(CACHE)).put(SHELL, shell);
  } catch (_) { /* offline: the next visit to /app/ caches it */ }
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // cache: "reload" skips the HTTP cache, so a release never mixes in an old file.
    await cache.addAll(ASSETS.map((url) => new Request(url, { cache: "reload" })));
    await cacheShell();
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    const old = await Promise.all(names.filter((n) => n.startsWith("tungnha-fieldapp-") && n !== CACHE).map(async (name) => {
      // Carry the shell over when the new release could not fetch its own yet.
      const cache = await caches.open(CACHE);
      if (!(await cache.match(SHELL))) {
        const shell = await (await caches.open(name)).match(SHELL);
        if (shell) await cache.put(SHELL, shell);
      }
      return name;
    }));
    await Promise.all(old.map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

/** The shell: from the cache at once (one bar of signal must not hold the screen), and
 * refreshed in the background for the next start. "?fresh" (after signing in or changing
 * language) asks for the network first. A redirect (session expired) is never cached. */
async function shell(event, fresh) {
  const cache = await caches.open(CACHE);
  const network = fetch(event.request).then(async (response) => {
    if (response.ok && response.type === "basic" && !response.redirected) await cache.put(SHELL, response.clone());
    return response;
  });
  const cached = await cache.match(SHELL);
  if (cached && !fresh) {
    event.waitUntil(network.catch(() => null));
    return cached;
  }
  try {
    return await network;
  } catch (error) {
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === SHELL && request.mode === "navigate") {
    event.respondWith(shell(event, url.searchParams.has("fresh")));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.open(CACHE).then((cache) => cache.match(url.pathname)).then((hit) => hit || fetch(request)));
  }
});

self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  const reply = (message) => (event.ports[0] || event.source).postMessage(message);
  if (type === "version") reply({ type: "version", version: VERSION });
  if (type === "cache-shell") event.waitUntil(cacheShell().then(() => reply({ type: "shell-cached" })));
});

/** Background Sync: with the app open, let the page send (it shows the progress); with
 * it closed, send from here. A failure rejects, so the browser tries again later. */
self.addEventListener("sync", (event) => {
  if (event.tag !== "tungnha-outbox") return;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const open = windows.filter((w) => new URL(w.url).pathname === SHELL);
    if (open.length) {
      open.forEach((w) => w.postMessage({ type: "sync" }));
      return;
    }
    const result = await TN.push.withLock(async () => {
      const who = await TN.push.whoami();
      if (who.state !== "ok") return who;
      const csrf = self.cookieStore ? ((await self.cookieStore.get("csrftoken")) || {}).value
        : (await TN.db.getMeta(["csrf"])).csrf;
      return TN.push.pushAs(who.user.username, csrf);
    });
    if (result.state === "offline" || result.state === "server_error") throw new Error(result.state);
  })());
});
