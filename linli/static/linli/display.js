/* The display screens' and TV boxes' pages (linli/screens/display.py). ES5 only, no
   modules, XMLHttpRequest: old set-top-box browsers run it. Nothing here needs the
   server to stay up: what is on screen stays there while it is away. */
(function () {
  "use strict";
  var body = document.body;
  var data = function (name) { return body.getAttribute("data-" + name) || ""; };

  function request(method, url, headers, payload, done) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, url, true);
    for (var name in headers) {
      if (headers.hasOwnProperty(name)) { xhr.setRequestHeader(name, headers[name]); }
    }
    xhr.timeout = 10000;
    xhr.onreadystatechange = function () {
      if (xhr.readyState === 4) { done(xhr); }
    };
    xhr.send(payload || null);
  }

  /* The clock in the bar. */
  var clock = document.getElementById("clock");
  function pad(n) { return n < 10 ? "0" + n : "" + n; }
  function tick() {
    var d = new Date();
    if (clock) {
      clock.innerHTML = (d.getMonth() + 1) + "月" + d.getDate() + "日 " + pad(d.getHours()) + ":" + pad(d.getMinutes());
    }
  }
  setInterval(tick, 15000);

  /* A fragment kept up to date: polled with its ETag, swapped in when it changed.
     `nudge()` polls at once (the live mechanism calls it); a failure keeps what is
     shown, marks the page offline and tries again, sooner at first. */
  function Follower(url, target, etag, onSwap) {
    this.url = url; this.target = target; this.etag = etag; this.onSwap = onSwap;
    this.timer = null; this.busy = false; this.failures = 0;
  }
  Follower.prototype.follow = function () {  // a live message: fetch now
    var self = this;
    if (this.target.addEventListener) {
      this.target.addEventListener("linli:live", function () { self.poll(); }, false);
    }
  };
  Follower.prototype.schedule = function (seconds) {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.poll(); }, seconds * 1000);
  };
  Follower.prototype.poll = function () {
    var self = this;
    if (this.busy) { this.again = true; return; }  // asked again meanwhile: once more after
    this.busy = true;
    this.again = false;
    var headers = {"X-Requested-With": "XMLHttpRequest"};
    if (this.etag) { headers["If-None-Match"] = this.etag; }
    request("GET", this.url, headers, null, function (xhr) {
      self.busy = false;
      if (xhr.status === 200 || xhr.status === 304) {
        self.failures = 0;
        offline(false);
        if (xhr.status === 200) {
          self.etag = xhr.getResponseHeader("ETag") || "";
          self.target.innerHTML = xhr.responseText;
          if (self.keep) { self.keep(xhr.responseText, self.etag, xhr.getResponseHeader("Date")); }
          if (self.onSwap) { self.onSwap(); }
        }
        self.schedule(self.again ? 0 : poll);
      } else if (xhr.status === 401) {
        window.location.href = data("signin-url");
      } else {
        self.failures += 1;
        offline(true);
        self.schedule(Math.min(poll, 2 * self.failures));
      }
    });
  };
  var poll = parseInt(data("poll"), 10) || 30;
  var followers = [];
  var offlineMark = document.getElementById("offline");
  function offline(yes) {
    if (offlineMark) { offlineMark.hidden = !yes; }
    if (yes) { body.className = body.className.replace(/ ?is-offline/, "") + " is-offline"; }
    else { body.className = body.className.replace(/ ?is-offline/, ""); }
  }
  window.linliDisplay = {
    nudge: function () {
      for (var i = 0; i < followers.length; i++) { followers[i].poll(); }
    }
  };

  /* The display: its slides in turn, each for its duration; heartbeats. */
  var content = document.getElementById("content");
  var slideTimer = null;
  var showing = "";
  function slides() { return content.querySelectorAll(".slide"); }
  function show(index) {
    var all = slides();
    if (!all.length) { return; }
    index = index % all.length;
    for (var i = 0; i < all.length; i++) {
      all[i].className = all[i].className.replace(/ ?current/, "") + (i === index ? " current" : "");
    }
    showing = all[index].getAttribute("data-key") || "";
    var seconds = parseInt(all[index].getAttribute("data-duration"), 10) || 15;
    clearTimeout(slideTimer);
    if (all.length > 1) {
      slideTimer = setTimeout(function () { show(index + 1); }, seconds * 1000);
    }
  }
  function restart() {
    var all = slides();
    for (var i = 0; i < all.length; i++) {
      if (all[i].getAttribute("data-key") === showing) { show(i); return; }
    }
    show(0);
  }
  function beat() {
    var token = document.querySelector("#csrf input[name=csrfmiddlewaretoken]");
    request("POST", data("heartbeat-url"), {
      "Content-Type": "application/x-www-form-urlencoded",
      "X-CSRFToken": token ? token.value : ""
    }, "showing=" + encodeURIComponent(showing), function (xhr) {
      if (xhr.status === 401) { window.location.href = data("signin-url"); }
    });
  }
  /* What the display shows is kept in the browser (localStorage) each time it
     changes, dated by the server's clock. A page given by the service worker while the
     server is away (a reload, the screen switched off and on) is the one the server
     gave last; the content kept since then is newer, and goes in. */
  var STORE = "linli-screen-content";
  function kept() {
    try { return JSON.parse(window.localStorage.getItem(STORE) || "null"); } catch (e) { return null; }
  }
  function keep(html, etag, date) {
    var at = date ? Math.floor(Date.parse(date) / 1000) : NaN;
    if (isNaN(at)) { return; }
    try {
      window.localStorage.setItem(STORE, JSON.stringify({html: html, etag: etag, at: at}));
    } catch (e) { /* full or forbidden: the service worker's page is all there is */ }
  }
  if (content && data("content-url")) {
    var rendered = parseInt(data("rendered"), 10) || 0;
    var last = kept();
    var etag = data("etag");
    if (last && last.at >= rendered && last.etag !== etag) {
      content.innerHTML = last.html;
      etag = last.etag;
    } else {
      keep(content.innerHTML, etag, rendered ? new Date(rendered * 1000).toUTCString() : "");
    }
    show(0);
    var follower = new Follower(data("content-url"), content, etag, restart);
    follower.keep = keep;
    followers.push(follower);
    follower.follow();
    follower.schedule(1);  // at once: a page from the service worker learns it is offline
    if (navigator.serviceWorker && data("service-worker") && window.isSecureContext !== false) {
      navigator.serviceWorker.register(data("service-worker"))["catch"](function () {});
      if (!navigator.serviceWorker.controller) {
        // its first load, which the worker did not see: the page and its files fetched
        // once more through it, one after the other, to be kept
        navigator.serviceWorker.addEventListener("controllerchange", function () {
          var files = [window.location.pathname];
          var named = document.querySelectorAll("link[rel=stylesheet][href], script[src]");
          for (var f = 0; f < named.length; f++) {
            files.push(named[f].getAttribute("href") || named[f].getAttribute("src"));
          }
          (function next(f) {
            if (f < files.length) { request("GET", files[f], {}, null, function () { next(f + 1); }); }
          })(0);
        });
      }
    }
    var every = parseInt(data("heartbeat"), 10) || 60;
    setTimeout(beat, 2000);
    setInterval(beat, every * 1000);
  }

  /* The TV: the alert overlay followed, and a remote control's keys. */
  var alerts = document.getElementById("alerts");
  if (alerts && data("alerts-url")) {
    var alertFollower = new Follower(data("alerts-url"), alerts, data("alerts-etag"), null);
    followers.push(alertFollower);
    alertFollower.follow();
    alertFollower.schedule(poll);
  }
  /* A TV channel's latest notices, followed: a notice published or withdrawn shows
     at once. The focus stays on the same notice (or goes to the first) when the list
     it was in is swapped. */
  var items = document.getElementById("items");
  if (items && items.getAttribute("data-url")) {
    var focused = null;
    var keepFocus = function () {
      if (!focused || items.contains(focused)) { return; }
      var same = null, links = items.querySelectorAll("[data-nav]");
      var href = focused.getAttribute("href");
      for (var k = 0; k < links.length; k++) {
        if (links[k].getAttribute("href") === href) { same = links[k]; }
      }
      focused = null;
      if (same || links[0]) { (same || links[0]).focus(); } else { focusFirst(); }
    };
    var itemsFollower = new Follower(items.getAttribute("data-url"), items, items.getAttribute("data-etag"), keepFocus);
    var swap = itemsFollower.poll;
    itemsFollower.poll = function () {  // note what has the focus before the list goes
      var active = document.activeElement;
      if (active && items.contains(active)) { focused = active; }
      swap.call(this);
    };
    followers.push(itemsFollower);
    itemsFollower.follow();
    itemsFollower.schedule(poll);
  }
  if (body.className.indexOf("tv") < 0) { return; }

  function focusables() {
    var found = document.querySelectorAll("[data-nav]");
    var out = [];
    for (var i = 0; i < found.length; i++) {
      if (found[i].offsetParent !== null || found[i] === document.activeElement) { out.push(found[i]); }
    }
    return out;
  }
  function focusFirst() {
    var first = document.querySelector("[data-nav][autofocus]") || focusables()[0];
    if (first) { first.focus(); }
  }
  function centre(el) {
    var r = el.getBoundingClientRect();
    return {x: r.left + r.width / 2, y: r.top + r.height / 2};
  }
  /* The nearest focusable in the arrow's direction: along it first, then across. */
  function move(dx, dy) {
    var current = document.activeElement;
    var all = focusables();
    if (!current || !current.hasAttribute || !current.hasAttribute("data-nav")) { focusFirst(); return; }
    var from = centre(current), best = null, bestScore = Infinity;
    for (var i = 0; i < all.length; i++) {
      if (all[i] === current) { continue; }
      var to = centre(all[i]);
      var along = (to.x - from.x) * dx + (to.y - from.y) * dy;
      if (along <= 1) { continue; }
      var across = Math.abs((to.x - from.x) * dy) + Math.abs((to.y - from.y) * dx);
      var score = along + 2 * across;
      if (score < bestScore) { bestScore = score; best = all[i]; }
    }
    if (best) {
      best.focus();
      if (best.scrollIntoView) { best.scrollIntoView(false); }
    } else if (dy) {
      var main = document.getElementById("main");  // a long text: the arrows scroll it
      if (main) { main.scrollTop += dy * main.clientHeight * 0.6; }
    }
  }
  var digits = "", digitTimer = null, digitBox = document.getElementById("digits");
  function tune() {
    clearTimeout(digitTimer);
    if (digits) { window.location.href = data("channel-url") + digits + "/"; }
    digits = "";
  }
  function typed(d) {
    digits += d;
    if (digitBox) {
      digitBox.hidden = false;
      digitBox.innerHTML = (digitBox.getAttribute("data-label") || "") + " " + digits;
    }
    clearTimeout(digitTimer);
    if (digits.length >= 3) { tune(); } else { digitTimer = setTimeout(tune, 1500); }
  }
  var BACK = {8: 1, 27: 1, 166: 1, 461: 1, 10009: 1};
  document.onkeydown = function (event) {
    event = event || window.event;
    var key = event.keyCode || event.which;
    var target = event.target || event.srcElement;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA");
    if (typing && key !== 38 && key !== 40) { return true; }
    if (alerts && alerts.getElementsByTagName("article").length) {
      // an alert has taken the TV over: the remote does nothing until it ends
      if (event.preventDefault) { event.preventDefault(); }
      return false;
    }
    var handled = true;
    if (key === 37) { move(-1, 0); }
    else if (key === 38) { move(0, -1); }
    else if (key === 39) { move(1, 0); }
    else if (key === 40) { move(0, 1); }
    else if (BACK[key]) { if (data("back")) { window.location.href = data("back"); } }
    else if (key >= 48 && key <= 57) { typed(String(key - 48)); }
    else if (key >= 96 && key <= 105) { typed(String(key - 96)); }
    else { handled = false; }
    if (handled && event.preventDefault) { event.preventDefault(); }
    return !handled;
  };
  focusFirst();
})();
