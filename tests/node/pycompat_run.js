/* pycompat.js in Node, for tests/test_pycompat.py: reads one JSON document on stdin ({text_rules, strip, length, quote,
 * hint, date}: lists of inputs) and writes each function's results, in the same shape, as one JSON document. */
"use strict";
const path = require("path");
const P = require(path.resolve(__dirname, "../../builder/wizard/pycompat.js"));

// JSON has no infinity or NaN (a YAML file has: .inf, .nan); the test sends them as {"__float__": "inf" | "-inf" | "nan"}.
const SPECIAL = { inf: Infinity, "-inf": -Infinity, nan: NaN };
const input = JSON.parse(require("fs").readFileSync(0, "utf8"), function (key, value) {
  return value !== null && typeof value === "object" && Object.keys(value).join() === "__float__" ? SPECIAL[value.__float__] : value;
});
P.useTextRules({ text_rules: input.text_rules });
process.stdout.write(JSON.stringify({
  strip: input.strip.map(P.strip),
  length: input.length.map(P.textLength),
  quote: input.quote.map(P.quote),
  hint: input.hint.map(function (c) { return P.hint(c[0], c[1]); }),
  date: input.date.map(P.isoDate),
}));
