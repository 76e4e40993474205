// The citizen portal's only script (served from /static: the pages' Content-Security-
// Policy allows no other). Every page works without it; with it, times show in the
// reader's own time zone and the list of who knows a new address updates by itself.
"use strict";

function localTimes() {
  const lang = document.documentElement.lang || "en";
  for (const el of document.querySelectorAll("time[datetime]")) {
    const when = new Date(el.getAttribute("datetime"));
    if (!Number.isNaN(when.getTime())) el.textContent = when.toLocaleTimeString(lang === "et" ? "et-EE" : "en-GB");
  }
}

// Asks the portal every second, for at most a minute, until every subscriber knows.
function followPropagation() {
  const list = document.querySelector("ul[data-poll]");
  if (!list) return;
  const started = Date.now();
  async function poll() {
    try {
      const response = await fetch(list.dataset.poll, { credentials: "same-origin", cache: "no-store" });
      if (response.ok) {
        const status = await response.json();
        for (const s of status.subscribers) {
          const item = list.querySelector(`li[data-registry="${s.registry}"]`);
          if (!item || item.dataset.state === s.state) continue;
          item.dataset.state = s.state;
          item.querySelector(".state").textContent = s.text;
        }
        if (status.done) return;
      }
    } catch (e) {
      // The next poll tries again.
    }
    if (Date.now() - started < 60000) setTimeout(poll, 1000);
  }
  setTimeout(poll, 500);
}

document.addEventListener("DOMContentLoaded", () => {
  localTimes();
  followPropagation();
});
