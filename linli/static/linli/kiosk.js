/* The elder's home kiosk or TV (care/kiosk.html): the remote's arrows move between the
   page's [data-nav] targets, in page order; OK (Enter) presses the focused one. ES5. */
(function () {
  "use strict";
  var targets = document.querySelectorAll("[data-nav]");
  function index() {
    for (var i = 0; i < targets.length; i++) { if (targets[i] === document.activeElement) { return i; } }
    return -1;
  }
  document.onkeydown = function (event) {
    event = event || window.event;
    var key = event.keyCode || event.which;
    var step = { 37: -1, 38: -1, 39: 1, 40: 1 }[key];
    if (!step || !targets.length) { return true; }
    var i = index() + step;
    if (i < 0) { i = 0; }
    if (i >= targets.length) { i = targets.length - 1; }
    targets[i].focus();
    if (event.preventDefault) { event.preventDefault(); }
    return false;
  };
  if (targets.length && index() < 0) { targets[0].focus(); }
})();
