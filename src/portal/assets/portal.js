// The citizen portal's only script (served from /static: the pages' Content-Security-
// Policy allows no other). Every page works without it; with it, times show in the
// reader's own time zone and the list of who knows a new address updates by itself.
"use strict";

function localTimes() {
  const lang = document.documentElement.lang || "en";
  for (const el of document.querySelectorAll("time[datetime]")) {
    const when = new Date(el.getAttribute("datetime"));
    if (Number.isNaN(when.getTime())) continue;
    const locale = lang === "et" ? "et-EE" : "en-GB";
    el.textContent = el.hasAttribute("data-date") ? when.toLocaleString(locale) : when.toLocaleTimeString(locale);
  }
}

// Asks `url` for JSON every second until `show` says it is done or `limit_ms` is up; a
// failed request is tried again the next second. With `csrf`, a POST carrying the
// session's form token (the request may change something).
function poll(url, show, limit_ms, first_ms, csrf) {
  const started = Date.now();
  const init = csrf
    ? { method: "POST", headers: { "X-CSRF-Token": csrf }, credentials: "same-origin", cache: "no-store" }
    : { credentials: "same-origin", cache: "no-store" };
  async function ask() {
    try {
      const response = await fetch(url, init);
      if (response.ok && show(await response.json())) return;
    } catch (e) {
      // The next second tries again.
    }
    if (Date.now() - started < limit_ms) setTimeout(ask, 1000);
  }
  setTimeout(ask, first_ms);
}

// The list of who knows a new address, for at most a minute, until everyone does.
function followPropagation() {
  const list = document.querySelector("ul[data-poll]");
  if (!list) return;
  poll(list.dataset.poll, (status) => {
    for (const s of status.subscribers) {
      const item = list.querySelector(`li[data-registry="${s.registry}"]`);
      if (!item || item.dataset.state === s.state) continue;
      item.dataset.state = s.state;
      item.querySelector(".state").textContent = s.text;
    }
    return status.done;
  }, 60000, 500);
}

// While a return is being signed in the app: the verification code once there is one,
// the state in words, and the page again once it is submitted.
function followSigning() {
  const section = document.querySelector("section[data-poll]");
  if (!section) return;
  const code = section.querySelector("#verification-code");
  const state = section.querySelector("#signing-state");
  poll(section.dataset.poll, (s) => {
    if (s.verification_code) code.textContent = s.verification_code;
    if (state.textContent !== s.text) state.textContent = s.text;
    // Ended (the server's `done`): the page again, with the receipt, or with why not
    // above a fresh form.
    if (s.done || s.state === "none") {
      window.location.reload();
      return true;
    }
    return s.done;
  }, 600000, 300, section.dataset.csrf);
}

// --- Who used my data: each record's proof checked here, in the browser ---

// Canonical JSON as riik writes it (docs/formats/signed_log.md): keys sorted, no spaces,
// integers only, UTF-8 as it is.
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const utf8 = new TextEncoder();
function hexBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}
function toHex(bytes) {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
async function sha256(...parts) {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest("SHA-256", all));
}

// RFC 9162 §2.1.3.2: the audit path of leaf `index` in a tree of `size` leaves leads
// from the leaf's hash to `root`.
async function included(leaf, index, size, proof, rootHex) {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = await sha256(new Uint8Array([0]), utf8.encode(leaf));
  for (const hex of proof) {
    const p = hexBytes(hex);
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(new Uint8Array([1]), p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await sha256(new Uint8Array([1]), r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && toHex(r) === rootHex;
}

// The DER element at `at`: [start of contents, end].
function derElement(der, at) {
  let length = der[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + der[at + 2 + i];
    start += n;
  }
  return [start, start + length];
}
// A certificate's SubjectPublicKeyInfo: the seventh element of tbsCertificate (the
// sixth when it has no version).
function publicKeyInfo(pem) {
  const der = Uint8Array.from(atob(pem.replace(/-----[^-]+-----|\s/g, "")), (c) => c.charCodeAt(0));
  const [tbsStart] = derElement(der, derElement(der, 0)[0]);
  let at = tbsStart;
  if (der[at] === 0xa0) at = derElement(der, at)[1];
  for (let i = 0; i < 5; i++) at = derElement(der, at)[1];  // serial, signature, issuer, validity, subject
  return der.slice(at, derElement(der, at)[1]);
}
// An ECDSA signature from DER (SEQUENCE of r, s) to the 64 bytes WebCrypto wants.
function rawSignature(der) {
  const out = new Uint8Array(64);
  let at = derElement(der, 0)[0];
  for (let i = 0; i < 2; i++) {
    const [start, end] = derElement(der, at);
    let value = der.slice(start, end);
    while (value.length > 32 && value[0] === 0) value = value.slice(1);
    out.set(value, 32 * (i + 1) - value.length);
    at = end;
  }
  return out;
}
// The head's signature by its signer (the certificate's key, ECDSA P-256 over SHA-256 of
// the head's canonical JSON without the signature).
async function signedHead(head, certificatePem) {
  const key = await crypto.subtle.importKey("spki", publicKeyInfo(certificatePem),
    { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
  const { signature, ...unsigned } = head;
  const sig = rawSignature(Uint8Array.from(atob(signature), (c) => c.charCodeAt(0)));
  return crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, sig, utf8.encode(canonical(unsigned)));
}

async function checkListing(registry, cells, texts) {
  const response = await fetch(`/tracker/${registry}.json`, { credentials: "same-origin", cache: "no-store" });
  if (!response.ok) throw new Error(`the listing answered ${response.status}`);
  const listing = await response.json();
  const heads = new Map();
  for (const entry of listing.entries) {
    const cell = cells.get(`${registry}/${entry.leaf_index}`);
    if (!cell) continue;
    const headKey = `${entry.head.tree_size}/${entry.head.root}`;
    if (!heads.has(headKey)) heads.set(headKey, signedHead(entry.head, entry.certificates[0]));
    const ok = (await heads.get(headKey)) &&
      (await included(canonical(entry.record), entry.leaf_index, entry.head.tree_size, entry.inclusion_proof,
        entry.head.root));
    cell.textContent = ok ? texts.ok : texts.bad;
    cell.dataset.verified = ok ? "yes" : "no";
  }
}

async function checkProofs() {
  const sources = document.querySelector("#sources");
  const cells = new Map();
  for (const cell of document.querySelectorAll("td.proof")) cells.set(`${cell.dataset.registry}/${cell.dataset.leaf}`, cell);
  if (!sources || cells.size === 0) return;
  const texts = { ok: sources.dataset.ok, bad: sources.dataset.bad };
  const registries = new Set([...cells.values()].map((c) => c.dataset.registry));
  for (const registry of registries) {
    try {
      await checkListing(registry, cells, texts);
    } catch (e) {
      for (const [key, cell] of cells) {
        if (key.startsWith(`${registry}/`) && !cell.dataset.verified) {
          cell.textContent = texts.bad;
          cell.dataset.verified = "no";
        }
      }
    }
  }
  // A record the listing did not carry has no proof.
  for (const cell of cells.values()) {
    if (!cell.dataset.verified) {
      cell.textContent = texts.bad;
      cell.dataset.verified = "no";
    }
  }
}

// The timeline: each access a point in its registry's lane (uPlot, bundled).
function drawTimeline() {
  const box = document.querySelector("#timeline");
  if (!box || typeof uPlot === "undefined") return;
  const rows = [...document.querySelectorAll("#accesses tbody tr")];
  const lanes = [...new Set(rows.map((r) => r.cells[1].textContent))];
  const points = rows.map((r) => [Number(r.dataset.timeUs) / 1e6, lanes.indexOf(r.cells[1].textContent) + 1])
    .sort((a, b) => a[0] - b[0]);
  const xs = points.map((p) => p[0]);
  const colours = ["#0b4dad", "#a4000f", "#0a6b2d", "#7a3ea8", "#8a5a00"];
  const series = lanes.map((name, i) => ({
    label: name,
    stroke: colours[i % colours.length],
    width: 0,
    points: { show: true, size: 9, fill: colours[i % colours.length] },
  }));
  const data = [xs, ...lanes.map((_, i) => points.map((p) => (p[1] === i + 1 ? p[1] : null)))];
  const width = Math.max(320, box.clientWidth || 640);
  // eslint-disable-next-line no-new, new-cap
  new uPlot({
    width,
    height: 220,
    series: [{}, ...series],
    scales: { y: { range: [0.5, lanes.length + 0.5] } },
    axes: [{}, { splits: () => lanes.map((_, i) => i + 1), values: (u, splits) => splits.map((s) => lanes[s - 1]),
      size: 160 }],
    cursor: { show: false },
  }, data, box);
}

// --- Vote: the ballot encrypted here (ballot.js), never the choices sent ---

// A link that downloads `text` as a file.
function offerDownload(link, text) {
  link.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  link.parentElement.hidden = false;
}

function vote() {
  const section = document.getElementById("ballot");
  if (section && window.riikBallot) {
    const election = JSON.parse(section.dataset.election);
    const error = document.getElementById("ballot-error");
    // The choices, contest by contest: the inputs belong to no form, so they are never sent.
    const choices = () => {
      const out = {};
      for (const fieldset of section.querySelectorAll("fieldset[data-contest]")) {
        out[fieldset.dataset.contest] = Array.from(fieldset.querySelectorAll("input:checked"), (i) => i.value);
      }
      return out;
    };
    const encrypt = () => {
      error.hidden = true;
      try {
        return window.riikBallot.encryptBallot(election, choices());
      } catch (e) {
        error.textContent = e.message;
        error.hidden = false;
        return null;
      }
    };
    // Benaloh's order: the ballot is encrypted and its fingerprint shown first; only then
    // does the voter say whether to cast it or open it, so that the device cannot know
    // which encryptions will be checked. An opened ballot is never cast.
    let made = null;
    const encrypted = document.getElementById("encrypted");
    // A choice changed after encrypting voids that encryption: what is cast is always what is shown.
    for (const input of section.querySelectorAll("fieldset[data-contest] input")) {
      input.addEventListener("change", () => {
        made = null;
        encrypted.hidden = true;
      });
    }
    document.getElementById("encrypt").addEventListener("click", () => {
      made = encrypt();
      encrypted.hidden = !made;
      if (made) document.getElementById("encrypted-hash").textContent = window.riikBallot.ballotHash(made.ballot);
    });
    document.getElementById("cast").addEventListener("click", () => {
      if (!made) return;
      // The randomness stays in this tab for the receipt's check; the ballot goes to be signed.
      sessionStorage.setItem(`riik-vote:${window.riikBallot.ballotHash(made.ballot)}`, made.randomness);
      document.getElementById("ballot-json").value = made.ballot;
      document.getElementById("cast-form").submit();
    });
    document.getElementById("spoil").addEventListener("click", () => {
      if (!made) return;
      const spoiled = JSON.stringify({ ballot: made.ballot, randomness: JSON.parse(made.randomness),
        district: election.district });
      document.getElementById("spoiled-hash").textContent = window.riikBallot.ballotHash(made.ballot);
      offerDownload(document.getElementById("spoiled-download"), spoiled);
      document.getElementById("spoiled").hidden = false;
      made = null;
      encrypted.hidden = true;
    });
  }
  const receipt = document.getElementById("receipt");
  if (receipt) {
    const randomness = sessionStorage.getItem(`riik-vote:${receipt.dataset.ballotHash}`);
    if (randomness) offerDownload(document.getElementById("randomness-download"), randomness);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  localTimes();
  followPropagation();
  followSigning();
  drawTimeline();
  checkProofs();
  vote();
});
