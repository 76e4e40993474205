// Sign-in in a real browser (Debian's Chromium, driven by playwright-core): demo service
// A sends the person to the sign-in service; they choose the app, type their personal
// code, see the verification code; the test plays the app (`riik id approve`) and the
// page moves on by itself. Service B then signs them in without asking (single
// sign-on); signing out of B signs them out of both. Then the ID-card, with a stand-in
// for the Web eID extension that speaks its message interface and signs with
// `riik id webeid`. Then a board member acts for a company. axe-core checks every page of the sign-in service; screenshots of
// each page go to $SCREENSHOTS.
import { AUTH, JAAK, MARI, SERVICE_A, SERVICE_B, TONU, approve, check, fail, pass, riik } from "./lib.mjs";
import { openBrowser } from "./browser.mjs";

const { browser, context, page, shots: SHOTS, screenshot, accessible, text, screenshotCount } = await openBrowser();

// --- The app ---
await page.goto(`${SERVICE_A}/`);
await screenshot("service-a-signed-out");
await page.click("#sign-in");
await page.waitForURL(`${AUTH}/login/**`);
check((await page.locator("h1").textContent()).includes("Demo service A"), "the sign-in page does not name the service");
await accessible("the method page");
await screenshot("choose-method");
await page.click("a.lang");
await page.waitForURL(/lang=et/);
check((await page.getAttribute("html", "lang")) === "et", "the language switch did not give Estonian");
await accessible("the method page in Estonian");
await screenshot("choose-method-et");
await page.click("a.lang");
await page.waitForURL(/lang=en/);

await page.fill("#personal_code", "38001085719");
await page.click("form[action$='/app'] button");
check((await text("[role=alert]")).includes("not a valid personal code"), "a wrong check digit was not explained");
await accessible("the page with an error");
await screenshot("invalid-personal-code");

await page.fill("#personal_code", "38001085718");
await page.click("form[action$='/app'] button");
await page.waitForSelector("#verification-code");
const code = (await text("#verification-code")).trim();
check(/^\d{4}$/.test(code), `the verification code is '${code}'`);
await accessible("the verification code page");
await screenshot("verification-code");
const app = approve(JAAK, code);
await page.waitForURL(`${SERVICE_A}/`);
await app;
check((await text("#who")).includes("JAAK-KRISTJAN JÕEORG"), "service A does not show who signed in");
await screenshot("service-a-signed-in");
pass("the app: the page showed the verification code the app showed, and moved on by itself");

await page.goto(`${SERVICE_B}/`);
await page.click("#sign-in");
await page.waitForURL(`${SERVICE_B}/`);
check((await text("#who")).includes("EE38001085718"), "service B did not sign the person in (single sign-on)");
await screenshot("service-b-single-sign-on");
pass("single sign-on: service B without being asked");

await page.click("#sign-out");
await page.waitForURL(`${SERVICE_B}/`);
check((await page.content()).includes("You are not signed in"), "service B still signed in");
await page.goto(`${SERVICE_A}/`);
check((await page.content()).includes("You are not signed in"), "service A still signed in after signing out of B");
await screenshot("signed-out-everywhere");
pass("signing out of B signed the person out of A");

// --- The ID-card, through a stand-in for the Web eID extension ---
await context.exposeBinding("riikWebEid", async (_source, nonce) =>
  JSON.parse(await riik(["id", "webeid", "--token", MARI, "--origin", AUTH, "--nonce", nonce])));
await context.addInitScript(() => {
  window.addEventListener("message", async (event) => {
    if (event.source !== window || !event.data || event.data.action !== "web-eid:authenticate") return;
    window.postMessage({ action: "web-eid:authenticate-ack" }, window.location.origin);
    const token = await window.riikWebEid(event.data.challengeNonce);
    window.postMessage({ action: "web-eid:authenticate-success", ...token }, window.location.origin);
  });
});
await page.goto(`${SERVICE_A}/`);
await page.click("#sign-in");
await page.waitForURL(`${AUTH}/login/**`);
await page.click("#idcard-button");
await page.waitForURL(`${SERVICE_A}/`);
check((await text("#who")).includes("MARI-LIIS MÄNNIK"), "the ID-card did not sign Mari-Liis in");
check((await text("#amr")) === "idcard" && (await text("#acr")) === "high", "the ID-card's method or level is wrong");
await screenshot("service-a-signed-in-with-id-card");
pass("the ID-card through the Web eID message interface: signed in at level high");

// --- Acting for a company ---
await page.click("#sign-out");
await page.waitForURL(`${SERVICE_A}/`);
await page.click("#sign-in-company");
await page.waitForURL(`${AUTH}/login/**`);
await page.fill("#personal_code", "36107212142");
await page.click("form[action$='/app'] button");
await page.waitForSelector("#verification-code");
const tonu = approve(TONU, (await text("#verification-code")).trim());
await page.waitForSelector("#represent-continue");
await tonu;
check((await text("h1")).includes("Whom do you act for?"), "no choice of whom to act for");
check(await page.isChecked("#party-self"), "acting for oneself is not the default");
await accessible("the choice of whom to act for");
await screenshot("choose-whom-to-act-for");
const company = page.locator("input[name=party]:not(#party-self)").first();
const registryCode = await company.getAttribute("value");
await company.check();
await page.click("#represent-continue");
await page.waitForURL(`${SERVICE_A}/`);
check((await text("#acting-for")).includes(`registry code ${registryCode}`), "service A does not act for the company");
await screenshot("service-a-acting-for-a-company");
await page.click("#company");
await page.waitForSelector("#company-name");
check((await text("#represented-party")) === `COM/${registryCode}`, "the call was not made for the company");
await screenshot("service-a-company-record");
pass("acting for a company: chosen after sign-in, named in the ID token, the call made for it");

await browser.close();
pass(`screenshots of ${screenshotCount()} pages in ${SHOTS}`);
