// The bidding hall: the WebSocket sends the live state and each new bid; bids go out on the
// same socket and are answered only after they are committed. The countdown runs on the
// server's time (the offset from each message), never the browser's own clock. Without a
// socket the page still works: the form posts and the page reloads.
(function () {
  "use strict";
  var hall = document.getElementById("auction-hall");
  var initial = document.getElementById("hall-state");
  if (!hall || !initial) return;
  var labels = hall.dataset;
  var you = hall.dataset.you || null;
  var weight = Number(hall.dataset.weight || "1") || 1;  // weighted bidding (权重报价)
  var offset = 0, deadline = null, lastSeq = 0, state = null, socket = null;
  var money = new Intl.NumberFormat("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  function yuan(fen) { return fen === null || fen === undefined ? "—" : "¥" + money.format(fen / 100); }
  function plain(fen) { return (fen / 100).toFixed(2); }
  function $(id) { return document.getElementById(id); }
  function setText(id, text) { var node = $(id); if (node) node.textContent = text; }

  function show(next, now) {
    if (state && next.seq < state.seq) return;  // an older commit arriving late
    state = next;
    offset = Date.parse(now) - Date.now();
    deadline = next.deadline ? Date.parse(next.deadline) : null;
    setText("price", yuan(next.price));
    setText("next", yuan(next.minimum_next));
    setText("leader", next.leader || "—");
    setText("phase", labels["phase" + next.phase.charAt(0).toUpperCase() + next.phase.slice(1)] || next.phase);
    if (you) setText("standing", next.leader === you ? labels.leading : labels.behind);
    var input = $("bid-amount");
    if (input && document.activeElement !== input && next.minimum_next) {
      var own = next.minimum_next / weight;  // the amount that reaches the least weighted score
      input.value = plain(next.direction === "reverse" ? Math.floor(own) : Math.ceil(own));
    }
    if (next.phase === "closed") {
      var form = $("bid-form");
      if (form) form.hidden = true;
    }
    tick();
  }

  function addBids(bids) {
    var body = document.querySelector("#bids tbody");
    bids.forEach(function (bid) {
      if (bid.seq <= lastSeq) return;
      lastSeq = bid.seq;
      var row = document.createElement("tr");
      row.dataset.seq = bid.seq;
      [String(bid.seq), bid.bidder_no, yuan(bid.amount), bid.at.slice(11, 23)].forEach(function (text, i) {
        var cell = document.createElement("td");
        cell.textContent = text;
        if (i === 1 || i === 3) cell.className = "mono";
        row.appendChild(cell);
      });
      body.insertBefore(row, body.firstChild);
    });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var out = $("countdown");
    if (!out) return;
    if (deadline === null || !state || state.phase === "closed") { out.textContent = state && state.phase === "closed" ? labels.done : "—"; return; }
    var left = Math.max(0, Math.ceil((deadline - (Date.now() + offset)) / 1000));
    var d = Math.floor(left / 86400), h = Math.floor((left % 86400) / 3600), m = Math.floor((left % 3600) / 60);
    out.textContent = (d ? d + "d " : "") + pad(h) + ":" + pad(m) + ":" + pad(left % 60);
    out.dataset.seconds = left;
  }

  function newKey() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function answer(message) {
    var out = $("bid-result"), key = $("bid-key");
    if (!out || !key || message.key !== key.value) return;
    if (message.type === "ack") {
      out.textContent = labels.accepted + " " + message.seq;
      out.className = "ok";
      key.value = newKey();
    } else {
      out.textContent = labels.rejected + message.message_zh + " / " + message.message_en;
      out.className = "error";
      // a bid not taken (rate limit, server busy) keeps its key, so a retry counts once
      if (message.code !== "rate_limited" && message.code !== "unavailable") key.value = newKey();
    }
  }

  function receive(event) {
    var message = JSON.parse(event.data);
    if (message.type === "state") {
      lastSeq = 0;
      document.querySelector("#bids tbody").innerHTML = "";
      addBids(message.bids);
      show(message.state, message.now);
    } else if (message.type === "update") {
      if (message.bids.length && message.bids[0].seq > lastSeq + 1) {
        if (!message.partial) {
          socket.send(JSON.stringify({ type: "sync" }));  // missed something: ask for it all
          return;
        }
        // a busy hall sends only the newest bids: show those, without a hole in the list
        document.querySelector("#bids tbody").innerHTML = "";
        lastSeq = message.bids[0].seq - 1;
      }
      addBids(message.bids);
      show(message.state, message.now);
    } else if (message.type === "ack" || message.type === "rejected") {
      answer(message);
    } else if (message.type === "error") {
      answer(Object.assign({ key: ($("bid-key") || {}).value }, message));
    }
  }

  function connect(delay) {
    if (!("WebSocket" in window)) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + hall.dataset.ws);
    var live = $("hall-live");
    socket.onopen = function () { delay = 1000; if (live) live.hidden = false; };
    socket.onmessage = receive;
    socket.onclose = function (event) {
      socket = null;
      if (live) live.hidden = true;
      if (event.code === 4404) return;
      setTimeout(function () { connect(Math.min(delay * 2, 30000)); }, delay);
    };
  }

  var form = $("bid-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      if (!socket || socket.readyState !== WebSocket.OPEN) return;  // the form posts instead
      event.preventDefault();
      socket.send(JSON.stringify({ type: "bid", amount: $("bid-amount").value.trim(), key: $("bid-key").value }));
    });
  }

  var first = JSON.parse(initial.textContent);
  document.querySelectorAll("#bids td.amount").forEach(function (cell) { cell.textContent = yuan(Number(cell.dataset.fen)); });
  lastSeq = first.bids.length ? first.bids[first.bids.length - 1].seq : 0;
  show(first.state, first.now);
  setInterval(tick, 200);
  connect(1000);
})();
