// Helpers for the JavaScript end-to-end tests: what `riik up` wrote (endpoints.json),
// running the riik binary, a minimal cookie-keeping browser for fetch, and checks that
// say what failed.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";

export const RIIK = process.env.RIIK;
export const DIR = process.env.RIIK_DIR;
if (!RIIK || !DIR) throw new Error("set RIIK (the binary) and RIIK_DIR (riik up's directory)");
export const endpoints = JSON.parse(readFileSync(`${DIR}/endpoints.json`, "utf8"));
export const AUTH = endpoints.roles.auth.url;
export const SERVICE_A = endpoints.roles["rp-a"].url;
export const SERVICE_B = endpoints.roles["rp-b"].url;
export const PORTAL = endpoints.roles.portal.url;
export const VOTE = endpoints.roles.vote.url; // the vote service's public routes (the check)
export const JAAK = `${DIR}/citizens/38001085718`;
export const MARI = `${DIR}/citizens/49403136526`;
export const TONU = `${DIR}/citizens/36107212142`; // on a company's board

export function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}
export function pass(message) {
  console.log(`ok: ${message}`);
}
export function check(condition, message) {
  if (!condition) fail(message);
}

const run = promisify(execFile);
// Runs riik with `args` and PIN1 in the environment; its stdout.
export async function riik(args, env = {}) {
  try {
    const { stdout } = await run(RIIK, args, { env: { ...process.env, RIIK_PIN1: "0090", ...env }, timeout: 60000 });
    return stdout;
  } catch (error) {
    fail(`riik ${args.join(" ")}: ${error.stderr || error.message}`);
  }
}

// Runs riik with `args`, which must fail saying `why`: `what` is what the test tried.
export async function riikRefuses(args, why, what, env = {}) {
  try {
    await run(RIIK, args, { env: { ...process.env, RIIK_PIN1: "0090", ...env }, timeout: 60000 });
  } catch (error) {
    const said = String(error.stderr);
    check(said.includes(why), `${what} was refused, but not for "${why}": ${said}`);
    // A refusal, not a crash after saying so.
    check(typeof error.code === "number" && !error.signal && !/Sanitizer|runtime error/.test(said),
      `${what}: riik did not exit cleanly: ${said}`);
    return;
  }
  fail(`${what} was not refused`);
}

// The citizen's app: confirms the request waiting for `token` if it shows `code`.
export function approve(token, code) {
  return riik(["id", "approve", "--token", token, "--auth", AUTH, "--ca", `${DIR}/trust/root.pem`, "--expect-code", code]);
}

// The citizen's app asked for a signature: sends the signing certificate (the choice
// signed with PIN1, which riik() passes), then signs with PIN2; its output (which names
// who asks and shows the verification code).
export function approveSignature(token) {
  return riik(["id", "approve", "--token", token, "--auth", AUTH, "--ca", `${DIR}/trust/root.pem`], { RIIK_PIN2: "01497" });
}

// A browser without a screen: fetch that keeps cookies and does not follow redirects.
export class Browser {
  constructor() {
    this.cookies = new Map();
  }
  async go(url, init = {}) {
    const headers = new Headers(init.headers || {});
    const origin = new URL(url).origin;
    const jar = this.cookies.get(origin);
    if (jar && jar.size) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair.indexOf("=");
      if (!this.cookies.has(origin)) this.cookies.set(origin, new Map());
      this.cookies.get(origin).set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  }
  // Follows redirects until a page (or a URL starting with `stop_at`) is reached.
  async follow(url, stop_at = null) {
    for (let i = 0; i < 10; i++) {
      if (stop_at && url.startsWith(stop_at)) return { url, response: null };
      const response = await this.go(url);
      const location = response.headers.get("location");
      if (!location) return { url, response };
      url = new URL(location, url).href;
    }
    fail(`too many redirects from ${url}`);
  }
}
