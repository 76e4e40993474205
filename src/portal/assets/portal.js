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
// failed request is tried again the next second.
function poll(url, show, limit_ms, first_ms) {
  const started = Date.now();
  async function ask() {
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
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
    if (s.state === "submitted" || s.state === "none") {
      window.location.reload();
      return true;
    }
    return s.done;
  }, 600000, 300);
}

document.addEventListener("DOMContentLoaded", () => {
  localTimes();
  followPropagation();
  followSigning();
});
