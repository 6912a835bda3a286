/* The service hall's pages (linli.appointments): the call screen says each new call
   through the browser's speech synthesis where it has one; the window console calls
   with the keyboard (N next, R again, F served, S did not come); the ticket page
   prints itself. ES5, no dependencies; no inline scripts (CSP). */
(function () {
  "use strict";

  // --- call screen: say each call once ------------------------------------------------
  var board = document.getElementById("board");
  var seen = {};
  var voice = false;
  function calls() { return board ? board.querySelectorAll("[data-call]") : []; }
  function say(text) {
    if (!voice || !window.speechSynthesis || !window.SpeechSynthesisUtterance) { return; }
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = "zh-CN";
    utterance.rate = 0.9;
    window.speechSynthesis.speak(utterance);
  }
  function announce() {
    var found = calls();
    var fresh = [];
    for (var i = 0; i < found.length; i++) {
      var key = found[i].getAttribute("data-call");
      if (!seen[key]) { seen[key] = true; fresh.push(found[i]); }
    }
    for (var j = fresh.length - 1; j >= 0; j--) {  // oldest first
      fresh[j].classList.add("call-new");
      say(fresh[j].getAttribute("data-say"));
    }
  }
  if (board) {
    var first = calls();
    for (var k = 0; k < first.length; k++) { seen[first[k].getAttribute("data-call")] = true; }
    document.body.addEventListener("htmx:afterSwap", function (e) {
      if (e.target === board) { announce(); }
    });
    var enable = document.querySelector("[data-action=enable-voice]");
    if (enable) {
      if (!window.speechSynthesis) { enable.parentNode.removeChild(enable); }
      enable.addEventListener("click", function () {  // browsers speak after a gesture
        voice = true;
        enable.parentNode.removeChild(enable);
      });
    }
  }

  // --- window console: keys -------------------------------------------------------------
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey) { return; }
    var tag = (e.target && e.target.tagName) || "";
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") { return; }
    var button = document.querySelector("[data-key='" + (e.key || "").toLowerCase() + "']");
    if (button) { e.preventDefault(); button.click(); }
  });

  // --- ticket: print --------------------------------------------------------------------
  var again = document.querySelector("[data-action=print]");
  if (again) { again.addEventListener("click", function () { window.print(); }); }
  if (document.querySelector("[data-print=auto]")) {
    window.addEventListener("load", function () { window.print(); });
  }
})();
