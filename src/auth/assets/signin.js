// The sign-in page's script: the ID-card through the Web eID browser extension's
// message interface (web-eid:authenticate, …-ack, …-success, …-failure), and the long
// poll that waits for the app's confirmation. The page works without it for the app
// (the "I have confirmed" button); the ID-card needs the extension, which needs script.
"use strict";

(function () {
  const body = document.body;
  const request = body.dataset.request;
  const csrf = body.dataset.csrf;
  if (!request) return;

  function say(id, text) {
    const el = document.getElementById(id);
    if (el) el.textContent = text;
  }

  async function post(path, payload) {
    const headers = { "X-CSRF-Token": csrf };
    if (payload !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch("/login/" + encodeURIComponent(request) + path, {
      method: "POST",
      headers,
      body: payload === undefined ? undefined : JSON.stringify(payload),
      credentials: "same-origin",
    });
    return response.json();
  }

  // Asks the extension for a token over `nonce`: resolves with the token's five
  // fields, rejects with the extension's error (or "no-extension" if none answers).
  function webEidAuthenticate(nonce) {
    return new Promise(function (resolve, reject) {
      let timer = setTimeout(function () { done(); reject({ code: "no-extension" }); }, 3000);
      function done() {
        clearTimeout(timer);
        window.removeEventListener("message", listen);
      }
      function listen(event) {
        if (event.source !== window || !event.data || typeof event.data.action !== "string") return;
        const m = event.data;
        if (m.action === "web-eid:authenticate-ack") {
          clearTimeout(timer);
          timer = setTimeout(function () { done(); reject({ code: "timeout" }); }, 240000);
        } else if (m.action === "web-eid:authenticate-success") {
          done();
          resolve({
            unverifiedCertificate: m.unverifiedCertificate,
            algorithm: m.algorithm,
            signature: m.signature,
            format: m.format,
            appVersion: m.appVersion,
          });
        } else if (m.action === "web-eid:authenticate-failure") {
          done();
          reject(m.error || { code: "failure" });
        }
      }
      window.addEventListener("message", listen);
      window.postMessage({
        action: "web-eid:authenticate",
        libraryVersion: "2.0.0",
        challengeNonce: nonce,
        lang: document.documentElement.lang,
      }, window.location.origin);
    });
  }

  const idcard = document.getElementById("idcard-button");
  if (idcard) {
    idcard.addEventListener("click", async function () {
      idcard.disabled = true;
      say("idcard-status", body.dataset.msgWaiting);
      try {
        const challenge = await post("/idcard/challenge");
        if (!challenge.nonce) throw { message: challenge.message };
        const token = await webEidAuthenticate(challenge.nonce);
        const answer = await post("/idcard", token);
        if (answer.redirect) {
          window.location.assign(answer.redirect);
          return;
        }
        say("idcard-status", answer.message || body.dataset.msgFailed);
      } catch (error) {
        say("idcard-status", error && error.code === "no-extension" ? body.dataset.msgNoext
                             : (error && error.message) || body.dataset.msgFailed);
      }
      idcard.disabled = false;
    });
  }

  // The app: wait for its answer, one long poll after another.
  const status = document.getElementById("app-status");
  function stop(message) {
    status.textContent = message;
    const again = document.createElement("a");
    again.href = "/login/" + encodeURIComponent(request);
    again.textContent = body.dataset.msgAgain;
    status.after(again);
  }
  async function poll() {
    let pause = 0;
    try {
      const response = await fetch("/login/" + encodeURIComponent(request) + "/app/wait", {
        headers: { "X-CSRF-Token": csrf },
        credentials: "same-origin",
      });
      // No longer this page's sign-in (it ended, or another tab took over): asking again
      // would not change that.
      if (response.status === 403) return stop(body.dataset.msgFailed);
      const progress = await response.json();
      if (progress.state === "done") {
        window.location.assign(progress.redirect);
        return;
      }
      if (progress.state === "refused") return stop(progress.message);
      // Still waiting: the next long poll at once. Anything else (the service busy or
      // starting): after a pause, never in a tight loop.
      if (progress.state !== "waiting") pause = 2000;
    } catch (error) {
      pause = 2000;
    }
    if (pause) await new Promise(function (r) { setTimeout(r, pause); });
    poll();
  }
  if (status && status.dataset.waiting) poll();
})();
