/* What the browser engine needs of Python's behaviour, in one place: the few rules where engine.js must agree with the
 * Python engine on text (str.strip's whitespace, lengths in code points, errors.quote's quoting, errors.hint's "did you
 * mean" by difflib's ratio, and answers.DATE). Each is a stated rule both engines follow; builder/wizard/mirror.yaml names
 * each function's Python twin, and tests/test_pycompat.py holds them equal in Node on generated Unicode inputs.
 *
 * No page loads this file by itself: the site serves it as the start of engine.js (builder/output/site_sources.py), so
 * a wizard page needs no extra script tag or request; Node and the test pages load it through engine.js's require.
 * A classic script, like engine.js. */
(function (root) {
  "use strict";

  var dict = function () { return Object.create(null); };

  // Python's str.strip() whitespace, which differs a little from String.prototype.trim.
  var WS = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  var STRIP = new RegExp("^[" + WS + "]+|[" + WS + "]+$", "g");
  function strip(s) { return s.replace(STRIP, ""); }

  /** A text's length as Python counts it: in code points, not UTF-16 units. */
  function textLength(s) {
    var n = s.length;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        var d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) { n--; i++; }
      }
    }
    return n;
  }

  /** A value from a file as a message quotes it: errors.quote's stated rule, with its INVISIBLE code points
   * exported with the questionnaire (text_rules), so both engines escape the same characters. */
  var INVISIBLE = null;
  function useTextRules(q) {
    if (INVISIBLE === null) {
      INVISIBLE = new RegExp("[" + q.text_rules.invisible.map(function (r) {
        return "\\u{" + r[0].toString(16) + "}-\\u{" + r[1].toString(16) + "}";
      }).join("") + "]", "u");
    }
  }
  function hex(code, width) { return ("0000" + code.toString(16)).slice(-width); }
  /** A number as errors.quote writes it: a whole number below 2**53 as digits; any other as Python's repr of a float
   * (the shortest digits that read back, as toExponential gives them: fixed from 1e-4 up to 1e16, else d.ddde±XX).
   * A whole number from 2**53 up is read as a float: JavaScript cannot tell 2**60 from 2.0**60, or 2**60 + 1 from either. */
  function number(v) {
    if (v !== v) return "nan";
    if (v === Infinity || v === -Infinity) return v > 0 ? "inf" : "-inf";
    if (Number.isInteger(v) && Math.abs(v) < 9007199254740992) return String(v);
    var parts = v.toExponential().split("e"), exp = +parts[1];
    var sign = v < 0 ? "-" : "", digits = parts[0].replace(/[-.]/g, "");
    if (exp < -4 || exp >= 16) {
      var size = Math.abs(exp);
      return sign + digits[0] + (digits.length > 1 ? "." + digits.slice(1) : "") + "e" + (exp < 0 ? "-" : "+") + (size < 10 ? "0" : "") + size;
    }
    if (exp < 0) return sign + "0." + "0".repeat(-exp - 1) + digits;
    if (digits.length <= exp + 1) return sign + digits + "0".repeat(exp + 1 - digits.length) + ".0";
    return sign + digits.slice(0, exp + 1) + "." + digits.slice(exp + 1);
  }

  function quote(v) {
    if (v === null || v === undefined) return "None";
    if (v === true || v === false) return v ? "True" : "False";
    if (typeof v === "number") return number(v);
    if (Array.isArray(v)) return "[" + v.map(quote).join(", ") + "]";
    if (typeof v === "object") return "{" + Object.keys(v).map(function (k) { return quote(k) + ": " + quote(v[k]); }).join(", ") + "}";
    var mark = v.indexOf("'") >= 0 && v.indexOf('"') < 0 ? '"' : "'";
    return mark + Array.from(v).map(function (c) {
      if (c === mark) return "\\" + mark;
      var fixed = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" }[c];
      if (fixed) return fixed;
      if (!INVISIBLE.test(c)) return c;
      var code = c.codePointAt(0);
      return code < 0x100 ? "\\x" + hex(code, 2) : "\\u" + hex(code, 4);
    }).join("") + mark;
  }

  // difflib.get_close_matches(word, choices, n=1, cutoff=0.6), for the "did you mean" hints.
  function ratio(a, b) {
    a = Array.from(a); b = Array.from(b);
    var b2j = dict(), n = b.length, i, j;
    for (j = 0; j < n; j++) (b2j[b[j]] = b2j[b[j]] || []).push(j);
    if (n >= 200) { // autojunk: drop popular elements
      var ntest = Math.floor(n / 100) + 1;
      for (var e in b2j) if (b2j[e].length > ntest) delete b2j[e];
    }
    function longest(alo, ahi, blo, bhi) {
      var bi = alo, bj = blo, size = 0, j2len = dict();
      for (var i = alo; i < ahi; i++) {
        var next = dict(), js = b2j[a[i]] || [];
        for (var x = 0; x < js.length; x++) {
          var j = js[x];
          if (j < blo) continue;
          if (j >= bhi) break;
          var k = next[j] = (j2len[j - 1] || 0) + 1;
          if (k > size) { bi = i - k + 1; bj = j - k + 1; size = k; }
        }
        j2len = next;
      }
      while (bi > alo && bj > blo && a[bi - 1] === b[bj - 1]) { bi--; bj--; size++; }
      while (bi + size < ahi && bj + size < bhi && a[bi + size] === b[bj + size]) size++;
      return [bi, bj, size];
    }
    var matched = 0, queue = [[0, a.length, 0, n]];
    while (queue.length) {
      var r = queue.pop(), m = longest(r[0], r[1], r[2], r[3]);
      i = m[0]; j = m[1];
      if (m[2]) {
        matched += m[2];
        if (r[0] < i && r[2] < j) queue.push([r[0], i, r[2], j]);
        if (i + m[2] < r[1] && j + m[2] < r[3]) queue.push([i + m[2], r[1], j + m[2], r[3]]);
      }
    }
    var total = a.length + n;
    return total ? 2.0 * matched / total : 1.0;
  }

  function hint(word, choices, shown) {
    var best = null, score = -1;
    choices.forEach(function (c) {
      var s = ratio(c, word);
      if (s >= 0.6 && (s > score || (s === score && c > best))) { best = c; score = s; }
    });
    return best === null ? "" : " (did you mean '" + (shown ? shown(best) : best) + "'?)";
  }

  // answers.DATE: YYYY-MM-DD and a real day, the one date form both engines take (no quirk of Python's to port).
  function isoDate(s) {
    var m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(s);
    if (!m || +m[1] < 1) return null;
    var d = new Date(0);
    d.setUTCFullYear(+m[1], +m[2] - 1, +m[3]);
    return d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3] ? s : null;
  }

  var api = { strip: strip, textLength: textLength, useTextRules: useTextRules, quote: quote, ratio: ratio, hint: hint, isoDate: isoDate };
  root.ReadinessPyCompat = api;
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
