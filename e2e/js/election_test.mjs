// An election end to end against `riik up` (its demo election, polls open for a few
// minutes from its start). First a crowd (CROWD_VOTERS, 1,000 in the release suite) of
// people from the population register, each with an eID of their own (crowd.mjs), sign
// in to the portal with the app (PIN1), encrypt their ballots on their side
// (web/ballot/ballot.mjs, what the Vote page runs), have them signed in the app (PIN2)
// and cast through the exchange; every tenth votes again. Then the demo citizens, with
// `riik id approve` on their software eIDs: one votes twice (the last i-vote counts), one
// challenges a ballot first (Benaloh: opened and audited, never cast) and checks her cast
// one with the verification app, one votes on paper (the operator cancels his i-votes, a
// later i-vote is refused). The operator closes the board and exports the record, three
// of the five trustees decrypt, the tally is combined, and `riik vote verify` proves
// every count; the vote service publishes the result only after verifying it, and the
// portal shows it; doctored records are refused with the reason.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { encryptBallot } from "../../web/ballot/ballot.mjs";
import { approveSignIn, approveSignature as appSignature, eligiblePeople, inParallel, issueEid } from "./crowd.mjs";
import { DIR, JAAK, MARI, TONU, VOTE, approve, approveSignature, check, endpoints, pass, riik, riikRefuses } from
  "./lib.mjs";
import { choose, receiptOf, signIn, sleep, vote as castVote, votePage } from "./voting.mjs";

const ROOT = `${DIR}/trust/root.pem`;
const codeOf = (token) => token.split("/").pop();
const CROWD = Number(process.env.CROWD_VOTERS || 1000);
const POPULATION = Number(process.env.POPULATION || 200);

// A demo citizen signing in with `riik id approve` on their software eID (PIN1).
const signInWith = (token) => signIn(codeOf(token), (code) => approve(token, code));
// A demo citizen's vote, signed with `riik id approve` (PIN2).
const vote = (browser, token, k) => castVote(browser, () => approveSignature(token), k);

// --- A crowd of voters, each with an eID of their own, casting through sign-in ---
const started = Date.now();
const people = await eligiblePeople(CROWD + endpoints.identities.length, POPULATION);
check(people.length >= CROWD, `only ${people.length} people of ${POPULATION} may vote; the crowd needs ${CROWD}`);
const eids = await inParallel(people, 8, issueEid);
const issued = Date.now();
// Each voter signs in (PIN1 in the app), encrypts a choice and casts it (PIN2); every
// tenth changes their mind and votes again, in a new session. The people whose personal
// codes the demo citizens took (the register gave each demo citizen a host's place) are
// not on the list, and the page says so.
const crowd = await inParallel(eids, 48, async (eid, i) => {
  const choice = (k) => castVote(browser, (shown) => appSignature(eid, shown), k);
  let browser = await signIn(eid.code, (code) => approveSignIn(eid, code));
  let last = await choice(i);
  if (!last) return null;
  check(last.state.state === "cast", `${eid.code}'s ballot: ${JSON.stringify(last.state)}`);
  if (i % 10 === 3) {
    browser = await signIn(eid.code, (code) => approveSignIn(eid, code));
    last = await choice(i + 1);
    check(last.state.state === "cast", `${eid.code}'s second ballot: ${JSON.stringify(last.state)}`);
    return { ...last, revoted: true };
  }
  return last;
});
const voted = crowd.filter(Boolean);
const revoted = voted.filter((v) => v.revoted).length;
check(voted.length >= CROWD, `${voted.length} of the crowd voted, not ${CROWD}`);
// Only a person whose place a demo citizen took may be missing: the register gave each
// demo citizen a host of their sex and birth year (the personal code's first 3 digits).
const hosts = endpoints.identities.map((i) => i.code.slice(0, 3));
eids.filter((_, i) => !crowd[i]).forEach(({ code }) => {
  const at = hosts.indexOf(code.slice(0, 3));
  check(at >= 0, `${code} is not on the voter list, and no demo citizen took their place in the register`);
  hosts.splice(at, 1);
});
// The ballot box (UP_ARGS' --ballot-queue) answered some of them busy, and the portal
// cast those again: none of the crowd saw a refusal.
const busy = await busyBallotBox();
if (process.env.UP_ARGS?.includes("--ballot-queue")) {
  check(busy > 0, "the ballot box was never busy: the portal's casting again went untested");
}
pass(`${voted.length} voters, each with their own eID, signed in and cast through the portal, ${revoted} of them ` +
  `twice (eIDs issued in ${((issued - started) / 1000).toFixed(1)} s, votes in ${((Date.now() - issued) / 1000).toFixed(1)} s; ` +
  `${busy} casts answered busy and cast again)`);

// How many times the vote service answered 503 (its /metrics, on the node's status role).
async function busyBallotBox() {
  const metrics = await (await fetch(`${endpoints.roles.status.url}/metrics`)).text();
  const line = metrics.split("\n").find((l) =>
    /^riik_http_requests_total\{[^}]*server="vote"/.test(l) && /code="503"/.test(l));
  return line ? Number(line.split(" ").pop()) : 0;
}

// --- Casting ---
const jaak = await signInWith(JAAK);
const first = await vote(jaak, JAAK, 0);
check(first.state.state === "cast", `Jaak's ballot: ${JSON.stringify(first.state)}`);
const again = await vote(jaak, JAAK, 1);
check(again.state.state === "cast" && receiptOf(again.after).hash === again.hash,
  `Jaak's second ballot is not the receipt's: ${JSON.stringify(again.state)}`);
pass("Jaak-Kristjan voted twice through the portal (encrypted on his side, PIN2 in the app); the receipt is the last ballot's");

// Benaloh: Mari-Liis encrypts, opens instead of casting, audits; then votes.
const mari = await signInWith(MARI);
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

// Tõnu votes, then on paper: the polling station's official (Jaak, whom the manifest
// lists by his signing certificate) signs the statement, the operator enters it and his
// i-votes are cancelled; a later i-vote is refused. The same statement signed by Mari-Liis,
// who is not an official, cancels nothing.
const tonu = await signInWith(TONU);
check((await vote(tonu, TONU, 0)).state.state === "cast", "Tõnu's i-vote was not cast");
const statementText = `${DIR}/paper-vote.json`, statement = `${DIR}/paper-vote.asice`;
await riik(["vote", "paper", "--dir", DIR, "--code", codeOf(TONU), "--write-statement", statementText]);
const byMari = `${DIR}/paper-vote-by-mari.asice`;
await riik(["sign", "--dir", DIR, "--token", MARI, "--in", statementText, "--out", byMari], { RIIK_PIN2: "01497" });
await riikRefuses(["vote", "paper", "--dir", DIR, "--code", codeOf(TONU), "--statement", byMari],
  "not among the manifest's paper-vote officials", "a statement signed by someone the manifest does not list");
await riik(["sign", "--dir", DIR, "--token", JAAK, "--in", statementText, "--out", statement], { RIIK_PIN2: "01497" });
await riik(["vote", "paper", "--dir", DIR, "--code", codeOf(TONU), "--statement", statement]);
const late = await vote(tonu, TONU, 1);
check(late.state.state === "refused" && late.after.includes("voted on paper"),
  `Tõnu's i-vote after his paper vote: ${JSON.stringify(late.state)}`);
pass("Tõnu's paper vote cancelled his i-vote (a non-official's statement did not); his next i-vote was refused, saying why");

// --- The polls close; the operator closes the board; the trustees count ---
const closes = Date.parse(first.election.manifest.closes);
if (Date.now() < closes + 1000) await sleep(closes + 1000 - Date.now());
await riik(["vote", "close", "--dir", DIR]);
const record = `${DIR}/record`;
const annex = `${DIR}/annex.jsonl`;
await riik(["vote", "export", "--dir", DIR, "--out", record, "--annex", annex]);
const parts = [];
for (const t of [2, 4, 5]) {
  parts.push("--part", `${DIR}/part-${t}.json`);
  await riik(["vote", "decrypt", record, "--trustee", String(t), "--key-share", `${DIR}/trustees/trustee-${t}.share`,
    "--ca", ROOT, "--out", `${DIR}/part-${t}.json`], { RIIK_TRUSTEE_PASSPHRASE: `trustee-${t} demo` });
}
await riik(["vote", "tally", record, "--ca", ROOT, ...parts]);
const verified = await riik(["vote", "verify", record, "--ca", ROOT]);
check(verified.includes("the record verifies"), verified);
check(verified.includes("every entry under a head the TSA timestamped within 600 s"), `the board's timestamps: ${verified}`);
// The auditors' check: every ballot on the board in a container its voter signed.
const audited = await riik(["vote", "verify", record, "--ca", ROOT, "--annex", annex,
  "--pseudonym-key", `${DIR}/vote/pseudonym.key`]);
check(new RegExp(`annex: every one of the board's ${voted.length + revoted + 4} ballots is signed by the voter it names` +
  `, shortly before the board took it; each of its 1 paper votes by a polling station's signed statement`)
  .test(audited), `the annex: ${audited}`);
check(audited.includes(`paper votes attested by`) && audited.includes(`(${codeOf(JAAK)}): 1`) &&
  audited.includes("each statement signed with a certificate the manifest lists"), `the annex names the official: ${audited}`);
// Every i-vote cast counts once, the last of each voter's: the crowd's, Jaak's two, Mari-Liis's
// and Tõnu's (cancelled by his paper vote; his later one refused).
const cast = voted.length + revoted + 4;
check(new RegExp(`ballots: ${cast} cast, ${revoted + 1} superseded by a later i-vote, i-votes of 1 voter\\(s\\) ` +
  `cancelled by a paper vote, 1 refused; ${voted.length + 2} of \\d+ listed voters counted`).test(verified),
  `the counts: ${verified}`);
// Each option's count is what the counted ballots chose.
const manifest = first.election.manifest;
const expected = new Map(manifest.contests.map((c) => [c.id, new Map(c.options.map((o) => [o.id, 0]))]));
for (const v of [again, maris, ...voted]) {
  for (const [contest, [option]] of Object.entries(v.choices)) {
    expected.get(contest).set(option, expected.get(contest).get(option) + 1);
  }
}
for (const [contest, counts] of expected) {
  for (const [option, count] of counts) {
    check(new RegExp(`^\\s+${option}\\s.*\\s${count}\\s`, "m").test(verified),
      `${contest}/${option} does not have ${count}: ${verified}`);
  }
}
pass("closed, exported, decrypted by trustees 2, 4 and 5, tallied: riik vote verify proves the count (last i-votes, paper override)");

// --- Published: the vote service verifies the tally against its board, then the portal shows it ---
const wrong = `${DIR}/wrong-tally`;
mkdirSync(wrong);
const tallyJson = JSON.parse(readFileSync(`${record}/tally.json`, "utf8"));
tallyJson.contests[0].options[0].count += 1;
writeFileSync(`${wrong}/tally.json`, JSON.stringify(tallyJson));
await riikRefuses(["vote", "publish", "--dir", DIR, "--record", wrong], "does not verify against the board",
  "a wrong tally");
await riik(["vote", "publish", "--dir", DIR, "--record", record]);
const shown = (await votePage(jaak)).html;
check(shown.includes('id="results"') && !shown.includes('id="ballot"'), "the Vote page does not show the result");
// The page's bars, contest by contest: each option's name with its count.
for (const [contest, counts] of expected) {
  const table = shown.match(new RegExp(`<table class="results" data-contest="${contest}">([\\s\\S]*?)</table>`))?.[1];
  check(table, `the portal shows no result for ${contest}`);
  const rows = [...table.matchAll(/<th scope="row">([^<]+)[\s\S]*?<meter[^>]*value="(\d+)"/g)];
  const options = manifest.contests.find((c) => c.id === contest).options;
  for (const [option, count] of counts) {
    const name = options.find((o) => o.id === option).name;
    const row = rows.find((r) => r[1].trim() === name);
    check(row && Number(row[2]) === count, `the portal shows ${row?.[2]} for ${name}, not ${count}`);
  }
}
for (const file of ["tally.json", "board.jsonl"]) {  // the board streamed from disk
  const served = Buffer.from(await (await fetch(`${VOTE}/record/${file}`)).arrayBuffer());
  check(served.equals(readFileSync(`${record}/${file}`)), `the vote service serves another ${file}`);
}
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
  await riikRefuses(["vote", "verify", copy, "--ca", ROOT], why, `the doctored record ${copy}`);
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
