// The live opening hall: a WebSocket tells us the hall changed; we re-fetch the fragment.
// Countdowns use the server's time from the state, never the browser's own clock.
(function () {
  "use strict";
  var hall = document.getElementById("hall");
  if (!hall) return;
  var offset = 0, target = null;

  function read() {
    var node = document.getElementById("hall-state");
    if (!node) return;
    var state = JSON.parse(node.dataset.state);
    offset = Date.parse(state.now) - Date.now();
    target = null;
    if (state.window_ends_at && state.status === "opening") target = Date.parse(state.window_ends_at);
    else if (!state.window_ends_at && state.deadline) target = Date.parse(state.deadline);
    tick();
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var out = document.getElementById("countdown");
    if (!out) return;
    if (target === null) { out.textContent = ""; return; }
    var left = Math.floor((target - (Date.now() + offset)) / 1000);
    if (left <= 0) { out.textContent = out.dataset.labelDone; return; }
    var d = Math.floor(left / 86400), h = Math.floor((left % 86400) / 3600);
    var m = Math.floor((left % 3600) / 60), s = left % 60;
    out.textContent = (d ? d + "d " : "") + pad(h) + ":" + pad(m) + ":" + pad(s);
  }
  async function refresh() {
    var response = await fetch(hall.dataset.fragment, { credentials: "same-origin" });
    if (response.ok) {
      hall.innerHTML = await response.text();
      read();
    }
  }
  function connect(delay) {
    if (!("WebSocket" in window)) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + hall.dataset.ws);
    var live = document.getElementById("hall-live");
    socket.onopen = function () { delay = 1000; if (live) live.hidden = false; };
    socket.onmessage = function () { refresh(); };
    socket.onclose = function (event) {
      if (live) live.hidden = true;
      if (event.code === 4403) return;
      setTimeout(function () { connect(Math.min(delay * 2, 30000)); }, delay);
    };
  }
  document.addEventListener("hall:changed", refresh);
  read();
  setInterval(tick, 1000);
  connect(1000);
})();
