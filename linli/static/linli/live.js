/* Live updates (linli.core.live, ADR 0019). Every element with data-live="channel …"
   is sent a `linli:live` event when a message of one of its channels arrives (or a
   `reset`: fetch everything again); htmx re-fetches on it (hx-trigger="linli:live").
   One stream per page: server-sent events, or where a browser has no EventSource (old
   set-top boxes), a long-poll on the same URL with poll=1. ES5 only, no dependencies. */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-live-url]");
  var elements = document.querySelectorAll("[data-live]");
  if (!script || !elements.length) { return; }
  var channels = [];
  var i, j, names;
  for (i = 0; i < elements.length; i++) {
    names = elements[i].getAttribute("data-live").split(/\s+/);
    for (j = 0; j < names.length; j++) {
      if (names[j] && channels.indexOf(names[j]) < 0) { channels.push(names[j]); }
    }
  }
  var query = [];
  for (i = 0; i < channels.length; i++) { query.push("channel=" + encodeURIComponent(channels[i])); }
  var url = script.getAttribute("data-live-url") + "?" + query.join("&");
  var timers = {};

  function fire(channel) {  // channel null: every element (a reset)
    var k, el, follows;
    for (k = 0; k < elements.length; k++) {
      el = elements[k];
      follows = (" " + el.getAttribute("data-live") + " ").indexOf(" " + channel + " ") >= 0;
      if (channel === null || follows) { later(k, el); }
    }
  }
  function later(k, el) {  // a burst of messages: one fetch, 200 ms after the first
    if (timers[k]) { return; }
    timers[k] = setTimeout(function () {
      timers[k] = null;
      var event;
      if (typeof window.CustomEvent === "function") {
        event = new CustomEvent("linli:live");
      } else {
        event = document.createEvent("Event");
        event.initEvent("linli:live", false, false);
      }
      el.dispatchEvent(event);
    }, 200);
  }
  function handle(body) {
    var message = JSON.parse(body);
    fire(message.channel);
  }

  function start() {  // once the page's scripts (htmx) have set the elements up
    if (window.EventSource) { stream(); } else { poll(); }
  }
  if (document.readyState === "complete") { start(); } else { window.addEventListener("load", start); }

  function stream() {
    var source = new EventSource(url);
    // After a break EventSource reconnects with Last-Event-ID by itself: the server
    // replays what was missed, or answers `reset`.
    source.addEventListener("message", function (e) { handle(e.data); });
    source.addEventListener("reset", function () { fire(null); });
  }

  var last = "";
  var wait = 1000;
  function poll() {
    var request = new XMLHttpRequest();
    request.open("GET", url + "&poll=1" + (last ? "&last=" + last : ""), true);
    request.setRequestHeader("Accept", "application/json");
    request.onreadystatechange = function () {
      if (request.readyState !== 4) { return; }
      if (request.status === 200) {
        var answer = JSON.parse(request.responseText);
        var k;
        if (answer.reset) { fire(null); }
        for (k = 0; k < answer.messages.length; k++) { fire(answer.messages[k].channel); }
        last = String(answer.last);
        wait = 1000;
        setTimeout(poll, 0);
      } else {
        setTimeout(poll, wait);
        wait = Math.min(wait * 2, 30000);
      }
    };
    request.send();
  }
}());
