// A voter's steps through the citizen portal, as the election test takes them without a
// screen: signing in through the sign-in service with the app, reading the Vote page,
// encrypting on the voter's side (web/ballot/ballot.mjs, what the page runs), having the
// ballot signed in the app and waiting for it to be cast. The app is a parameter: the
// demo citizens' is `riik id approve` on their software eIDs, the crowd's is crowd.mjs.
import { ballotHash, encryptBallot } from "../../web/ballot/ballot.mjs";
import { AUTH, Browser, PORTAL, check } from "./lib.mjs";

const form = { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" } };
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const unescape = (s) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
  .replace(/&amp;/g, "&");

// Signs the holder of personal code `code` in to the portal; `approve(verificationCode)`
// is their app confirming with PIN1 once the browser shows the code.
export async function signIn(code, approve) {
  const browser = new Browser();
  const { url: login, response } = await browser.follow(`${PORTAL}/login`);
  check(login.startsWith(`${AUTH}/login/`), `the portal's sign-in led to ${login}`);
  const csrf = (await response.text()).match(/data-csrf="([^"]+)"/)?.[1];
  await browser.go(`${login}/app`, { ...form, body: new URLSearchParams({ personal_code: code, csrf }) });
  const shown = (await (await browser.go(login)).text()).match(/id="verification-code">(\d{4})</)?.[1];
  check(shown, `no verification code on ${code}'s sign-in page`);
  await approve(shown);
  const done = await browser.go(`${login}/app/continue`, { ...form, body: new URLSearchParams({ csrf }) });
  // The sign-in service sends the browser back to the portal's callback, which opens the
  // session and sends it on to the portal's front page (not fetched: the Vote page is next).
  let url = new URL(done.headers.get("location") ?? "", login).href;
  for (let i = 0; i < 10 && url !== `${PORTAL}/`; ++i) {
    const location = (await browser.go(url)).headers.get("location");
    check(location, `${code}'s sign-in stopped at ${url}`);
    url = new URL(location, url).href;
  }
  check(url === `${PORTAL}/`, `${code}'s sign-in ended at ${url}`);
  return browser;
}

// The Vote page: the election the page encrypts for, and the session's form token.
export async function votePage(browser) {
  const html = await (await browser.go(`${PORTAL}/vote`)).text();
  const data = html.match(/data-election="([^"]*)"/)?.[1];
  const csrf = html.match(/name="csrf" value="([^"]+)"/)?.[1];
  return { html, election: data ? JSON.parse(unescape(data)) : null, csrf };
}

// Chooses option `k` (mod the count) in every contest of the voter's district.
export function choose(election, k) {
  const choices = {};
  for (const c of election.manifest.contests.filter((c) => c.district === election.district)) {
    choices[c.id] = [c.options[k % c.options.length].id];
  }
  return choices;
}

// Encrypts option `k`, has `sign(shownCode)` (the app: the signing certificate, then
// PIN2; `shownCode()` is the verification code the page shows, once it does) sign it,
// waits until it is cast, refused or unconfirmed; the signing's last state, the page
// after, and what was cast. Null if the page says the person is not on the voter list.
export async function vote(browser, sign, k) {
  const { html, election, csrf } = await votePage(browser);
  if (html.includes("You are not on the voter list")) return null;
  check(election, `no ballot on the Vote page: ${html.match(/<main[\s\S]*<\/main>/)?.[0].replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ").slice(0, 300)}`);
  const choices = choose(election, k);
  const { ballot, randomness } = encryptBallot(election, choices);
  const sent = await browser.go(`${PORTAL}/vote`, { ...form, body: new URLSearchParams({ csrf, ballot }) });
  check(sent.status === 303, `the ballot was not taken to be signed (${sent.status})`);
  // The app may compare its verification code with the one the page shows.
  let shown = null;
  const app = sign(() => shown);
  // As the page asks (portal.js): after 300 ms, then every second.
  let state;
  await sleep(300);
  for (let i = 0; i < 600; ++i) {
    state = await (await browser.go(`${PORTAL}/vote/signing`, { method: "POST", headers: { "X-CSRF-Token": csrf } }))
      .json();
    shown = state.verification_code || shown;
    if (state.done) break;
    await sleep(1000);
  }
  await app;
  const after = (await votePage(browser)).html;
  return { state, after, election, choices, hash: ballotHash(ballot), randomness };
}

export const receiptOf = (html) => ({
  voteId: html.match(/id="vote-id">([0-9a-f]{32})</)?.[1],
  hash: html.match(/id="ballot-hash">([0-9a-f]{64})</)?.[1],
});
