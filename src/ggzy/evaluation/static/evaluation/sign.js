// Sign the evaluation report in the browser (international suite: ECDSA P-256 / SHA-256,
// WebCrypto). The private key file is read locally and never leaves the page; only the
// DER-encoded signature is put in the form and posted, as `ggzy` clients do.
(function () {
  "use strict";

  function b64(text) { return Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); }); }
  function unb64(bytes) { return btoa(String.fromCharCode.apply(null, Array.from(bytes))); }
  function pemBody(pem) {
    var match = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(pem);
    if (!match) throw new Error("不是 PKCS#8 私钥文件 / not a PKCS#8 private key file");
    return b64(match[1].replace(/\s+/g, ""));
  }
  // WebCrypto gives r || s (32 bytes each); the platform verifies DER (SEQUENCE of INTEGERs).
  function derInteger(bytes) {
    var i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    var v = Array.from(bytes.slice(i));
    if (v[0] & 0x80) v.unshift(0);
    return [0x02, v.length].concat(v);
  }
  function der(raw) {
    var body = derInteger(raw.slice(0, 32)).concat(derInteger(raw.slice(32)));
    return new Uint8Array([0x30, body.length].concat(body));
  }

  async function sign(button) {
    var form = button.closest("form");
    var status = form.querySelector(".sign-status");
    var file = form.querySelector("#sign-key").files[0];
    if (!file) { status.textContent = "请选择签名证书私钥文件 / choose the signing key file"; return; }
    status.textContent = "…";
    try {
      var key = await crypto.subtle.importKey(
        "pkcs8", pemBody(await file.text()), { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
      var raw = await crypto.subtle.sign(
        { name: "ECDSA", hash: "SHA-256" }, key, b64(form.dataset.statement));
      form.querySelector("textarea[name=signature]").value = unb64(der(new Uint8Array(raw)));
      status.textContent = "已签名 / signed";
      form.submit();
    } catch (e) {
      status.textContent = String(e.message || e);
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("#sign-in-browser");
    if (button) { event.preventDefault(); sign(button); }
  });
})();
