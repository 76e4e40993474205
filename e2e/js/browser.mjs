// A real browser for the end-to-end tests: Debian's Chromium driven by playwright-core,
// with the checks every page gets — axe-core (serious or critical violations fail the
// test), no script errors — and numbered full-page screenshots in $SCREENSHOTS.
import { chromium } from "playwright-core";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { fail } from "./lib.mjs";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export async function openBrowser() {
  const shots = process.env.SCREENSHOTS || "screenshots";
  rmSync(shots, { recursive: true, force: true });  // this run's pages only
  mkdirSync(shots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu"],
  });
  // The pages' own CSP forbids injected script: the accessibility checker needs bypassCSP.
  const context = await browser.newContext({ ignoreHTTPSErrors: true, bypassCSP: true, locale: "en-GB" });
  context.setDefaultTimeout(30000);
  const page = await context.newPage();
  page.on("pageerror", (error) => fail(`script error on ${page.url()}: ${error.message}`));
  let shot = 0;
  return {
    browser,
    context,
    page,
    shots,
    screenshotCount: () => shot,
    async screenshot(name) {
      shot += 1;
      await page.screenshot({ path: `${shots}/${String(shot).padStart(2, "0")}-${name}.png`, fullPage: true });
    },
    async accessible(what) {
      await page.addScriptTag({ content: AXE });
      const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
      const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      if (bad.length) fail(`${what}: ${bad.map((v) => `${v.id} (${v.impact}): ${v.help}`).join("; ")}`);
    },
    async text(selector) {
      return (await page.locator(selector).first().textContent()) || "";
    },
  };
}
