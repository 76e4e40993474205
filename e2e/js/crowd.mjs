// A crowd of voters for the election test: people from the population register that
// `riik up` loaded (the same generator, the same seed), each with an eID of their own
// issued by the state's eID CA through the trust role's operator API, and an app that
// answers the sign-in service as `riik id approve` does. Each eID is two P-384 keys held
// in memory (an authentication key for PIN1, a signing key for PIN2), so a thousand
// voters cost no PIN-sealed files; everything the state does with them (the sign-in's
// certificate and OCSP checks, the signature's timestamp and OCSP, the vote service's
// checks) is the same as for a card.
import { createHash, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { p384 } from "@noble/curves/nist.js";
import { AUTH, DIR, check, endpoints, riik } from "./lib.mjs";
import { sleep } from "./voting.mjs";

const readLines = (file) => readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));

// Up to `n` people with the right to vote in the demo election, as the population
// register's roll decides it: alive, of the manifest's citizenship, of age on election
// day, with an address on the cut-off date. The demo citizens are left out (they vote
// with their own eIDs).
export async function eligiblePeople(n, population) {
  const out = `${DIR}/crowd-population`;
  await riik(["population", "generate", "--count", String(population), "--seed", "1", "--out", out]);
  const manifest = JSON.parse(readFileSync(`${DIR}/election/manifest.json`, "utf8"));
  const day = manifest.election_day;
  const ofAge = `${Number(day.slice(0, 4)) - manifest.minimum_age}${day.slice(4)}`;
  const cutoff = manifest.voter_list_cutoff;
  const housed = new Set(readLines(`${out}/addresses.jsonl`)
    .filter((a) => a.county && (!a.from || a.from <= cutoff) && (!a.to || a.to > cutoff)).map((a) => a.person));
  const demo = new Set(endpoints.identities.map((i) => i.code));
  return readLines(`${out}/persons.jsonl`)
    .filter((p) => p.status === "alive" && p.citizenship === manifest.citizenship && p.birth_date <= ofAge &&
      housed.has(p.code) && !demo.has(p.code))
    .slice(0, n);
}

// P-384's SubjectPublicKeyInfo before the uncompressed point.
const SPKI_P384 = Buffer.from("3076301006072a8648ce3d020106052b81040022036200", "hex");
const pem = (der) => `-----BEGIN PUBLIC KEY-----\n${Buffer.from(der).toString("base64").match(/.{1,64}/g).join("\n")}\n` +
  "-----END PUBLIC KEY-----\n";
const pemToDer = (text) => Buffer.from(text.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");

// Runs `work(item)` over `items`, `parallel` at a time; the results in order.
export async function inParallel(items, parallel, work) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  return results;
}

// Issues `person` an eID: a key pair per purpose, each certified by the state's eID CA.
export async function issueEid(person) {
  const token = readFileSync(`${DIR}/trust/admin-token`, "utf8").trim();
  const eid = { code: person.code, name: `${person.given_name} ${person.surname}` };
  for (const key of ["auth", "sign"]) {
    const secret = p384.utils.randomSecretKey();
    const spki = Buffer.concat([SPKI_P384, p384.getPublicKey(secret, false)]);
    const response = await fetch(`${endpoints.roles.trust.url}/admin/issue-eid`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ key, public_key: pem(spki), code: person.code, given: person.given_name,
        surname: person.surname }),
    });
    const issued = await response.json();
    check(response.status === 200, `the eID CA did not issue ${person.code} a ${key} certificate: ` +
      JSON.stringify(issued));
    eid[key] = { secret, certificate: pemToDer(issued.pem).toString("base64") };
  }
  return eid;
}

// integer(SHA-256(hash)[-2:]) mod 10000, as four digits: the code the app and the browser show.
const verificationCode = (hash) => {
  const digest = createHash("sha256").update(hash).digest();
  return String(digest.readUInt16BE(digest.length - 2) % 10000).padStart(4, "0");
};

// The sign-in service's issuer: AUTH, as its discovery document must say (the service the
// app's statements name). Asked once; asked again after a failure.
let issuerOnce;
function signInIssuer() {
  issuerOnce ??= (async () => {
    const response = await fetch(`${AUTH}/.well-known/openid-configuration`);
    check(response.ok, `the sign-in service's discovery document: HTTP ${response.status}`);
    const { issuer } = await response.json();
    check(issuer === AUTH.replace(/\/+$/, ""), `the sign-in service at ${AUTH} names itself ${issuer}`);
    return issuer;
  })().catch((error) => {
    issuerOnce = undefined;
    throw error;
  });
  return issuerOnce;
}

// The app's device key (auth/app_devices.h): a P-256 key of its own, bound to the person
// and the sign-in service once with PIN1 until `expires_at`, and shown to the service
// when it does not know the device.
async function bindDevice(eid) {
  const issuer = await signInIssuer();
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const key = publicKey.export({ type: "spki", format: "der" });
  const expires = Math.floor(Date.now() / 1000) + 365 * 86400;
  const hash = createHash("sha384").update("riik-app-device:").update(key).update(`:${expires}:${issuer}`).digest();
  eid.device = {
    privateKey,
    id: createHash("sha256").update(key).digest("base64url"),
    binding: { certificate: eid.auth.certificate, device_key: key.toString("base64"), issuer, expires_at: expires,
      signature: Buffer.from(p384.sign(hash, eid.auth.secret, { prehash: false })).toString("base64") },
  };
}

async function presentDevice(eid) {
  for (let tries = 0; ; ++tries) {
    // Signed by the device key: the service takes a binding only from its holder.
    const response = await fetch(`${AUTH}/app/v1/devices`, {
      method: "POST", headers: { "content-type": "application/json", authorization: deviceHeader(eid, "bind") },
      body: JSON.stringify(eid.device.binding),
    });
    // 503: too many bindings wait for their checks at once (the crowd binds together).
    if (response.status === 503 && tries < 60) {
      await response.body?.cancel();
      await sleep(500);
      continue;
    }
    check(response.status === 200, `the sign-in service refused the app's device: ${await response.text()}`);
    return;
  }
}

// The device key's signature, now, over a look at what waits or over presenting its
// binding (auth/app_devices.h).
function deviceHeader(eid, purpose) {
  const time = Math.floor(Date.now() / 1000);
  const bindingSignature = Buffer.from(eid.device.binding.signature, "base64");
  const message = purpose === "bind"
    ? `riik-app-bind:${eid.device.id}:${time}:${createHash("sha256").update(bindingSignature).digest("hex")}`
    : `riik-app-poll:${eid.device.id}:${time}:${eid.device.binding.issuer}`;
  const signature = sign("sha256", Buffer.from(message), { key: eid.device.privateKey, dsaEncoding: "ieee-p1363" });
  return `RiikDevice id="${eid.device.id}", time="${time}", signature="${signature.toString("base64")}"`;
}

// What waits for `eid`'s holder at the sign-in service for `purpose` (within `seconds`).
async function waiting(eid, purpose, seconds = 60) {
  // One device per eID, also when two looks begin at once.
  eid.binding ??= bindDevice(eid);
  await eid.binding;
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const response = await fetch(`${AUTH}/app/v1/requests`, { headers: { authorization: deviceHeader(eid, "look") } });
    if (response.status === 401 && (response.headers.get("www-authenticate") ?? "").includes("unknown_device")) {
      await presentDevice(eid);
      continue;
    }
    check(response.status === 200, `the sign-in service's app API answered ${response.status}`);
    const request = (await response.json()).requests.find((r) => r.purpose === purpose);
    if (request) return request;
    await sleep(200);
  }
  throw new Error(`no ${purpose} request waited for ${eid.code} within ${seconds} s`);
}

async function answer(request, body) {
  const response = await fetch(`${AUTH}/app/v1/requests/${request.id}`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
  });
  check(response.status === 200, `the sign-in service refused the app's answer: ${await response.text()}`);
}

// The app signs with the key for its purpose, as the card signs a digest it is handed
// (r‖s): a signature's digest (SHA-384) as it is; for a sign-in, the statement naming the
// service, SHA-384 of "riik-app-signin:" ‖ issuer ‖ ":" ‖ the hash (auth/app_confirm.h).
async function signHash(request, key, purpose) {
  const hash = Buffer.from(request.hash, "base64");
  check(hash.length === 48 && request.hash_algorithm === "SHA-384", `a hash of the wrong kind: ${JSON.stringify(request)}`);
  const signed = purpose === "sign-in"
    ? createHash("sha384").update(`riik-app-signin:${await signInIssuer()}:`).update(hash).digest()
    : hash;
  const signature = p384.sign(signed, key.secret, { prehash: false });
  return { certificate: key.certificate, signature: Buffer.from(signature).toString("base64") };
}

// The app confirming a sign-in with PIN1, once it shows the code the browser shows.
export async function approveSignIn(eid, shownCode) {
  const request = await waiting(eid, "authentication");
  const code = verificationCode(Buffer.from(request.hash, "base64"));
  check(code === shownCode, `the app shows ${code}, the browser ${shownCode}: not this voter's request`);
  await answer(request, await signHash(request, eid.auth, "sign-in"));
}

// The app confirming a signature: the signing certificate first, then PIN2 on the digest
// once its verification code is the one the page shows (`shownCode()`).
export async function approveSignature(eid, shownCode) {
  const first = await waiting(eid, "signing-certificate");
  // The choice of signing certificate, signed with PIN1 (auth::SigningCertificateHash).
  const chosen = createHash("sha384")
    .update(`riik-app-signing-certificate:${first.id}:`)
    .update(Buffer.from(eid.sign.certificate, "base64"))
    .digest();
  await answer(first, {
    certificate: eid.auth.certificate,
    signature: Buffer.from(p384.sign(chosen, eid.auth.secret, { prehash: false })).toString("base64"),
    signing_certificate: eid.sign.certificate,
  });
  const request = await waiting(eid, "signing");
  for (let i = 0; i < 300 && !shownCode(); ++i) await sleep(100);
  const code = verificationCode(Buffer.from(request.hash, "base64"));
  check(code === shownCode(), `the app shows ${code}, the Vote page ${shownCode()}: not this ballot's signature`);
  await answer(request, await signHash(request, eid.sign, "signature"));
}

export const randomChoice = () => randomBytes(1)[0];
