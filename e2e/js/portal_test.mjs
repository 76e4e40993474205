// The citizen portal in a real browser (Debian's Chromium, driven by playwright-core):
// a citizen signs in with the app, reads what every registry holds about them (each
// item naming its registry, time and X-Road-Id), changes their address and watches it
// reach the tax board, the bank and the school's register, is told in words what was
// wrong with a bad address, switches to Estonian and back, and signs out everywhere.
// It votes: a ballot encrypted in the browser, challenged and opened, then cast with PIN2
// and checked with the verification app.
// axe-core checks every page (serious or critical violations fail); screenshots of each
// page go to $SCREENSHOTS.
import { writeFileSync } from "node:fs";
import { AUTH, DIR, JAAK, MARI, PORTAL, SERVICE_A, TONU, VOTE, approve, approveSignature, check, fail, pass, riik }
  from "./lib.mjs";
import { openBrowser } from "./browser.mjs";

const { browser, context, page, shots: SHOTS, screenshot, accessible, text, screenshotCount } = await openBrowser();

// The portal's pages load nothing that fails, and break no rule of their CSP; only the
// refusals the test provokes may show (Chromium logs a page answered 4xx as an error).
let provoked = null;
page.on("console", (message) => {
  const m = message.text();
  if (message.type() !== "error" || !page.url().startsWith(PORTAL)) return;
  if (provoked && m.includes(`status of ${provoked}`)) return;
  fail(`console error on ${page.url()}: ${m}`);
});

// From the portal's home page through the sign-in service with the app, as `token`'s holder.
async function signInWithTheApp(code, token) {
  await page.click("#sign-in");
  await page.waitForURL(`${AUTH}/login/**`);
  await page.fill("#personal_code", code);
  await page.click("form[action$='/app'] button");
  await page.waitForSelector("#verification-code");
  const app = approve(token, (await text("#verification-code")).trim());
  await page.waitForURL(`${PORTAL}/`);
  await app;
}

// --- Signed out, in both languages ---
const home = await page.goto(`${PORTAL}/`);
const csp = home.headers()["content-security-policy"] || "";
check(csp.includes("default-src 'none'") && csp.includes("script-src 'self'") && !csp.includes("unsafe-inline"),
  `the portal's Content-Security-Policy is not strict: ${csp}`);
check((await text("h1")).includes("Your state, in one place"), "the portal's home page");
await accessible("the home page, signed out");
await screenshot("home-signed-out");
await page.click("#lang");
await page.waitForLoadState();
check((await page.getAttribute("html", "lang")) === "et", "the language switch did not give Estonian");
check((await text("#sign-in")).includes("Logi sisse"), "the sign-in button is not in Estonian");
await accessible("the home page in Estonian");
await screenshot("home-signed-out-et");
await page.click("#lang");
await page.waitForLoadState();
check((await page.getAttribute("html", "lang")) === "en", "the language switch did not come back to English");
pass("signed out: a strict CSP, the home page in English and Estonian");

// --- Sign in with the app ---
await page.click("#sign-in");
await page.waitForURL(`${AUTH}/login/**`);
check((await page.getAttribute("html", "lang")) === "en", "the sign-in service does not speak the portal's language");
await page.fill("#personal_code", "38001085718");
await page.click("form[action$='/app'] button");
await page.waitForSelector("#verification-code");
const app = approve(JAAK, (await text("#verification-code")).trim());
await page.waitForURL(`${PORTAL}/`);
await app;
check((await text("h1")) === "Welcome, Jaak-Kristjan", `the welcome is '${await text("h1")}'`);
check((await text("#who")).includes("Jaak-Kristjan Jõeorg"), "the header does not say who is signed in");
for (const cookie of await context.cookies(PORTAL)) {
  check(cookie.httpOnly && cookie.secure && cookie.sameSite === "Lax" && cookie.name.startsWith("__Host-"),
    `the cookie ${cookie.name} is not __Host-, HttpOnly, Secure and SameSite=Lax`);
}
await accessible("the home page, signed in");
await screenshot("home-signed-in");
pass("signed in with the app; the session's cookies are __Host-, HttpOnly, Secure, SameSite=Lax");

// --- My data ---
await page.click("#tile-data");
await page.waitForURL(`${PORTAL}/data`);
check(!page.url().includes("38001085718"), "the personal code is in the URL");
check((await text("#person dl")).includes("38001085718"), "the population register's data is not shown");
check((await text("#person .source")).includes("From the Population Register, read at"), "the source is not named");
check(/\S{8,}/.test(await text("#person .source code")), "the call's X-Road-Id is not shown");
check(/\S{3,}/.test(await text("#current-address")), `the address is not shown: ${await text("#address")}`);
check((await page.locator("#accounts tbody tr").count()) > 0, "the bank's accounts are not shown");
check((await text("#school")).includes("The Education Register holds nothing about you."),
  "a registry that does not know the person does not say so");
check((await text("#roles .source")).includes("Business Register"), `the business register was not asked: ${await text("#roles")}`);
await accessible("My data");
await screenshot("my-data");
pass("My data: five registries through the exchange, each naming its source, time and X-Road-Id");

// --- Change the address ---
await page.click("nav a[href='/address']");
await page.waitForURL(`${PORTAL}/address`);
await accessible("the address page");
await screenshot("address");
await page.fill("#settlement", "Tartu");
await page.fill("#street", "Nowhere tn");
await page.fill("#house", "5");
provoked = 400;
await page.click("#change-address");
await page.waitForSelector("#address-error");
provoked = null;
check((await text("#address-error")).includes("no street 'Nowhere tn'"), `the refusal is '${await text("#address-error")}'`);
check((await page.inputValue("#settlement")) === "Tartu", "the form forgot what was typed");
await accessible("the address page with an error");
await screenshot("address-refused");
await page.fill("#street", "Rüütli tn");
await page.fill("#apartment", "3");
await page.click("#change-address");
await page.waitForURL(`${PORTAL}/address?changed=1`);
check((await text("#address-changed")).includes("Rüütli tn 5-3"), `the change says '${await text("#address-changed")}'`);
const started = Date.now();
await page.waitForFunction(
  () => [...document.querySelectorAll("ul[data-poll] li")].every((li) => li.dataset.state === "knows"),
  null, { timeout: 20000 }).catch(async () => fail(`the new address did not reach everyone: ${await text("#propagation")}`));
check((await page.locator("ul[data-poll] li").count()) === 3, "three subscribers are not listed");
await accessible("the address page after a change");
await screenshot("address-changed");
pass(`the address changed once and reached the tax board, the bank and the school's register (${Date.now() - started} ms on the page)`);

// --- The tax return: pre-filled, signed in the app with PIN2, submitted ---
await page.click("nav a[href='/tax']");
await page.waitForURL(`${PORTAL}/tax`);
check((await page.getAttribute("#return-status", "data-status")) === "draft", "the return is not a draft");
check(/€/.test(await text("#to-pay")), "the return shows no amount to pay or refund");
check(/\S{8,}/.test(await text(".source code")), "the bank's interest does not name its call");
await accessible("the tax return");
await screenshot("tax-return");
// The form sent twice at the same instant (a double click whose both sends reach the
// portal), then once more from the page as it stood (a page from before): one signing,
// which every page they lead to shows (the send that finds the start under way is
// answered once it is). The app below has one request to answer, and would refuse to pick
// among two.
const twice = await page.evaluate(async () => {
  const csrf = document.querySelector("input[name=csrf]").value;
  const send = () => fetch("/tax/sign", { method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: `csrf=${encodeURIComponent(csrf)}` })
    .then(async (r) => `${r.status} ${new URL(r.url).pathname} ${(await r.text()).includes('id="signing"')}`);
  return Promise.all([send(), send()]);
});
check(twice.every((led) => led === "200 /tax true"), `the return's form sent twice at once led to ${twice}`);
await page.click("#sign-return");
await page.waitForURL(`${PORTAL}/tax`);
await page.waitForSelector("#signing");
const app2 = approveSignature(JAAK);
await page.waitForFunction(() => /^\d{4}$/.test(document.querySelector("#verification-code")?.textContent || ""));
const signingCode = (await text("#verification-code")).trim();
await accessible("the tax return being signed");
await screenshot("tax-return-signing");
await page.waitForSelector("#return-status[data-status='submitted']", { timeout: 60000 })
  .catch(async () => fail(`the return was not submitted: ${await text("main")}`));
const said = await app2;
check(said.includes(`Verification code: ${signingCode}`), `the app and the portal show different codes: ${signingCode} / ${said}`);
check(said.includes("A signature you started in the portal"), `the app did not say who asks: ${said}`);
check((await text("#signature")).includes("PNOEE-38001085718"), "the submitted return does not name its signer");
await accessible("the submitted tax return");
await screenshot("tax-return-submitted");
pass("tax return: pre-filled, signed in the app with PIN2 (the same verification code; the form sent twice at once and again, one signing), accepted through the validation service");

// --- Who used my data: every registry's tracker, each record's proof checked in the browser ---
await page.click("nav a[href='/tracker']");
await page.waitForURL(`${PORTAL}/tracker`);
// The newest records are sealed under a timestamped head within a few seconds.
for (let i = 0; i < 30 && /sealing|pitseerib/.test(await text("#sources")); i++) {
  await page.waitForTimeout(500);
  await page.reload();
}
check(!/sealing/.test(await text("#sources")), `the trackers did not seal in time: ${await text("#sources")}`);
await page.waitForFunction(() => [...document.querySelectorAll("td.proof")].every((td) => td.dataset.verified),
  null, { timeout: 20000 });
const proofs = await page.$$eval("td.proof", (tds) => tds.map((td) => td.dataset.verified));
check(proofs.length >= 8 && proofs.every((v) => v === "yes"), `not every record verified in the browser: ${proofs}`);
const rows = await text("#accesses tbody");
check(rows.includes("the person's own request in the state portal"), "the portal's own readings are not listed");
check(rows.includes("Income Tax Act"), "the tax board's reading of the bank for the return is not listed");
check((await page.locator("#timeline canvas").count()) > 0, "the timeline chart was not drawn");
const listing = await page.evaluate(async () => (await fetch("/tracker/bank.json")).json());
check(listing.format === "riik-tracker-listing-v1" && listing.person === "38001085718", "the bank's listing download");
await accessible("who used my data");
await screenshot("who-used-my-data");
// A listing altered on the way (one record's purpose rewritten) fails the browser's check.
await page.route("**/tracker/bank.json", async (route) => {
  const response = await route.fetch();
  const altered = await response.json();
  altered.entries[0].record.issue = "nothing to see here";
  await route.fulfill({ response, body: JSON.stringify(altered) });
});
await page.reload();
await page.waitForFunction(() => [...document.querySelectorAll("td.proof[data-registry='bank']")]
  .every((td) => td.dataset.verified), null, { timeout: 20000 });
const bank = await page.$$eval("td.proof[data-registry='bank']", (tds) => tds.map((td) => td.dataset.verified));
check(bank.includes("no"), `an altered record still verified in the browser: ${bank}`);
await page.unroute("**/tracker/bank.json");
pass(`who used my data: ${proofs.length} records from the registries' trackers, each proof verified in the browser; an altered one is caught`);

// --- My documents: upload, sign with PIN2, ask another citizen to co-sign ---
await page.click("nav a[href='/documents']");
await page.waitForURL(`${PORTAL}/documents`);
await accessible("my documents");
await page.setInputFiles("#file", { name: "üürileping.txt", mimeType: "text/plain",
  buffer: Buffer.from("Üürileping: Jaak-Kristjan Jõeorg ja Mari-Liis Männik, Tartu, Rüütli tn 5-3.\n") });
await page.click("#upload");
await page.waitForURL(/\/documents\/[0-9a-f]{32}$/);
const documentUrl = page.url();
check((await text("#files")).includes("üürileping.txt"), `the uploaded file is not in the container: ${await text("#files")}`);
check((await page.getAttribute("#signature-count", "data-count")) === "0", "a new document already has signatures");
await page.click("#sign-document");
await page.waitForSelector("#signing");
const app3 = approveSignature(JAAK);
await page.waitForSelector("#signature-count[data-count='1']", { timeout: 60000 })
  .catch(async () => fail(`the document was not signed: ${await text("main")}`));
const shownInApp = await app3;  // anyone who knows the code can list it: no file name, just the portal's words
check(shownInApp.includes("A signature you started in the portal") && !shownInApp.includes("üürileping"),
  `the app's request names the document: ${shownInApp}`);
await page.fill("#cosigner", "49403136526");
await page.click("#ask-cosigner");
await page.waitForSelector("#document-note");
check((await text("#cosigners")).includes("49403136526"), "the co-signer is not listed");
await accessible("a document, signed and sent to co-sign");
await screenshot("document-signed");
pass("my documents: a file uploaded, signed in the app with PIN2, and Mari-Liis asked to co-sign it");

// --- Vote: encrypted in the browser, challenged once (Benaloh), signed with PIN2, cast, checked ---
await page.click("nav a[href='/vote']");
await page.waitForURL(`${PORTAL}/vote`);
await accessible("vote");
await screenshot("vote");
const option = page.locator("fieldset[data-contest] input").nth(1);
const chosen = (await page.locator(`label[for='${await option.getAttribute("id")}']`).textContent()).trim();
await option.check();
// The choices belong to no form: what the browser can send is the encrypted ballot alone.
check(await page.$$eval("fieldset[data-contest] input", (inputs) => inputs.every((i) => i.form === null)),
  "a choice belongs to a form that could send it");
await page.click("#encrypt");
await page.waitForSelector("#encrypted:not([hidden])");
check(/^[0-9a-f]{64}$/.test((await text("#encrypted-hash")).trim()), "no fingerprint shown before cast or challenge");
await page.click("#spoil");
await page.waitForSelector("#spoiled:not([hidden])");
check(await page.isHidden("#encrypted"), "a challenged ballot can still be cast");
const spoiled = await page.evaluate(async () => (await fetch(document.getElementById("spoiled-download").href)).text());
writeFileSync(`${DIR}/spoiled-ballot.json`, spoiled);
const audit = await riik(["vote", "audit", `${DIR}/spoiled-ballot.json`, "--url", VOTE, "--ca", `${DIR}/trust/root.pem`]);
check(audit.includes(chosen.split(" (")[0]), `the challenged ballot does not open to ${chosen}: ${audit}`);
await screenshot("vote-challenged");
pass(`vote: a ballot encrypted in the browser and challenged opens, on the command line, to "${chosen}"`);
await page.click("#encrypt");
await page.waitForSelector("#encrypted:not([hidden])");
await page.click("#cast");
await page.waitForSelector("#signing");
const app5 = approveSignature(JAAK);
await page.waitForSelector("#receipt", { timeout: 60000 })
  .catch(async () => fail(`the ballot was not cast: ${await text("main")}`));
// Anyone who knows the code can list what waits in the app: it must not tell them this is a vote.
const shownForVote = await app5;
check(shownForVote.includes("A signature you started in the portal") && !/vote|hääl/i.test(shownForVote),
  `the app's request says it is a vote: ${shownForVote}`);
await page.waitForSelector("#randomness:not([hidden])");
const voteId = (await text("#vote-id")).trim();
const randomness = await page.evaluate(async () =>
  (await fetch(document.getElementById("randomness-download").href)).text());
writeFileSync(`${DIR}/ballot-randomness.json`, randomness, { mode: 0o600 });
await accessible("vote receipt");
await screenshot("vote-receipt");
const election = (await text("pre.command")).match(/--election ([0-9a-f]{64})/)?.[1];
check(election, "the receipt's command does not name the election");
const checked = await riik(["vote", "check", "--url", VOTE, "--ca", `${DIR}/trust/root.pem`, "--election", election,
  "--vote-id", voteId,
  "--randomness", `${DIR}/ballot-randomness.json`]);
check(checked.includes(chosen.split(" (")[0]) && checked.includes("Checks left for this ballot: 2"),
  `the verification app does not show ${chosen}: ${checked}`);
pass(`vote: cast with PIN2 in the app; the receipt's vote id and the tab's randomness show "${chosen}" in the verification app`);
await page.click("nav a[href='/documents']");
await page.waitForURL(`${PORTAL}/documents`);

// --- Estonian, signed in ---
await page.click("#lang");
await page.waitForURL(`${PORTAL}/documents`);
check((await page.getAttribute("html", "lang")) === "et", "the language switch lost the page");
await page.click("nav a[href='/data']");
await page.waitForURL(`${PORTAL}/data`);
check((await text("h1")) === "Minu andmed", "My data is not in Estonian");
check((await text("#person .source")).includes("Allikas: Rahvastikuregister"), "the source is not in Estonian");
check((await text("#address")).includes("Rüütli tn 5-3"), "My data does not show the new address");
await accessible("My data in Estonian");
await screenshot("my-data-et");
await page.reload();
check((await page.getAttribute("html", "lang")) === "et", "the language was not remembered");
await page.click("#lang");
await page.waitForURL(`${PORTAL}/data`);
pass("Estonian: switched, remembered, and back");

// --- Forms from elsewhere are refused ---
provoked = 403;
const forged = await page.evaluate(async (url) => {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "csrf=forged&settlement=Tartu&street=Pikk+tn&house=1" });
  return r.status;
}, `${PORTAL}/address`);
check(forged === 403, `a form without the session's token was answered ${forged}`);
provoked = null;
pass("a form without the session's CSRF token is refused (403)");

// --- Sign out everywhere ---
await page.goto(`${SERVICE_A}/`);
await page.click("#sign-in");
await page.waitForURL(`${SERVICE_A}/`);
check((await text("#who")).includes("EE38001085718"), "the demo service did not sign the person in (single sign-on)");
await page.goto(`${PORTAL}/`);
await page.click("#sign-out");
await page.waitForURL(`${PORTAL}/`);
check((await text("#sign-in")).includes("Sign in"), "the portal still signed in");
provoked = 401;
await page.goto(`${PORTAL}/data`);
check((await text("main")).includes("Sign in to see this page."), "My data without a session");
provoked = null;
// The sign-in service tells the demo service by back-channel logout, sent after it
// answers the browser: a moment later (longer under ASan) its session is gone.
let signedOutThere = false;
for (let i = 0; i < 50 && !signedOutThere; ++i) {
  if (i > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  await page.goto(`${SERVICE_A}/`);
  signedOutThere = (await page.content()).includes("You are not signed in");
}
check(signedOutThere, "the demo service still signed in 5 s after the portal's sign-out");
await screenshot("signed-out");
pass("single sign-on with the other services; signing out of the portal signed the person out everywhere");

// --- My companies: a board member acts for a company ---
await page.goto(`${PORTAL}/`);
await signInWithTheApp("36107212142", TONU);
await page.click("#tile-companies");
await page.waitForURL(`${PORTAL}/companies`);
check((await text("#companies")).includes("board member"), `Tõnu's board seat is not listed: ${await text("main")}`);
await accessible("my companies");
await screenshot("companies");
await page.click("#act-for-company");
await page.waitForSelector("#represent-continue");
const company = page.locator("input[name=party]:not(#party-self)").first();
const registryCode = await company.getAttribute("value");
await company.check();
await page.click("#represent-continue");
await page.waitForURL(`${PORTAL}/`);
check((await text("#who")).includes(", for "), `the header does not say whom the person acts for: ${await text("#who")}`);
await page.click("nav a[href='/companies']");
await page.waitForURL(`${PORTAL}/companies`);
check((await text("#acting-for")).includes(`registry code ${registryCode}`), `not acting for ${registryCode}: ${await text("main")}`);
check((await text("#company .source")).includes(`COM/${registryCode}`), "the company's record was not read for the company");
check((await text("#company-name")).length > 2, "the company's record is not shown");
await accessible("acting for a company");
await screenshot("acting-for-a-company");
await page.click("#act-for-self");
await page.waitForURL(`${PORTAL}/`);
check(!(await text("#who")).includes(", for "), "still acting for the company after choosing oneself");
await page.click("#sign-out");
await page.waitForURL(`${PORTAL}/`);
pass(`my companies: a board member chose the company at the sign-in service; its record was read for COM/${registryCode}`);

// --- The co-signer: the document waits in her portal; she signs; the signatures verify ---
await signInWithTheApp("49403136526", MARI);
await page.click("#tile-documents");
await page.waitForURL(`${PORTAL}/documents`);
check((await text("#asked")).includes("üürileping.txt") && (await text("#asked")).includes("waiting for your signature"),
  `the document does not wait for Mari-Liis: ${await text("main")}`);
await screenshot("documents-waiting");
await page.click("#asked a");
await page.waitForURL(documentUrl);
await page.click("#sign-document");
await page.waitForSelector("#signing");
const app4 = approveSignature(MARI);
await page.waitForSelector("#signature-count[data-count='2']", { timeout: 60000 })
  .catch(async () => fail(`the co-signature was not added: ${await text("main")}`));
await app4;
check((await page.getAttribute("#cosigners li", "data-signed")) === "yes", "the co-signer is not marked as signed");
await page.click("#verify");
await page.waitForSelector("#report");
check((await page.getAttribute("#verdict", "data-verdict")) === "VALID", `the report: ${await text("#report")}`);
const lines = await page.$$eval("#report li", (lis) => lis.map((li) => li.textContent));
check(lines.length === 2 && lines.some((l) => l.includes("PNOEE-38001085718")) && lines.some((l) => l.includes("PNOEE-49403136526")),
  `the report does not name both signers: ${lines}`);
await accessible("a co-signed document with its report");
await screenshot("document-co-signed-and-verified");
const download = await page.evaluate(async (url) => {
  const r = await fetch(`${url}/container`);
  const bytes = new Uint8Array(await r.arrayBuffer());
  return { type: r.headers.get("content-type"), zip: bytes[0] === 0x50 && bytes[1] === 0x4b, size: bytes.length };
}, documentUrl);
check(download.type === "application/vnd.etsi.asic-e+zip" && download.zip, `the download: ${JSON.stringify(download)}`);
await page.click("#sign-out");
await page.waitForURL(`${PORTAL}/`);
pass(`co-signing: the document waited in Mari-Liis's portal; signed in her app; the signatures service says VALID for both (${download.size} B container)`);

await browser.close();
pass(`screenshots of ${screenshotCount()} pages in ${SHOTS}`);
