/* The pure readiness engine: (questionnaire JSON, answers) -> plan. It mirrors builder/engine.py,
 * builder/conditions.py and builder/answers.py line for line; no DOM, no I/O, no copy of any rule.
 * A classic script (not a module), so the site also works opened from disk (file://). */
(function (root) {
  "use strict";

  var PLAN_VERSION = 1;
  var ANSWER_FILE_VERSION = 1;
  var SKIPPED = Object.freeze({ skipped: true }); // a routing-skipped question: definitely not any option
  var RANK = { red: 0, amber: 1, green: 2 };
  var TOP_KEYS = ["version", "questionnaire_version", "assessed_on", "respondent_role", "clinic", "answers"];
  var CLINIC_KEYS = ["name", "organisation"];
  var ANSWER_KEYS = ["answer", "note"];

  // The wording of builder/errors.py's Msg templates (the tests compare them with Python's).
  var MSG = {
    EMPTY_ANSWERS: "the file is empty; an answer file starts with 'version: 1', then 'clinic:' and 'answers:'",
    NOT_A_MAPPING: "expected a mapping of 'version', 'clinic' and 'answers' at the top of the file",
    NO_VERSION: "missing 'version: 1' at the top of the file; add it so the file can be read in years to come",
    BAD_VERSION: "answer-file version {version} is not supported; this tool reads version 1 (save the file again from a current wizard or fix the 'version' line)",
    UNKNOWN_KEY: "unknown key '{key}'{hint}; allowed here: {allowed}",
    MISSING_KEY: "missing '{key}'; add it ({example})",
    WRONG_TYPE: "'{key}' should be {expected}, not {got}",
    BAD_DATE: "'{key}' should be a date written YYYY-MM-DD, such as 2026-11-23",
    UNKNOWN_QUESTION: "unknown question '{question}'{hint}; see questionnaire/README.md for the question ids",
    UNKNOWN_OPTION: "'{value}' is not an option of '{question}'; choose one of: {options}",
    SINGLE_GIVEN_LIST: "question '{question}' takes one answer, not a list; choose one of: {options}",
    MULTI_GIVEN_SINGLE: "question '{question}' takes a list of answers; write it as [{value}]",
    MULTI_EMPTY: "question '{question}' needs at least one answer; choose from: {options} (or leave it out while undecided)",
    MULTI_EXCLUSIVE: "question '{question}': '{option}' cannot be combined with other answers; keep either '{option}' or the others",
    MULTI_DUPLICATE: "question '{question}': '{option}' is listed twice; list it once",
    TEXT_EXPECTED: "question '{question}' takes free text; put the answer in quotes",
    OPTION_EXPECTED: "question '{question}' takes an option id such as '{example}', not {got}; quote it if it is yes or no",
    ANSWER_MAPPING: "the answer to '{question}' may only have 'answer' and 'note'; found '{key}'",
    NOTE_TEXT: "the note on '{question}' should be text; put it in quotes",
    SKIPPED_ANSWER: "question '{question}' was not asked ({why}), so its answer is ignored",
    YAML_SYNTAX: "malformed YAML: {problem}; check the indentation and quoting here",
    JSON_SYNTAX: "malformed JSON: {problem}; check the brackets, commas and quotes here"
  };

  var has = function (o, k) { return Object.prototype.hasOwnProperty.call(o, k); };
  var dict = function () { return Object.create(null); };
  var isMap = function (v) { return v !== null && typeof v === "object" && !Array.isArray(v); };

  /** Fill {name} fields, as engine.fill does (no format specs; a missing field is an error). */
  function fill(template, fields) {
    return template.replace(/\{([\p{L}\p{N}_]+)\}/gu, function (_, k) {
      if (!has(fields, k)) throw new Error("no value for {" + k + "} in: " + template);
      return String(fields[k]);
    });
  }

  // Python's str.strip() whitespace, which differs a little from String.prototype.trim.
  var WS = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  var STRIP = new RegExp("^[" + WS + "]+|[" + WS + "]+$", "g");
  function strip(s) { return s.replace(STRIP, ""); }

  /** repr() of a JSON value, for messages that quote what the file said. */
  function repr(v) {
    if (v === null || v === undefined) return "None";
    if (v === true || v === false) return v ? "True" : "False";
    if (typeof v === "number") return isFinite(v) ? String(v) : v > 0 ? "inf" : v < 0 ? "-inf" : "nan";
    if (Array.isArray(v)) return "[" + v.map(repr).join(", ") + "]";
    if (typeof v === "object") return "{" + Object.keys(v).map(function (k) { return repr(k) + ": " + repr(v[k]); }).join(", ") + "}";
    var q = v.indexOf("'") >= 0 && v.indexOf('"') < 0 ? '"' : "'";
    return q + v.replace(/[\\\n\r\t\x00-\x1f\x7f]/g, function (c) {
      return { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" }[c] || "\\x" + ("0" + c.charCodeAt(0).toString(16)).slice(-2);
    }).split(q).join(q === "'" ? "\\'" : q) + q;
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

  function hint(word, choices) {
    var best = null, score = -1;
    choices.forEach(function (c) {
      var s = ratio(c, word);
      if (s >= 0.6 && (s > score || (s === score && c > best))) { best = c; score = s; }
    });
    return best === null ? "" : " (did you mean '" + best + "'?)";
  }

  // datetime.date.fromisoformat as in Python 3.11: YYYY-MM-DD, YYYYMMDD and ISO week dates.
  function isoDate(s) {
    var m = /^(\d{4})(-?)(?:W(\d\d)(?:\2(\d))?|(\d\d)\2(\d\d))$/.exec(s);
    if (!m || +m[1] < 1) return null;
    var y = +m[1], d = new Date(0);
    d.setUTCFullYear(y, 0, 1);
    if (m[3]) {
      var week = +m[3], day = m[4] ? +m[4] : 1, jan1 = d.getUTCDay(); // 0 = Sunday
      var leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
      var weeks = jan1 === 4 || (jan1 === 3 && leap) ? 53 : 52;
      if (week < 1 || week > weeks || day < 1 || day > 7) return null;
      d.setUTCFullYear(y, 0, 4);
      d.setUTCDate(4 - (d.getUTCDay() + 6) % 7 + (week - 1) * 7 + day - 1);
      if (d.getUTCFullYear() < 1 || d.getUTCFullYear() > 9999) return null;
    } else {
      d.setUTCFullYear(y, +m[5] - 1, +m[6]);
      if (+m[5] < 1 || +m[6] < 1 || d.getUTCMonth() !== +m[5] - 1 || d.getUTCDate() !== +m[6]) return null;
    }
    var pad = function (n, w) { return ("000" + n).slice(-w); };
    return pad(d.getUTCFullYear(), 4) + "-" + pad(d.getUTCMonth() + 1, 2) + "-" + pad(d.getUTCDate(), 2);
  }

  // ---------------------------------------------------------------- the questionnaire

  var indexes = typeof WeakMap === "function" ? new WeakMap() : null;

  /** Questions in order, by id, and each question's domain (cached per questionnaire object). */
  function index(q) {
    var ix = indexes && indexes.get(q);
    if (ix) return ix;
    ix = { questions: [], byId: dict(), domainOf: dict(), domainById: dict() };
    q.domains.forEach(function (d) {
      ix.domainById[d.id] = d;
      d.questions.forEach(function (qu) { ix.questions.push(qu); ix.byId[qu.id] = qu; ix.domainOf[qu.id] = d; });
    });
    if (indexes) indexes.set(q, ix);
    return ix;
  }

  // ---------------------------------------------------------------- conditions (Kleene logic)

  /** true, false or null (unknown): conditions.evaluate. */
  function evaluate(cond, values, route, roles) {
    var op = Object.keys(cond)[0], arg = cond[op], results;
    var sub = function (c) { return evaluate(c, values, route, roles); };
    switch (op) {
      case "all":
        results = arg.map(sub);
        return results.indexOf(false) >= 0 ? false : results.indexOf(null) >= 0 ? null : true;
      case "any":
        results = arg.map(sub);
        return results.indexOf(true) >= 0 ? true : results.indexOf(null) >= 0 ? null : false;
      case "not":
        results = sub(arg);
        return results === null ? null : !results;
      case "route":
        return route === arg;
      case "role":
        return (roles || []).indexOf(arg) >= 0;
    }
    var wanted = op === "equals" || op === "includes" ? [arg[1]] : arg[1];
    var value = has(values, arg[0]) ? values[arg[0]] : null;
    if (value === null || value === undefined) return null;
    if (value === SKIPPED) return false;
    if (op === "equals" || op === "in") return typeof value === "string" && wanted.indexOf(value) >= 0;
    if (op === "includes" || op === "includes_any") {
      return Array.isArray(value) && wanted.some(function (w) { return value.indexOf(w) >= 0; });
    }
    throw new TypeError("not a condition: " + JSON.stringify(cond));
  }

  /** The question ids a condition tests, depth first (conditions.question_refs). */
  function questionRefs(cond, out) {
    out = out || [];
    if (!cond) return out;
    var op = Object.keys(cond)[0], arg = cond[op];
    if (op === "all" || op === "any") arg.forEach(function (c) { questionRefs(c, out); });
    else if (op === "not") questionRefs(arg, out);
    else if (op !== "route" && op !== "role") out.push(arg[0]);
    return out;
  }

  // ---------------------------------------------------------------- answer files (version 1)

  function kind(v) {
    if (v === null || v === undefined) return "nothing";
    if (v === true || v === false) return "true/false";
    if (typeof v === "string") return "text";
    if (typeof v === "number") return "a number";
    return Array.isArray(v) ? "a list" : "a mapping";
  }

  /** Validate an answer-file object as answers.parse_answers does.
   * Returns {answers: AnswerFile, errors: []} or {answers: null, errors: [one line per problem]}. */
  function parseAnswers(data, q) {
    var problems = [];
    var fail = function (msg) { return { answers: null, errors: [msg] }; };
    var say = function (t, f) { problems.push(fill(MSG[t], f || {})); };
    if (data === null || data === undefined || (typeof data === "string" && !strip(data))) return fail(MSG.EMPTY_ANSWERS);
    if (!isMap(data)) return fail(MSG.NOT_A_MAPPING);
    if (!has(data, "version")) return fail(MSG.NO_VERSION);
    if (data.version !== ANSWER_FILE_VERSION) return fail(fill(MSG.BAD_VERSION, { version: repr(data.version) }));

    Object.keys(data).forEach(function (key) {
      if (TOP_KEYS.indexOf(key) < 0) say("UNKNOWN_KEY", { key: key, hint: hint(key, TOP_KEYS), allowed: TOP_KEYS.join(", ") });
    });
    function textField(container, key) {
      var v = has(container, key) ? container[key] : null;
      if (v === null || v === undefined) return null;
      if (typeof v === "number") return String(v);
      if (typeof v !== "string") { say("WRONG_TYPE", { key: key, expected: "text", got: kind(v) }); return null; }
      return v;
    }
    var qversion = textField(data, "questionnaire_version");
    var role = textField(data, "respondent_role");
    var assessed = textField(data, "assessed_on");
    if (assessed !== null) {
      var iso = isoDate(assessed);
      if (iso === null) say("BAD_DATE", { key: "assessed_on" });
      else assessed = iso;
    }

    var clinic = has(data, "clinic") ? data.clinic : null, name = null, organisation = null;
    if (clinic === null) {
      say("MISSING_KEY", { key: "clinic", example: 'clinic: {name: "Riverside Clinic", organisation: "Riverside NHS Trust"}' });
    } else if (!isMap(clinic)) {
      say("WRONG_TYPE", { key: "clinic", expected: "a mapping with 'name' and 'organisation'", got: kind(clinic) });
    } else {
      Object.keys(clinic).forEach(function (key) {
        if (CLINIC_KEYS.indexOf(key) < 0) say("UNKNOWN_KEY", { key: key, hint: hint(key, CLINIC_KEYS), allowed: CLINIC_KEYS.join(", ") });
      });
      name = textField(clinic, "name");
      organisation = textField(clinic, "organisation");
      if (!name || !strip(name)) say("MISSING_KEY", { key: "name", example: 'name: "Riverside Clinic"' });
    }

    var ix = index(q), answers = dict();
    var raw = has(data, "answers") ? data.answers : null;
    if (raw === null) raw = {};
    if (!isMap(raw)) {
      say("WRONG_TYPE", { key: "answers", expected: "a mapping of question id to answer", got: kind(raw) });
      raw = {};
    }
    var ids = ix.questions.map(function (qu) { return qu.id; });
    Object.keys(raw).forEach(function (qid) {
      var question = ix.byId[qid], given = raw[qid], value = given, note = null;
      if (!question) { say("UNKNOWN_QUESTION", { question: qid, hint: hint(qid, ids) }); return; }
      if (isMap(given)) {
        Object.keys(given).forEach(function (key) {
          if (ANSWER_KEYS.indexOf(key) < 0) say("ANSWER_MAPPING", { question: qid, key: key });
        });
        value = has(given, "answer") ? given.answer : null;
        note = has(given, "note") ? given.note : null;
        if (note !== null && typeof note !== "string") { say("NOTE_TEXT", { question: qid }); note = null; }
      }
      var options = (question.options || []).map(function (o) { return o.id; });
      var listed = options.join(", ");
      if (value === null || value === undefined) {
        answers[qid] = { value: null, note: note };
      } else if (question.type === "text") {
        if (typeof value !== "string") say("TEXT_EXPECTED", { question: qid });
        else answers[qid] = { value: strip(value) || null, note: note };
      } else if (question.type === "single") {
        if (Array.isArray(value)) say("SINGLE_GIVEN_LIST", { question: qid, options: listed });
        else if (typeof value !== "string") say("OPTION_EXPECTED", { question: qid, example: options[0], got: kind(value) });
        else if (options.indexOf(value) < 0) say("UNKNOWN_OPTION", { value: value, question: qid, options: listed });
        else answers[qid] = { value: value, note: note };
      } else {
        if (!Array.isArray(value)) {
          if (typeof value === "string") say("MULTI_GIVEN_SINGLE", { question: qid, value: value });
          else say("OPTION_EXPECTED", { question: qid, example: options[0], got: kind(value) });
          return;
        }
        var chosen = [], bad = false;
        value.forEach(function (item) {
          if (typeof item !== "string") { say("OPTION_EXPECTED", { question: qid, example: options[0], got: kind(item) }); bad = true; }
          else if (options.indexOf(item) < 0) { say("UNKNOWN_OPTION", { value: item, question: qid, options: listed }); bad = true; }
          else if (chosen.indexOf(item) >= 0) { say("MULTI_DUPLICATE", { question: qid, option: item }); bad = true; }
          else chosen.push(item);
        });
        if (bad) return;
        if (!chosen.length) { say("MULTI_EMPTY", { question: qid, options: listed }); return; }
        var exclusive = question.options.filter(function (o) { return o.exclusive && chosen.indexOf(o.id) >= 0; });
        if (exclusive.length && chosen.length > 1) { say("MULTI_EXCLUSIVE", { question: qid, option: exclusive[0].id }); return; }
        // The questionnaire's order, so the same choices always give the same file and plan.
        answers[qid] = { value: options.filter(function (o) { return chosen.indexOf(o) >= 0; }), note: note };
      }
    });
    if (problems.length) return { answers: null, errors: problems };
    return {
      answers: {
        clinic_name: strip(name), organisation: organisation ? strip(organisation) : null,
        questionnaire_version: qversion, assessed_on: assessed, respondent_role: role, answers: answers
      },
      errors: []
    };
  }

  // ---------------------------------------------------------------- the engine

  /** Follow the routing: each question's state (answered, unknown, skipped, pending) and the values conditions see. */
  function walk(q, af) {
    var values = dict(), steps = [];
    index(q).questions.forEach(function (qu) {
      var shown = qu.ask_if === undefined || qu.ask_if === null ? true : evaluate(qu.ask_if, values);
      var state;
      if (shown === true) {
        var a = af.answers[qu.id];
        if (a && a.value !== null && a.value !== undefined) { state = "answered"; values[qu.id] = a.value; }
        else { state = "unknown"; values[qu.id] = null; }
      } else if (shown === false) { state = "skipped"; values[qu.id] = SKIPPED; }
      else { state = "pending"; values[qu.id] = null; }
      steps.push({ question: qu, state: state });
    });
    return { steps: steps, values: values };
  }

  /** [question id, message] for answers the routing did not ask for. */
  function ignoredAnswers(q, af, steps) {
    var out = [];
    steps.forEach(function (step) {
      var a = af.answers[step.question.id];
      if (!a || a.value === null || (step.state !== "skipped" && step.state !== "pending")) return;
      var deps = questionRefs(step.question.ask_if).filter(function (d, i, all) { return all.indexOf(d) === i; }).sort();
      var names = deps.map(function (d) { return "'" + d + "'"; }).join(", ");
      var why = step.state === "skipped" ? "because of the answer to " + names : names + " is not answered yet";
      out.push([step.question.id, fill(MSG.SKIPPED_ANSWER, { question: step.question.id, why: why })]);
    });
    return out;
  }

  function band(score, q) {
    var r = q.meta.ratings;
    return score >= r.green ? "green" : score >= r.amber ? "amber" : "red";
  }
  function cap(rating, to) { return RANK[to] < RANK[rating] ? to : rating; }
  /** 100 * earned / total, rounded half up, in integers (identical to Python's). */
  function roundPct(earned, total) { return Math.floor((200 * earned + total) / (2 * total)); }
  function labelsOf(qu, value) {
    if (qu.type === "text") return [value];
    var ids = Array.isArray(value) ? value : [value];
    return qu.options.filter(function (o) { return ids.indexOf(o.id) >= 0; }).map(function (o) { return o.label; });
  }
  function cmp(a, b) {
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
  }

  /** The tailored plan for one clinic's answers, key for key what engine.evaluate_plan returns. */
  function evaluatePlan(q, af) {
    var meta = q.meta, msgs = meta.messages, labels = meta.ratings.labels, ix = index(q);
    var w = walk(q, af), steps = w.steps, values = w.values, state = dict();
    steps.forEach(function (s) { state[s.question.id] = s.state; });

    var domains = {}, overallCaps = [];
    function applyGates(gates, rating, reasons) {
      (gates || []).forEach(function (gate) {
        if (evaluate(gate.when, values) !== true) return;
        if (gate.cap) {
          rating = cap(rating, gate.cap);
          reasons.push(fill(msgs.gate, { cap: gate.cap, reason: gate.reason }));
        }
        if (gate.overall) overallCaps.push([gate.overall, gate.reason]);
      });
      return rating;
    }
    function bandReason(score, rating) {
      return fill(msgs.band, { score: score, rating: rating, green: meta.ratings.green, amber: meta.ratings.amber });
    }

    q.domains.forEach(function (d) {
      var earnedTotal = 0, maxTotal = 0, lines = [], unknown = [];
      d.questions.forEach(function (qu) {
        if (state[qu.id] === "unknown" && !qu.optional) unknown.push(qu.id);
        if (!qu.scored) return;
        var top = qu.max;
        maxTotal += top;
        if (state[qu.id] === "answered") {
          var value = values[qu.id], chosen = Array.isArray(value) ? value : [value], sum = 0;
          qu.options.forEach(function (o) { if (chosen.indexOf(o.id) >= 0) sum += o.points || 0; });
          var earned = Math.min(sum, top);
          earnedTotal += earned;
          lines.push(fill(msgs.answered, { question: qu.title, answer: labelsOf(qu, value).join("; "), earned: earned, max: top }));
        } else {
          lines.push(fill(msgs.unanswered, { question: qu.title, max: top }));
        }
      });
      var score = roundPct(earnedTotal, maxTotal), rating = band(score, q), reasons = [bandReason(score, rating)];
      rating = applyGates(d.gates, rating, reasons);
      domains[d.id] = {
        title: d.title, score: score, rating: rating, label: labels[rating], meaning: d.ratings[rating],
        reasons: reasons.concat(lines), unknown: unknown
      };
    });

    var weights = meta.overall.weights, weighted = 0, totalWeight = 0;
    meta.domains.forEach(function (id) { weighted += domains[id].score * weights[id]; totalWeight += weights[id]; });
    var overallScore = roundPct(weighted, 100 * totalWeight), overallRating = band(overallScore, q);
    var overallReasons = [bandReason(overallScore, overallRating)];
    overallRating = applyGates(meta.overall.gates, overallRating, overallReasons);
    overallCaps.forEach(function (c) {
      overallRating = cap(overallRating, c[0]);
      overallReasons.push(fill(msgs.gate, { cap: c[0], reason: c[1] }));
    });
    var red = meta.domains.filter(function (id) { return domains[id].rating === "red"; }).map(function (id) { return domains[id].title; });
    if (red.length) {
      overallRating = cap(overallRating, meta.overall.any_red_caps_at);
      overallReasons.push(fill(msgs.any_red, { cap: meta.overall.any_red_caps_at, domains: red.join(", ") }));
    }

    // Route: the first rule that holds.
    var route = meta.routes.default.route, routeReasons = [meta.routes.default.reason];
    meta.routes.rules.some(function (rule) {
      if (evaluate(rule.when, values) !== true) return false;
      route = rule.route; routeReasons = [rule.reason];
      return true;
    });

    // Roles: points from every rule that holds; best fit first, ties in declared order.
    var fit = meta.roles.options.map(function (option, i) {
      var hits = meta.roles.rules.filter(function (r) { return r.role === option.id && evaluate(r.when, values) === true; });
      var points = hits.reduce(function (s, r) { return s + r.points; }, 0);
      return { role: option.id, title: option.title, points: points,
        reasons: hits.map(function (r) { return { points: r.points, text: r.reason }; }), _order: i };
    });
    var ranked = fit.slice().sort(function (a, b) { return cmp([-a.points, a._order], [-b.points, b._order]); });
    var roles = ranked.filter(function (f) { return f.points >= meta.roles.min_points; }).map(function (f) { return f.role; });
    var roleNote = null;
    if (!roles.length) { roles = [meta.roles.fallback.role]; roleNote = meta.roles.fallback.reason; }
    fit.forEach(function (f) { f.recommended = roles.indexOf(f.role) >= 0; delete f._order; });

    // Actions: find-outs for unknowns, then every action whose condition holds;
    // by phase, weakest domain first, then as written.
    var phaseIndex = dict(), domainRank = dict();
    meta.phases.forEach(function (p, i) { phaseIndex[p.id] = i; });
    meta.domains.slice().sort(function (a, b) {
      return cmp([domains[a].score, meta.domains.indexOf(a)], [domains[b].score, meta.domains.indexOf(b)]);
    }).forEach(function (id, i) { domainRank[id] = i; });
    var keyed = [];
    q.domains.forEach(function (d) {
      domains[d.id].unknown.forEach(function (qid, j) {
        var qu = ix.byId[qid];
        keyed.push([[0, domainRank[d.id], 0, j], {
          id: "find_out_" + qid, domain: d.id, phase: meta.phases[0].id, owner: "Service lead",
          title: fill(msgs.find_out_title, { question: qu.text }), detail: fill(msgs.find_out_detail, { help: qu.help }),
          source: meta.title, guidance: qu.guidance
        }]);
      });
      (d.actions || []).forEach(function (a, j) {
        if (a.when !== undefined && a.when !== null && evaluate(a.when, values, route, roles) !== true) return;
        var doc = meta.sources[a.source.doc];
        keyed.push([[phaseIndex[a.phase], domainRank[d.id], 1, j], {
          id: a.id, domain: d.id, phase: a.phase, owner: a.owner, title: a.title, detail: a.detail,
          source: doc.title + ": " + a.source.section, guidance: doc.page
        }]);
      });
    });
    var actions = keyed.sort(function (a, b) { return cmp(a[0], b[0]); }).map(function (k) { return k[1]; });

    // Templates: every template with a rule that holds, in catalog order, with all its reasons.
    var templateReasons = dict();
    meta.templates.rules.forEach(function (rule) {
      if (rule.when === undefined || rule.when === null || evaluate(rule.when, values, route, roles) === true) {
        (templateReasons[rule.template] = templateReasons[rule.template] || []).push(rule.reason);
      }
    });
    var templates = q.templates.map(function (t) { return t.id; }).filter(function (id) { return templateReasons[id]; });
    var reasonsOut = {};
    templates.forEach(function (id) { reasonsOut[id] = templateReasons[id]; });

    var answered = [];
    steps.forEach(function (step) {
      if (step.state !== "answered" && step.state !== "unknown") return;
      var qu = step.question, a = af.answers[qu.id];
      var value = step.state === "answered" ? values[qu.id] : null;
      answered.push({
        question: qu.id, domain: ix.domainOf[qu.id].id, title: qu.title, answer: value,
        labels: value !== null ? labelsOf(qu, value) : [], note: a ? a.note : null
      });
    });

    return {
      plan_version: PLAN_VERSION,
      questionnaire: { title: meta.title, version: meta.version },
      clinic: { name: af.clinic_name, organisation: af.organisation },
      assessment: { assessed_on: af.assessed_on, respondent_role: af.respondent_role, answered_against: af.questionnaire_version },
      readiness: {
        overall: { score: overallScore, rating: overallRating, label: labels[overallRating], reasons: overallReasons },
        domains: domains
      },
      route: route,
      route_reasons: routeReasons,
      roles: roles,
      role_note: roleNote,
      role_fit: fit,
      actions: actions,
      templates: templates,
      template_reasons: reasonsOut,
      answers: answered,
      unknown: meta.domains.reduce(function (out, id) { return out.concat(domains[id].unknown); }, []),
      ignored: ignoredAnswers(q, af, steps).map(function (x) { return x[0]; })
    };
  }

  /** Validate an answer-file object and evaluate it: {plan, errors}, as `readiness plan` would. */
  function plan(q, doc) {
    var parsed = parseAnswers(doc, q);
    return parsed.errors.length ? { plan: null, errors: parsed.errors } : { plan: evaluatePlan(q, parsed.answers), errors: [] };
  }

  // ---------------------------------------------------------------- building an answer file

  /** A version-1 answer-file object from the wizard's state:
   * {clinic: {name, organisation}, respondent_role, assessed_on, questionnaire_version, answers: {id: value}, notes: {id: text}}.
   * Answers in questionnaire order, multi answers in option order, notes as {answer, note};
   * answers to questions the routing now skips are left out, as `readiness assess` does. */
  function answerDoc(q, st) {
    var clean = function (s) { return typeof s === "string" && strip(s) ? strip(s) : null; };
    var given = st.answers || {}, notes = st.notes || {}, af = { answers: dict() };
    index(q).questions.forEach(function (qu) {
      var v = has(given, qu.id) ? given[qu.id] : null;
      if (qu.type === "text") v = clean(v);
      else if (qu.type === "multi") {
        v = Array.isArray(v) ? qu.options.map(function (o) { return o.id; }).filter(function (id) { return v.indexOf(id) >= 0; }) : null;
        if (v && !v.length) v = null;
      } else if (typeof v !== "string") v = null;
      var note = clean(has(notes, qu.id) ? notes[qu.id] : null);
      if (v !== null || note !== null) af.answers[qu.id] = { value: v, note: note };
    });
    var answers = {};
    walk(q, af).steps.forEach(function (s) {
      var a = af.answers[s.question.id];
      if (!a || (s.state !== "answered" && s.state !== "unknown")) return;
      answers[s.question.id] = a.note !== null ? { answer: a.value, note: a.note } : a.value;
    });
    var doc = { version: ANSWER_FILE_VERSION, questionnaire_version: clean(st.questionnaire_version) || q.meta.version };
    if (clean(st.assessed_on)) doc.assessed_on = clean(st.assessed_on);
    if (clean(st.respondent_role)) doc.respondent_role = clean(st.respondent_role);
    var clinic = st.clinic || {};
    doc.clinic = { name: clean(clinic.name) || "" };
    if (clean(clinic.organisation)) doc.clinic.organisation = clean(clinic.organisation);
    doc.answers = answers;
    return doc;
  }

  var api = {
    PLAN_VERSION: PLAN_VERSION, ANSWER_FILE_VERSION: ANSWER_FILE_VERSION, MSG: MSG,
    fill: fill, evaluate: evaluate, questionRefs: questionRefs, index: index, hint: hint, isoDate: isoDate,
    parseAnswers: parseAnswers, walk: walk, ignoredAnswers: ignoredAnswers, evaluatePlan: evaluatePlan,
    plan: plan, answerDoc: answerDoc, SKIPPED: SKIPPED
  };
  root.ReadinessEngine = api;
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
