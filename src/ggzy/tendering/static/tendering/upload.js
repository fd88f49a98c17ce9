// Chunked upload of an already-sealed bid through the JSON API (docs/crypto.md §3).
// The tail of the file: u32 header length, u32 signature length (big-endian), "GGZYSEAL".
(function () {
  "use strict";
  var box = document.getElementById("uploader");
  if (!box) return;
  var api = box.dataset.api, lot = box.dataset.lot, chunkMax = parseInt(box.dataset.chunk, 10);
  var text = JSON.parse(document.getElementById("upload-messages").textContent);
  var csrf = box.querySelector("input[name=csrfmiddlewaretoken]").value;
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  var errors = document.getElementById("upload-error");

  function b64(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i += 0x8000) {
      s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(s);
  }
  function fail(message) {
    errors.innerHTML = "";
    var li = document.createElement("li");
    li.className = "error";
    li.textContent = message;
    var ul = document.createElement("ul");
    ul.className = "messages";
    ul.appendChild(li);
    errors.appendChild(ul);
    status.textContent = "";
  }
  async function call(method, url, body, type) {
    var headers = { "X-CSRFToken": csrf };
    if (type) headers["Content-Type"] = type;
    var response = await fetch(url, { method: method, headers: headers, body: body, credentials: "same-origin" });
    var data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) {
      var message = data && (data.message_zh || data.detail)
        ? (data.message_zh || "") + (data.message_en ? " / " + data.message_en : "")
        : "HTTP " + response.status;
      var error = new Error(typeof message === "string" ? message : JSON.stringify(message));
      error.data = data;
      error.status = response.status;
      throw error;
    }
    return data;
  }
  async function tail(file) {
    if (file.size < 25) throw new Error(text.bad);
    var foot = new DataView(await file.slice(file.size - 16).arrayBuffer());
    var magic = "";
    for (var i = 8; i < 16; i++) magic += String.fromCharCode(foot.getUint8(i));
    if (magic !== "GGZYSEAL") throw new Error(text.bad);
    var h = foot.getUint32(0, false), s = foot.getUint32(4, false);
    var end = file.size - 16;
    if (h + s + 25 > file.size) throw new Error(text.bad);
    var header = new Uint8Array(await file.slice(end - s - h, end - s).arrayBuffer());
    var signature = new Uint8Array(await file.slice(end - s, end).arrayBuffer());
    return { header: b64(header), signature: b64(signature) };
  }
  function show(receipt) {
    document.getElementById("receipt-bid").textContent = receipt.bid_id;
    document.getElementById("receipt-seq").textContent = receipt.ledger_seq;
    document.getElementById("receipt-hash").textContent = receipt.ledger_hash;
    document.getElementById("receipt-at").textContent = receipt.at;
    document.getElementById("receipt-digest").textContent = receipt.ciphertext_digest;
    document.getElementById("receipt-link").href = "/tendering/bids/" + receipt.bid_id + "/receipt/";
    document.getElementById("receipt").hidden = false;
  }
  async function upload() {
    errors.innerHTML = "";
    var file = document.getElementById("sealed-file").files[0];
    if (!file) { fail(text.pick); return; }
    var button = document.getElementById("upload-button");
    button.disabled = true;
    try {
      status.textContent = text.reading;
      var sealed = await tail(file);
      var started = await call("POST", api + "/lots/" + lot + "/uploads",
        JSON.stringify({ size: file.size, header: sealed.header, signature: sealed.signature }),
        "application/json");
      var chunk = Math.min(started.chunk_max || chunkMax, chunkMax, 1024 * 1024);
      var offset = started.received || 0;
      while (offset < file.size) {
        var piece = file.slice(offset, Math.min(offset + chunk, file.size));
        var state;
        try {
          state = await call("PUT", api + "/uploads/" + started.token + "?offset=" + offset,
            piece, "application/octet-stream");
        } catch (e) {
          if (e.status === 409 && e.data && typeof e.data.received === "number") {
            offset = e.data.received;  // resume where the platform is
            continue;
          }
          throw e;
        }
        offset = state.received;
        bar.value = Math.floor((offset * 100) / file.size);
        status.textContent = text.sending + " " + bar.value + "%";
      }
      status.textContent = text.verifying;
      var receipt = await call("POST", api + "/uploads/" + started.token + "/complete", null, null);
      bar.value = 100;
      status.textContent = text.done;
      show(receipt);
    } catch (e) {
      fail(e.message);
    } finally {
      button.disabled = false;
    }
  }
  document.getElementById("upload-button").addEventListener("click", upload);
})();
