/* CAL's service worker (cal/core/offline.py says what it keeps and why), made of
   Workbox's modules served from our own static files. Version __VERSION__. */
"use strict";
importScripts({% for url in workbox %}{{ url|tojson }}{{ ", " if not loop.last }}{% endfor %});

var VERSION = "__VERSION__";
var SHELL = {{ precached|tojson }};
var PAGES = {{ pages|tojson }};  // the volunteer's own pages kept for times without a network
var OFFLINE = {{ offline_url|tojson }};
var OWNER = {{ owner_header|tojson }};
var KEPT = {{ kept_header|tojson }};
var PAGE_CACHE = "cal-pages-" + VERSION;

workbox.core.setCacheNameDetails({prefix: "cal", suffix: "", precache: "shell"});

/* A new version installs at once and takes over the open pages; the caches of the
   versions before it are deleted. */
self.addEventListener("install", function () { self.skipWaiting(); });
workbox.core.clientsClaim();
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("cal-pages-") === 0 && name !== PAGE_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }));
});
/* The shell: styles, scripts, icons and the offline page, from the phone first (a new
   version fetches the files whose hash changed and deletes the others' old copies). */
workbox.precaching.precacheAndRoute(SHELL);

/* The phone keeps one person's pages. An answer of anybody else (the login page after a
   sign-out: nobody; another volunteer signed in) empties them before anything else. */
function keepOnlyPagesOf(owner) {
  return caches.open(PAGE_CACHE).then(function (cache) {
    return cache.keys().then(function (keys) {
      return Promise.all(keys.map(function (key) {
        return cache.match(key, {ignoreVary: true}).then(function (page) {
          if (page === undefined || page.headers.get(OWNER) !== owner) {
            return cache.delete(key, {ignoreVary: true});
          }
          return false;
        });
      }));
    });
  });
}
var owners = {
  fetchDidSucceed: function (details) {
    var owner = details.response.headers.get(OWNER);
    if (owner === null) { return details.response; }
    return keepOnlyPagesOf(owner).then(function () { return details.response; });
  }
};
var onlyKept = {  // only a page the server marks as the volunteer's own, whole
  cacheWillUpdate: function (details) {
    var page = details.response;
    var kept = page.status === 200 && !page.redirected && page.headers.get(KEPT) === "1";
    return kept ? page : null;
  },
  cacheKeyWillBeUsed: function (details) { return details.request.url.split("#")[0]; }
};
self.addEventListener("message", function (event) {
  if (event.data === "forget-pages") { event.waitUntil(caches.delete(PAGE_CACHE)); }
});

/* The volunteer's pages: from the network, and kept as they come; from the phone when
   the network fails or answers nothing in time. A page opened by a link (htmx boosts
   links: the whole page, asked for by script) is kept like one typed in. */
workbox.routing.registerRoute(function (options) {
  var url = options.url;
  var request = options.request;
  return url.origin === self.location.origin && url.search === "" &&
    PAGES.indexOf(url.pathname) !== -1 &&
    (request.mode === "navigate" || request.headers.get("HX-Boosted") === "true");
}, new workbox.strategies.NetworkFirst({
  cacheName: PAGE_CACHE, networkTimeoutSeconds: {{ timeout }},
  matchOptions: {ignoreVary: true}, plugins: [owners, onlyKept]
}));

/* Everything else from the network only (never kept), its owner heard. */
workbox.routing.setDefaultHandler(new workbox.strategies.NetworkOnly({plugins: [owners]}));

/* No network and nothing kept: a page opened says so (the offline page). */
workbox.routing.setCatchHandler(function (options) {
  if (options.request.mode !== "navigate") { return Promise.resolve(Response.error()); }
  return workbox.precaching.matchPrecache(OFFLINE).then(function (page) {
    return page || Response.error();
  });
});
