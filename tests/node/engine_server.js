/* The browser engine in Node, for the parity tests (tests/test_parity_node.py): no browser, about a
 * millisecond a plan. Reads JSON lines on stdin: the first is the exported questionnaire, each next one
 * an answer document; writes one JSON line per document: {errors, plan} as ReadinessEngine.plan gives
 * them, or {crash} if the engine threw (a crash is a parity failure, never a pass). */
"use strict";
const path = require("path");
const readline = require("readline");
const E = require(path.resolve(__dirname, "../../builder/wizard/engine.js"));

let Q = null;
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on("line", (line) => {
  if (Q === null) { Q = JSON.parse(line); process.stdout.write("{\"ready\":true}\n"); return; }
  let out;
  try {
    const r = E.plan(Q, JSON.parse(line));
    out = { errors: r.errors, plan: r.plan === undefined ? null : r.plan };
  } catch (e) {
    out = { crash: String(e && e.stack || e) };
  }
  process.stdout.write(JSON.stringify(out) + "\n");
});
