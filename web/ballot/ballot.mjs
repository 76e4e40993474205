// The voter's side of riik's i-voting in JavaScript: a ballot encrypted and proven
// exactly as src/election/ballot.cc's EncryptBallot does it, so that the vote service's
// checks (VerifyBallot) take it (docs/formats/election-record.md, "Ballot"). The citizen
// portal's Vote page runs it in the browser (bundled by esbuild into the binary); the
// tests' voters run it in Node. The group is ristretto255 (RFC 9496) from @noble/curves;
// hashes from @noble/hashes; randomness from the platform's CSPRNG.
//
// Exponential ElGamal per option, (α, β) = (r·G, m·G + r·K); for each option a
// disjunctive Chaum–Pedersen proof that m is 0 or 1, and for each contest one that the
// options' total is within [min, max]. Each proof's Fiat–Shamir challenge is SHA-512 over
// length-prefixed fields, reduced mod L, bound to the election (the manifest's hash), the
// voter's pseudonym and every ciphertext of the ballot.
import { ristretto255 } from "@noble/curves/ed25519.js";
import { sha256, sha512 } from "@noble/hashes/sha2.js";

const Point = ristretto255.Point;
const G = Point.BASE;
const L = Point.Fn.ORDER;
const encoder = new TextEncoder();

const mod = (x) => ((x % L) + L) % L;

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u64(n) {
  const out = new Uint8Array(8);
  let v = BigInt(n);
  for (let i = 7; i >= 0; --i) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

const bytes = (x) => (typeof x === "string" ? encoder.encode(x) : x);

// 64 bytes, little-endian, reduced mod L (libsodium's crypto_core_ristretto255_scalar_reduce).
function scalarFromWide(wide) {
  let v = 0n;
  for (let i = wide.length - 1; i >= 0; --i) v = (v << 8n) | BigInt(wide[i]);
  return mod(v);
}

function scalarBytes(s) {
  const out = new Uint8Array(32);
  let v = s;
  for (let i = 0; i < 32; ++i) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function randomScalar() {
  const wide = new Uint8Array(64);
  globalThis.crypto.getRandomValues(wide);
  return scalarFromWide(wide);
}

// k·P for any scalar k, 0 included.
const times = (p, k) => (mod(k) === 0n ? Point.ZERO : p.multiply(mod(k)));

// A point's 32-byte encoding, made once per point: each goes into the ciphertexts' hash,
// a transcript and the ballot's JSON, and an encoding costs a field inversion.
const encodings = new WeakMap();
function encode(p) {
  let e = encodings.get(p);
  if (!e) {
    e = p.toBytes();
    encodings.set(p, e);
  }
  return e;
}

export function base64(data) {
  let s = "";
  for (const b of data) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text) {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; ++i) out[i] = s.charCodeAt(i);
  return out;
}

export function hex(data) {
  return Array.from(data, (b) => b.toString(16).padStart(2, "0")).join("");
}

function fromHex(text) {
  if (!/^([0-9a-f]{2})*$/.test(text)) throw new Error("not hex");
  return Uint8Array.from(text.match(/../g) || [], (h) => parseInt(h, 16));
}

// Fiat–Shamir: SHA-512 over the domain, the election, then each label and value, every
// field prefixed with its length (8 bytes, big-endian).
class Transcript {
  constructor(domain, election) {
    this.parts = [];
    this.field(bytes(domain));
    this.field(election);
  }
  field(b) {
    this.parts.push(u64(b.length), b);
  }
  add(label, value) {
    this.field(bytes(label));
    this.field(value instanceof Point ? encode(value) : bytes(value));
    return this;
  }
  addNumber(label, n) {
    return this.add(label, u64(n));
  }
  challenge() {
    return scalarFromWide(sha512(concat(this.parts)));
  }
}

// A proof's context: its parts, each length-prefixed.
function contextOf(parts) {
  return concat(parts.flatMap((p) => [u64(bytes(p).length), bytes(p)]));
}

// An option's ciphertext, m 0 or 1: m·G is an addition of G or of nothing, the same work
// either way (a multiplication by 1 would cost a whole one, and show the choice in time).
function encrypt(key, m, r) {
  return { alpha: times(G, r), beta: times(key, r).add(m === 1 ? G : Point.ZERO) };
}

function rangeChallenge(election, context, key, c, lo, hi, branches) {
  const t = new Transcript("riik-election-v1/range", election);
  t.add("context", context).add("K", key).add("alpha", c.alpha).add("beta", c.beta);
  t.addNumber("lo", lo).addNumber("hi", hi);
  for (const b of branches) t.add("a", b.a).add("b", b.b);
  return t.challenge();
}

// The proof that c = Encrypt(key, m, r) holds m in [lo, hi]: the true branch answered,
// the others simulated, the challenges adding up to the transcript's.
//
// A simulated branch j is a = v·G − e·α and b = v·K − e·(β − j·G). Knowing r and m, the
// prover writes the same points with G and K alone, a = (v − e·r)·G and
// b = (v − e·r)·K − e·(m − j)·G, so every multiplication here uses a base with a table
// (G's, and the key's from electionKey): the ballot costs about twice its multiplications,
// not five times (bench/ballot_encrypt_bench.mjs, docs/benchmarks.md).
function proveRange(election, context, key, c, m, r, lo, hi) {
  const branches = [];
  const u = randomScalar();
  let simulated = 0n;
  for (let j = lo; j <= hi; ++j) {
    if (j === m) {
      branches.push({ a: times(G, u), b: times(key, u) });
      continue;
    }
    const challenge = randomScalar(), response = randomScalar();
    simulated = mod(simulated + challenge);
    const s = response - challenge * r;
    branches.push({
      a: times(G, s),
      b: times(key, s).subtract(times(G, challenge * BigInt(m - j))),
      challenge,
      response,
    });
  }
  const real = branches[m - lo];
  real.challenge = mod(rangeChallenge(election, context, key, c, lo, hi, branches) - simulated);
  real.response = mod(u + real.challenge * r);
  return branches.map((b, j) => {
    // Keys in the order the canonical form has them (sorted: a, b, c, v); the last branch's c is derived.
    const out = { a: base64(encode(b.a)), b: base64(encode(b.b)) };
    if (j + 1 < branches.length) out.c = base64(scalarBytes(b.challenge));
    out.v = base64(scalarBytes(b.response));
    return out;
  });
}

// The election key, with a table of its multiples (as G has one): its 13 scalar
// multiplications in a 4-option ballot then cost a tenth. Kept for the next ballot (a
// challenged one is followed by the cast one).
let keyTable = { text: null, point: null };
function electionKey(text) {
  if (keyTable.text !== text) {
    const key = Point.fromBytes(fromBase64(text));
    if (key.equals(Point.ZERO)) throw new Error("the election key is the identity");
    keyTable = { text, point: key.precompute(8, false) };
  }
  return keyTable.point;
}

// Encrypts the voter's choices: `election` is the vote service's GET /election answer
// ({manifest, election (hex), key (base64), voter, district}); `choices` maps each of the
// district's contest ids to the option ids chosen. Returns the ballot's JSON (what the
// voter signs) and its randomness (what the check opens it with: keep it secret).
export function encryptBallot(election, choices) {
  const manifest = election.manifest;
  const hash = fromHex(election.election);
  if (hash.length !== 32) throw new Error("the election's hash is not 32 bytes");
  const key = electionKey(election.key);
  const voter = election.voter;
  const contests = manifest.contests.filter((c) => c.district === election.district);
  if (contests.length === 0) throw new Error(`district ${election.district} has no contests`);
  for (const id of Object.keys(choices)) {
    if (!contests.some((c) => c.id === id)) throw new Error(`contest ${id} is not your district's`);
  }
  const encrypted = [], randomness = [], values = [];
  for (const contest of contests) {
    const chosen = choices[contest.id] || [];
    const index = new Set();
    for (const id of chosen) {
      const k = contest.options.findIndex((o) => o.id === id);
      if (k < 0) throw new Error(`contest ${contest.id} has no option ${id}`);
      if (index.has(k)) throw new Error(`option ${id} is chosen twice`);
      index.add(k);
    }
    if (chosen.length < contest.min || chosen.length > contest.max) {
      throw new Error(`contest ${contest.id} takes ${contest.min} to ${contest.max} choices, not ${chosen.length}`);
    }
    const rs = contest.options.map(() => randomScalar());
    const ms = contest.options.map((_, k) => (index.has(k) ? 1 : 0));
    encrypted.push(rs.map((r, k) => encrypt(key, ms[k], r)));
    randomness.push(rs);
    values.push(ms);
  }
  // The proofs, once every ciphertext they are bound to is known.
  const ciphertexts = sha256(concat(encrypted.flat().flatMap((c) => [encode(c.alpha), encode(c.beta)])));
  const ballotContests = contests.map((contest, i) => {
    const selections = contest.options.map((option, k) => {
      const c = encrypted[i][k];
      const context = contextOf(["selection", voter, ciphertexts, contest.id, option.id]);
      return {
        alpha: base64(encode(c.alpha)),
        beta: base64(encode(c.beta)),
        proof: proveRange(hash, context, key, c, values[i][k], randomness[i][k], 0, 1),
      };
    });
    const total = encrypted[i].reduce(
      (sum, c) => ({ alpha: sum.alpha.add(c.alpha), beta: sum.beta.add(c.beta) }),
      { alpha: Point.ZERO, beta: Point.ZERO },
    );
    const rTotal = randomness[i].reduce((sum, r) => mod(sum + r), 0n);
    const count = values[i].reduce((sum, m) => sum + m, 0);
    const context = contextOf(["total", voter, ciphertexts, contest.id]);
    return {
      contest: contest.id,
      selections,
      total_proof: proveRange(hash, context, key, total, count, rTotal, contest.min, contest.max),
    };
  });
  // The canonical form the vote service requires: keys sorted, no spaces (what
  // BallotToJson writes), so that one ballot has one spelling.
  const ballot = { contests: ballotContests, election: election.election, format: "riik-ballot-v1", voter };
  return {
    ballot: JSON.stringify(ballot),
    randomness: JSON.stringify(randomness.map((rs) => rs.map((r) => base64(scalarBytes(r))))),
  };
}

// SHA-256 of the ballot's JSON as cast, hex: the receipt's ballot_hash.
export function ballotHash(ballotJson) {
  return hex(sha256(encoder.encode(ballotJson)));
}
