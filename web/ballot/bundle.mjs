// Bundles ballot.mjs (and @noble's modules it imports) into one script for the browser,
// its exports under window.riikBallot: `node bundle.mjs OUT.js`. The build runs it
// (src/CMakeLists.txt), and the binary embeds OUT.js as the portal's /static/ballot.js.
import { build } from "esbuild";

await build({
  entryPoints: [new URL("./ballot.mjs", import.meta.url).pathname],
  bundle: true,
  minify: true,
  format: "iife",
  globalName: "riikBallot",
  target: "es2020",
  outfile: process.argv[2],
  logLevel: "warning",
});
