// An election end to end against `riik up` (its demo election, polls open for a minute
// or so): the demo citizens sign in to the portal with the app (PIN1), encrypt their
// ballots on their side (web/ballot/ballot.mjs, what the Vote page runs), sign them in
// the app (PIN2) and cast them through the exchange. One votes twice (the last i-vote
// counts), one challenges a ballot first (Benaloh: opened and audited, never cast) and
// checks her cast one with the verification app, one votes on paper (the operator cancels the i-votes, a later i-vote is refused). Then the
// operator closes the board and exports the record, three of the five trustees decrypt,
// the tally is combined, and `riik vote verify` proves the result; a doctored record is
// refused with the reason.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { ballotHash, encryptBallot } from "../../web/ballot/ballot.mjs";
import { AUTH, Browser, DIR, JAAK, MARI, PORTAL, TONU, VOTE, approve, approveSignature, check, fail, pass, riik }
  from "./lib.mjs";

const ROOT = `${DIR}/trust/root.pem`;
const form = { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" } };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const unescape = (s) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
  .replace(/&amp;/g, "&");
const codeOf = (token) => token.split("/").pop();

// Signs `token`'s holder in to the portal through the sign-in service, with the app.
async function signIn(token) {
  const browser = new Browser();
  const { url: login, response } = await browser.follow(`${PORTAL}/login`);
  check(login.startsWith(`${AUTH}/login/`), `the portal's sign-in led to ${login}`);
  const csrf = (await response.text()).match(/data-csrf="([^"]+)"/)?.[1];
  await browser.go(`${login}/app`, { ...form, body: new URLSearchParams({ personal_code: codeOf(token), csrf }) });
  const code = (await (await browser.go(login)).text()).match(/id="verification-code">(\d{4})</)?.[1];
  check(code, "no verification code on the sign-in page");
  await approve(token, code);
  const done = await browser.go(`${login}/app/continue`, { ...form, body: new URLSearchParams({ csrf }) });
  const { url } = await browser.follow(done.headers.get("location"));
  check(url === `${PORTAL}/`, `the sign-in ended at ${url}`);
  return browser;
}

// The Vote page: the election the page encrypts for, and the session's form token.
async function votePage(browser) {
  const html = await (await browser.go(`${PORTAL}/vote`)).text();
  const data = html.match(/data-election="([^"]*)"/)?.[1];
  const csrf = html.match(/name="csrf" value="([^"]+)"/)?.[1];
  return { html, election: data ? JSON.parse(unescape(data)) : null, csrf };
}

// Chooses option `k` (mod the count) in every contest of the voter's district.
function choose(election, k) {
  const choices = {};
  for (const c of election.manifest.contests.filter((c) => c.district === election.district)) {
    choices[c.id] = [c.options[k % c.options.length].id];
  }
  return choices;
}

// Encrypts, signs in the app with PIN2, casts; the page after, and what was cast.
async function vote(browser, token, k) {
  const { election, csrf } = await votePage(browser);
  check(election, `no ballot on ${codeOf(token)}'s Vote page`);
  const choices = choose(election, k);
  const { ballot, randomness } = encryptBallot(election, choices);
  const sent = await browser.go(`${PORTAL}/vote`, { ...form, body: new URLSearchParams({ csrf, ballot }) });
  check(sent.status === 303, `the ballot was not taken to be signed (${sent.status})`);
  const app = approveSignature(token);
  let state;
  for (let i = 0; i < 600; ++i) {
    state = await (await browser.go(`${PORTAL}/vote/signing`, { method: "POST", headers: { "X-CSRF-Token": csrf } }))
      .json();
    if (state.done) break;
    await sleep(100);
  }
  await app;
  const after = (await votePage(browser)).html;
  return { state, after, election, choices, hash: ballotHash(ballot), randomness };
}

const receiptOf = (html) => ({
  voteId: html.match(/id="vote-id">([0-9a-f]{32})</)?.[1],
  hash: html.match(/id="ballot-hash">([0-9a-f]{64})</)?.[1],
});

// --- Casting ---
const jaak = await signIn(JAAK);
const first = await vote(jaak, JAAK, 0);
check(first.state.state === "cast", `Jaak's ballot: ${JSON.stringify(first.state)}`);
const again = await vote(jaak, JAAK, 1);
check(again.state.state === "cast" && receiptOf(again.after).hash === again.hash,
  `Jaak's second ballot is not the receipt's: ${JSON.stringify(again.state)}`);
pass("Jaak-Kristjan voted twice through the portal (encrypted on his side, PIN2 in the app); the receipt is the last ballot's");

// Benaloh: Mari-Liis encrypts, opens instead of casting, audits; then votes.
const mari = await signIn(MARI);
const { election: maris_election } = await votePage(mari);
check(maris_election, "no ballot on Mari-Liis's Vote page");
const challenged = encryptBallot(maris_election, choose(maris_election, 1));
writeFileSync(`${DIR}/spoiled-ballot.json`, JSON.stringify({ ballot: challenged.ballot,
  randomness: JSON.parse(challenged.randomness), district: maris_election.district }));
const audit = await riik(["vote", "audit", `${DIR}/spoiled-ballot.json`, "--url", VOTE, "--ca", ROOT]);
check(audit.includes("is a valid ballot"), `the challenged ballot does not audit: ${audit}`);
pass("Mari-Liis challenged a ballot: opened and audited on the command line, never cast");
const maris = await vote(mari, MARI, 2);
const receipt = receiptOf(maris.after);
check(maris.state.state === "cast" && receipt.hash === maris.hash, `Mari-Liis's ballot: ${JSON.stringify(maris.state)}`);
writeFileSync(`${DIR}/mari-randomness.json`, maris.randomness, { mode: 0o600 });
const checked = await riik(["vote", "check", "--url", VOTE, "--ca", ROOT, "--vote-id", receipt.voteId,
  "--randomness", `${DIR}/mari-randomness.json`]);
const maris_contest = maris.election.manifest.contests.find((c) => c.district === maris.election.district);
const maris_name = maris_contest.options.find((o) => o.id === maris.choices[maris_contest.id][0]).name;
check(checked.includes(maris_name), `the verification app does not show ${maris_name}: ${checked}`);
pass(`then voted; her ballot, fetched with her receipt and opened with her randomness, holds ${maris_name}`);

// Tõnu votes, then on paper: the operator cancels his i-votes; a later i-vote is refused.
const tonu = await signIn(TONU);
check((await vote(tonu, TONU, 0)).state.state === "cast", "Tõnu's i-vote was not cast");
await riik(["vote", "paper", "--dir", DIR, "--code", codeOf(TONU)]);
const late = await vote(tonu, TONU, 1);
check(late.state.state === "refused" && late.after.includes("voted on paper"),
  `Tõnu's i-vote after his paper vote: ${JSON.stringify(late.state)}`);
pass("Tõnu's paper vote cancelled his i-vote; his next i-vote was refused, saying why");

// --- The polls close; the operator closes the board; the trustees count ---
const closes = Date.parse(first.election.manifest.closes);
if (Date.now() < closes + 1000) await sleep(closes + 1000 - Date.now());
await riik(["vote", "close", "--dir", DIR]);
const record = `${DIR}/record`;
await riik(["vote", "export", "--dir", DIR, "--out", record]);
const parts = [];
for (const t of [2, 4, 5]) {
  parts.push("--part", `${DIR}/part-${t}.json`);
  await riik(["vote", "decrypt", record, "--trustee", String(t), "--key-share", `${DIR}/trustees/trustee-${t}.share`,
    "--ca", ROOT, "--out", `${DIR}/part-${t}.json`], { RIIK_TRUSTEE_PASSPHRASE: `trustee-${t} demo` });
}
await riik(["vote", "tally", record, "--ca", ROOT, ...parts]);
const verified = await riik(["vote", "verify", record, "--ca", ROOT]);
check(verified.includes("the record verifies"), verified);
check(/ballots: 4 cast, 1 superseded by a later i-vote, i-votes of 1 voter\(s\) cancelled by a paper vote, 1 refused/
  .test(verified), `the counts: ${verified}`);
// Each counted ballot's choice has its vote in the result.
const expected = new Map();
for (const v of [again, maris]) {
  for (const [contest, [option]] of Object.entries(v.choices)) {
    expected.set(`${contest}/${option}`, (expected.get(`${contest}/${option}`) || 0) + 1);
  }
}
for (const [key, count] of expected) {
  const option = key.split("/")[1];
  check(new RegExp(`^\\s+${option}\\s.*\\s${count}\\s`, "m").test(verified), `${key} does not have ${count}: ${verified}`);
}
pass("closed, exported, decrypted by trustees 2, 4 and 5, tallied: riik vote verify proves the count (last i-votes, paper override)");

// --- Published: the vote service verifies the tally against its board, then the portal shows it ---
const wrong = `${DIR}/wrong-tally`;
mkdirSync(wrong);
const tallyJson = JSON.parse(readFileSync(`${record}/tally.json`, "utf8"));
tallyJson.contests[0].options[0].count += 1;
writeFileSync(`${wrong}/tally.json`, JSON.stringify(tallyJson));
try {
  await import("node:child_process").then(({ execFileSync }) => execFileSync(process.env.RIIK,
    ["vote", "publish", "--dir", DIR, "--record", wrong], { stdio: "pipe" }));
  fail("a wrong tally was published");
} catch (error) {
  check(String(error.stderr).includes("does not verify against the board"), `a wrong tally: ${error.stderr}`);
}
await riik(["vote", "publish", "--dir", DIR, "--record", record]);
const shown = (await votePage(jaak)).html;
check(shown.includes('id="results"') && !shown.includes('id="ballot"'), "the Vote page does not show the result");
for (const [key, count] of expected) {
  const [contest] = key.split("/");
  check(new RegExp(`data-contest="${contest}"[\\s\\S]*?<meter[^>]*value="${count}"`).test(shown),
    `the portal does not show ${count} for ${key}`);
}
const served = await (await fetch(`${VOTE}/record/tally.json`)).text();
check(served === readFileSync(`${record}/tally.json`, "utf8"), "the vote service serves another tally.json");
pass("published: a wrong tally refused; the right one verified by the vote service, shown on the Vote page with bars, its record served");


// --- Doctored records are refused, saying why ---
function doctored(name, change) {
  const copy = `${DIR}/doctored-${name}`;
  mkdirSync(copy);
  for (const f of readdirSync(record)) copyFileSync(`${record}/${f}`, `${copy}/${f}`);
  change(copy);
  return copy;
}
async function refused(copy, why) {
  try {
    await import("node:child_process").then(({ execFileSync }) =>
      execFileSync(process.env.RIIK, ["vote", "verify", copy, "--ca", ROOT], { stdio: "pipe" }));
  } catch (error) {
    const said = String(error.stderr);
    check(said.includes(why), `the doctored record was refused, but not for "${why}": ${said}`);
    return;
  }
  fail(`the doctored record ${copy} verifies`);
}
await refused(doctored("dropped", (d) => {
  const lines = readFileSync(`${d}/board.jsonl`, "utf8").split("\n");
  const at = lines.findIndex((l) => l.includes('"kind":"ballot"'));
  lines.splice(at, 1);
  writeFileSync(`${d}/board.jsonl`, lines.join("\n"));
}), "entries were changed, dropped or reordered");
await refused(doctored("count", (d) => {
  const tally = JSON.parse(readFileSync(`${d}/tally.json`, "utf8"));
  tally.contests[0].options[0].count += 1;
  writeFileSync(`${d}/tally.json`, JSON.stringify(tally));
}), "tally.json");
pass("a record with a ballot dropped, and one with a count changed, are refused with the reason");
