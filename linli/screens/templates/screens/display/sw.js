/* The display screen's service worker (linli/screens/display.py, scope /screen/):
   the screen's page, its scripts, styles and images are kept from the last time the
   server gave them, and given from there when it cannot be reached — a reload, or the
   screen switched off and on while the server is away, still shows the last content
   (display.js then puts in the newest it kept). Network first: online, nothing is
   ever served stale. A page that is not the screen's (the sign-in form: its token was
   revoked) is not kept, and what was kept of the page goes. */
"use strict";
var CACHE = "linli-screen-1";
var PAGE = "{{ page_url|escapejs }}";
var KEPT = ["{{ static_url|escapejs }}", "{{ images_url|escapejs }}"];

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("linli-screen-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  var page = url.pathname === PAGE;
  var asset = KEPT.some(function (prefix) { return url.pathname.indexOf(prefix) === 0; });
  if (!page && !asset) { return; }
  var key = page ? PAGE : request;
  event.respondWith(fetch(request).then(function (response) {
    var screens = response.headers.get("X-Linli-Screen") === "1";
    if (response.ok && (asset || screens)) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
    } else if (page && response.status < 500) {
      caches.open(CACHE).then(function (cache) { return cache.delete(key); });
    }
    return response;
  }, function (error) {
    return caches.open(CACHE).then(function (cache) { return cache.match(key); })
      .then(function (kept) { if (kept) { return kept; } throw error; });
  }));
});
