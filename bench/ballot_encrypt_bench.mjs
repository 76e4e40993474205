// The voter's side of i-voting: a ballot encrypted and proven in JavaScript
// (web/ballot/ballot.mjs, what the portal's Vote page runs in the browser), against its
// floor in the same run: the fixed-base scalar multiplications the ballot needs, each
// with G's table or the election key's (the same @noble/curves calls ballot.mjs makes).
// What is left above the floor is the points' encodings, the transcripts' hashing and
// the JSON.
//
//   node bench/ballot_encrypt_bench.mjs [runs]
//
// Per option (exponential ElGamal and a 0/1 proof): r·G and r·K for the ciphertext, u·G
// and u·K for the true branch, and three for the simulated one; per contest, the total's
// proof over [min, max]: two for its true branch, three for each other.
import { ristretto255 } from "../web/node_modules/@noble/curves/ed25519.js";
import { encryptBallot } from "../web/ballot/ballot.mjs";

const runs = Number(process.argv[2] || 41);
const Point = ristretto255.Point;
const L = Point.Fn.ORDER;
const random = () => {
  const b = new Uint8Array(64);
  globalThis.crypto.getRandomValues(b);
  return b.reduce((v, x) => (v << 8n) | BigInt(x), 0n) % L;
};

function median(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// Milliseconds for one call of `work`, the median of `runs` (after two to warm up).
function time(work) {
  work();
  work();
  const samples = [];
  for (let i = 0; i < runs; ++i) {
    const start = process.hrtime.bigint();
    work();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

const secret = random();
const key = Point.BASE.multiply(secret);
const keyTable = key.precompute(8, false); // as ballot.mjs's electionKey keeps it

console.log("options  encrypt+prove  its multiplications (floor)  ratio");
for (const options of [2, 4, 10]) {
  const contest = {
    id: "c", district: "1", min: 1, max: 1,
    options: Array.from({ length: options }, (_, i) => ({ id: `o${i}` })),
  };
  const election = {
    manifest: { contests: [contest] },
    election: "ab".repeat(32),
    key: Buffer.from(key.toBytes()).toString("base64"),
    voter: "v",
    district: "1",
  };
  const encrypt = time(() => encryptBallot(election, { c: ["o1"] }));
  // The floor: 7 fixed-base multiplications per option, 2 for the total's proof (min = max).
  const perOption = [Point.BASE, keyTable, Point.BASE, keyTable, Point.BASE, keyTable, Point.BASE];
  const bases = [...Array(options).fill(perOption).flat(), Point.BASE, keyTable];
  const scalars = bases.map(() => random());
  const floor = time(() => bases.forEach((p, i) => p.multiply(scalars[i])));
  console.log(`${String(options).padStart(7)}  ${encrypt.toFixed(1).padStart(10)} ms  ` +
    `${floor.toFixed(1).padStart(10)} ms (${bases.length} multiplications)  ${(encrypt / floor).toFixed(2).padStart(12)}`);
}
