// The service worker that lets the app (and the article page) load and work offline after one visit.
// This is a template: scripts/offline.mjs writes dist/sw.js from it with BUILD (a digest of every precached file)
// and PRECACHE (this build's files, Trunk's hashed names included).
//
// - install: every file of the build into a cache named after the build, fetched past the HTTP cache;
// - activate: the caches of earlier builds are deleted, and open pages are taken over at once;
// - pages (navigations): network first, so a new deployment is seen on the next load; the cached page offline;
// - files: cache first (hashed names never change content); anything else from the network.
const BUILD = "__BUILD__";
const PRECACHE = ["__PRECACHE__"];
const PREFIX = "scaleplan-";
const CACHE = `${PREFIX}${BUILD}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((path) => new Request(path, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(async () => {
        const cache = await caches.open(CACHE);
        return (await cache.match(request, { ignoreSearch: true })) ?? (await cache.match("./")) ?? Response.error();
      }),
    );
    return;
  }
  event.respondWith(caches.open(CACHE).then((cache) => cache.match(request)).then((hit) => hit ?? fetch(request)));
});
