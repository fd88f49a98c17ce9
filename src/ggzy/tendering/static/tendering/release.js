// Release a bid's data key in the browser (international suite: P-256 ECIES, WebCrypto).
// The private key file is read locally and never leaves the page; only the unwrapped
// 32-byte data key is posted, exactly as `ggzy bid release-key` does.
(function () {
  "use strict";
  var INFO = new TextEncoder().encode("ggzy/ecies-p256-hkdf-sha256-aes256gcm/v1");

  function b64(text) { return Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); }); }
  function unb64url(text) { return b64(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4)); }
  function hex(bytes) { return Array.from(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join(""); }
  function concat() {
    var parts = Array.from(arguments), size = parts.reduce(function (n, p) { return n + p.length; }, 0);
    var out = new Uint8Array(size), at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }
  function pemBody(pem) {
    var match = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(pem);
    if (!match) throw new Error("不是 PKCS#8 私钥文件 / not a PKCS#8 private key file");
    return b64(match[1].replace(/\s+/g, ""));
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  async function unwrap(privateKey, ownPoint, wrapped) {
    if (wrapped.length !== 114 || wrapped[0] !== 1) return null;
    var eph = wrapped.slice(1, 66), sealed = wrapped.slice(66);
    var ephKey = await crypto.subtle.importKey("raw", eph, { name: "ECDH", namedCurve: "P-256" }, false, []);
    var shared = await crypto.subtle.deriveBits({ name: "ECDH", public: ephKey }, privateKey, 256);
    var hkdf = await crypto.subtle.importKey("raw", shared, "HKDF", false, ["deriveBits"]);
    var kek = await crypto.subtle.deriveBits(
      { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: concat(INFO, eph, ownPoint) }, hkdf, 256);
    var aes = await crypto.subtle.importKey("raw", kek, "AES-GCM", false, ["decrypt"]);
    try {
      var key = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: new Uint8Array(12), additionalData: new Uint8Array([1]) }, aes, sealed);
      return new Uint8Array(key);
    } catch (e) { return null; }  // wrapped to another recipient
  }

  async function release(button) {
    var form = button.closest("[data-release-form]");
    var status = form.querySelector(".release-status");
    var file = form.querySelector("input[type=file]").files[0];
    if (!file) { status.textContent = "请选择加密证书私钥文件 / choose the encryption key file"; return; }
    status.textContent = "…";
    try {
      var der = pemBody(await file.text());
      var privateKey = await crypto.subtle.importKey("pkcs8", der, { name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
      var jwk = await crypto.subtle.exportKey("jwk", privateKey);
      var ownPoint = concat(new Uint8Array([4]), unb64url(jwk.x), unb64url(jwk.y));
      var envelope = await (await fetch(form.dataset.envelope, { credentials: "same-origin" })).json();
      var header = JSON.parse(new TextDecoder().decode(b64(envelope.header)));
      var dataKey = null;
      for (var r of header.recipients) {
        dataKey = await unwrap(privateKey, ownPoint, b64(r.wrapped_key));
        if (dataKey) break;
      }
      if (!dataKey) throw new Error("该私钥不是本投标文件的收件人 / this key is not a recipient of the bid");
      var response = await fetch(form.dataset.releaseUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ data_key: hex(dataKey) }),
      });
      var body = await response.json();
      status.textContent = response.ok ? "已解密 / decrypted" : body.message_zh + " / " + body.message_en;
      if (response.ok) document.dispatchEvent(new Event("hall:changed"));
    } catch (e) {
      status.textContent = String(e.message || e);
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-release-form] button");
    if (button) { event.preventDefault(); release(button); }
  });
})();
