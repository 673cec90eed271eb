/* The pure readiness engine: (questionnaire JSON, answers) -> plan. It mirrors builder/core/engine.py,
 * builder/core/conditions.py and builder/core/answers.py line for line; no DOM, no I/O, no copy of any rule.
 * A classic script (not a module), so the site also works opened from disk (file://). */
(function (root) {
  "use strict";

  var PLAN_VERSION = 2;
  var ANSWER_FILE_VERSION = 1;
  var SKIPPED = Object.freeze({ skipped: true }); // a routing-skipped question: definitely not any option
  var RANK = { red: 0, amber: 1, green: 2 };
  var TOP_KEYS = ["version", "questionnaire_version", "assessed_on", "respondent_role", "respondent", "clinic", "answers", "assumptions"];
  var CLINIC_KEYS = ["name", "organisation", "id", "area"];
  var RESPONDENT_KEYS = ["name", "role"];
  var ANSWER_KEYS = ["answer", "note"];

  // The answer-file messages are builder/core/errors.py's Msg templates, exported with the questionnaire
  // as `answer_messages` (builder/output/export.py), so this file holds no copy of them.

  var has = function (o, k) { return Object.prototype.hasOwnProperty.call(o, k); };
  var dict = function () { return Object.create(null); };

  // Python's behaviour where both engines must agree on text: pycompat.js, which the site serves as the start of this
  // file (builder/output/site_sources.py); in Node it is required here.
  var P = root.ReadinessPyCompat || (typeof require === "function" ? require("./pycompat.js") : null);
  if (!P) throw new Error("pycompat.js is not loaded: engine.js needs it first");
  var strip = P.strip, pyLen = P.textLength, useTextRules = P.useTextRules, quote = P.quote, hint = P.hint, isoDate = P.isoDate;
  var isMap = function (v) { return v !== null && typeof v === "object" && !Array.isArray(v); };

  /** Fill {name} fields, as engine.fill does (no format specs; a missing field is an error). */
  function fill(template, fields) {
    return template.replace(/\{([\p{L}\p{N}_]+)\}/gu, function (_, k) {
      if (!has(fields, k)) throw new Error("no value for {" + k + "} in: " + template);
      return String(fields[k]);
    });
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

  /** The first character `text` may not hold, as [kind, "U+XXXX"], or null: builder/core/text.py's unsafe_char over the
   * same ranges (rules: {control, line_breaks, hidden}, exported with the questionnaire). */
  function unsafeChar(text, rules, multiline) {
    var within = function (code, ranges) {
      for (var i = 0; i < ranges.length; i++) if (code >= ranges[i][0] && code <= ranges[i][1]) return true;
      return false;
    };
    var hex = function (code) { var h = code.toString(16).toUpperCase(); while (h.length < 4) h = "0" + h; return "U+" + h; };
    for (var i = 0; i < text.length; i++) {
      var code = text.codePointAt(i);
      if (code > 0xffff) i++;
      if (within(code, rules.control) && !(multiline && rules.line_breaks.indexOf(code) >= 0)) return ["control", hex(code)];
      if (within(code, rules.hidden)) return ["invisible or direction-changing", hex(code)];
    }
    return null;
  }

  /** Today plus `days` as YYYY-MM-DD, by this device's clock (answers.py's FUTURE_SLACK: the latest assessment date read). */
  function latestDay(days) {
    var d = new Date();
    d.setDate(d.getDate() + days);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  /** How a message names a question and its options: by id, as the command line does for a file's editor, or
   * (`people`, the wizard's messages) by the title and labels a person sees on the question page. */
  function namer(ix, people) {
    var question = function (qid) { return people && ix.byId[qid] ? ix.byId[qid].title : qid; };
    var option = function (qid, id) {
      var qu = ix.byId[qid], o = people && qu && (qu.options || []).filter(function (x) { return x.id === id; })[0];
      return o ? o.label : id;
    };
    var options = function (qid) {
      var qu = ix.byId[qid], opts = (qu && qu.options) || [];
      return people ? opts.map(function (o) { return o.label; }).join("; ") : opts.map(function (o) { return o.id; }).join(", ");
    };
    return { question: question, option: option, options: options };
  }

  /** Validate an answer-file object as answers.parse_answers does.
   * Returns {answers: AnswerFile, errors: []} or {answers: null, errors: [one line per problem]}.
   * `people`: name questions and options by their titles and labels (the wizard), not their ids. */
  function parseAnswers(data, q, people) {
    var MSG = q.answer_messages, LIMIT = q.answer_limits, problems = [];
    useTextRules(q);
    var fail = function (msg) { return { answers: null, errors: [msg] }; };
    // The wizard's wording where the command line's speaks of ids (errors.py's PEOPLE_ messages).
    var say = function (t, f) { problems.push(fill((people && MSG["PEOPLE_" + t]) || MSG[t], f || {})); };
    if (data === null || data === undefined || (typeof data === "string" && !strip(data))) return fail(MSG.EMPTY_ANSWERS);
    if (!isMap(data)) return fail(MSG.NOT_A_MAPPING);
    if (!has(data, "version")) return fail(MSG.NO_VERSION);
    if (data.version !== ANSWER_FILE_VERSION) return fail(fill(MSG.BAD_VERSION, { version: quote(data.version) }));

    Object.keys(data).forEach(function (key) {
      if (TOP_KEYS.indexOf(key) < 0) say("UNKNOWN_KEY", { key: key, hint: hint(key, TOP_KEYS), allowed: TOP_KEYS.join(", ") });
    });
    // The untrusted-text gate (builder/core/text.py), from the ranges the export carries.
    function clean(key, v, multiline) {
      var bad = unsafeChar(v, q.text_rules, multiline);
      if (bad === null) return true;
      say("UNSAFE_CHAR", { key: key, kind: bad[0], char: bad[1] });
      return false;
    }
    function textField(container, key) {
      var v = has(container, key) ? container[key] : null;
      if (v === null || v === undefined) return null;
      if (typeof v === "number" && !isFinite(v)) { say("NOT_A_NUMBER", { value: v > 0 ? "inf" : v < 0 ? "-inf" : "nan" }); return null; }
      if (typeof v === "number") return String(v);
      if (typeof v !== "string") { say("WRONG_TYPE", { key: key, expected: "text", got: kind(v) }); return null; }
      if (pyLen(v) > LIMIT.name) { say("FIELD_TOO_LONG", { key: key, length: pyLen(v), limit: LIMIT.name }); return null; }
      return clean(key, v, false) ? v : null;
    }
    var qversion = textField(data, "questionnaire_version");
    var role = textField(data, "respondent_role");
    var assessed = textField(data, "assessed_on");
    if (assessed !== null) {
      var iso = isoDate(assessed);
      if (iso === null) say("BAD_DATE", { key: "assessed_on" });
      else {
        var year = +iso.slice(0, 4);
        if (year < LIMIT.first_year || year > LIMIT.last_year) say("DATE_RANGE", { key: "assessed_on", first: LIMIT.first_year, last: LIMIT.last_year });
        else if (iso > latestDay(LIMIT.future_days || 0)) say("DATE_FUTURE", { key: "assessed_on", date: iso });
        assessed = iso;
      }
    }

    var clinic = has(data, "clinic") ? data.clinic : null, name = null, organisation = null, clinicId = null, area = null;
    if (clinic === null) {
      say("MISSING_KEY", { key: "clinic", example: 'clinic: {name: "Riverside Clinic", organisation: "Riverside NHS Trust"}' });
    } else if (!isMap(clinic)) {
      say("WRONG_TYPE", { key: "clinic", expected: "a mapping with 'name' and 'organisation'", got: kind(clinic) });
    } else {
      Object.keys(clinic).forEach(function (key) {
        if (CLINIC_KEYS.indexOf(key) < 0) say("UNKNOWN_KEY", { key: key, hint: hint(key, CLINIC_KEYS), allowed: CLINIC_KEYS.join(", ") });
      });
      var said = problems.length;
      name = textField(clinic, "name");
      var refused = problems.length > said;  // too long, a control character: already said
      organisation = textField(clinic, "organisation");
      if ((!name || !strip(name)) && !refused) say("MISSING_KEY", { key: "name", example: 'name: "Riverside Clinic"' });
      clinicId = textField(clinic, "id");
      area = textField(clinic, "area");
    }

    // Optional respondent: {name, role}; its role stands in for respondent_role when that is absent.
    var respondent = has(data, "respondent") ? data.respondent : null, respondentName = null;
    if (isMap(respondent)) {
      Object.keys(respondent).forEach(function (key) {
        if (RESPONDENT_KEYS.indexOf(key) < 0) say("UNKNOWN_KEY", { key: key, hint: hint(key, RESPONDENT_KEYS), allowed: RESPONDENT_KEYS.join(", ") });
      });
      respondentName = textField(respondent, "name");
      var respondentRole = textField(respondent, "role");
      if (role === null) role = respondentRole;
    } else if (respondent !== null && respondent !== undefined) {
      say("WRONG_TYPE", { key: "respondent", expected: "a mapping with 'name' and 'role'", got: kind(respondent) });
    }

    var ix = index(q), answers = dict(), naming = namer(ix, people);
    var raw = has(data, "answers") ? data.answers : null;
    if (raw === null) raw = {};
    if (!isMap(raw)) {
      say("WRONG_TYPE", { key: "answers", expected: "a mapping of question id to answer", got: kind(raw) });
      raw = {};
    }
    var ids = ix.questions.map(function (qu) { return qu.id; });
    Object.keys(raw).forEach(function (qid) {
      var question = ix.byId[qid], given = raw[qid], value = given, note = null;
      if (!question) { say("UNKNOWN_QUESTION", { question: qid, hint: hint(qid, ids, naming.question) }); return; }
      var listed = naming.options(qid), qn = naming.question(qid);
      if (isMap(given)) {
        Object.keys(given).forEach(function (key) {
          if (ANSWER_KEYS.indexOf(key) < 0) say("ANSWER_MAPPING", { question: qn, key: key });
        });
        value = has(given, "answer") ? given.answer : null;
        note = has(given, "note") ? given.note : null;
        if (note !== null && typeof note !== "string") { say("NOTE_TEXT", { question: qn }); note = null; }
        else if (note !== null && pyLen(note) > LIMIT.note) { say("FIELD_TOO_LONG", { key: "note", length: pyLen(note), limit: LIMIT.note }); note = null; }
        else if (note !== null && !clean("note", note, true)) note = null;
      }
      var options = (question.options || []).map(function (o) { return o.id; });
      if (value === null || value === undefined) {
        answers[qid] = { value: null, note: note };
      } else if (question.type === "text") {
        if (typeof value !== "string") say("TEXT_EXPECTED", { question: qn });
        else if (pyLen(value) > LIMIT.note) say("FIELD_TOO_LONG", { key: qn, length: pyLen(value), limit: LIMIT.note });
        else if (!clean(qid, value, true)) { /* said */ }
        else answers[qid] = { value: strip(value) || null, note: note };
      } else if (question.type === "single") {
        if (Array.isArray(value)) say("SINGLE_GIVEN_LIST", { question: qn, options: listed });
        else if (typeof value !== "string") say("OPTION_EXPECTED", { question: qn, example: naming.option(qid, options[0]), got: kind(value) });
        else if (options.indexOf(value) < 0) say("UNKNOWN_OPTION", { value: value, question: qn, options: listed });
        else answers[qid] = { value: value, note: note };
      } else {
        if (!Array.isArray(value)) {
          if (typeof value === "string") say("MULTI_GIVEN_SINGLE", { question: qn, value: value });
          else say("OPTION_EXPECTED", { question: qn, example: naming.option(qid, options[0]), got: kind(value) });
          return;
        }
        var chosen = [], bad = false;
        value.forEach(function (item) {
          if (typeof item !== "string") { say("OPTION_EXPECTED", { question: qn, example: naming.option(qid, options[0]), got: kind(item) }); bad = true; }
          else if (options.indexOf(item) < 0) { say("UNKNOWN_OPTION", { value: item, question: qn, options: listed }); bad = true; }
          else if (chosen.indexOf(item) >= 0) { say("MULTI_DUPLICATE", { question: qn, option: naming.option(qid, item) }); bad = true; }
          else chosen.push(item);
        });
        if (bad) return;
        if (!chosen.length) { say("MULTI_EMPTY", { question: qn, options: listed }); return; }
        var exclusive = question.options.filter(function (o) { return o.exclusive && chosen.indexOf(o.id) >= 0; });
        if (exclusive.length && chosen.length > 1) { say("MULTI_EXCLUSIVE", { question: qn, option: naming.option(qid, exclusive[0].id) }); return; }
        // The questionnaire's order, so the same choices always give the same file and plan.
        answers[qid] = { value: options.filter(function (o) { return chosen.indexOf(o) >= 0; }), note: note };
      }
    });
    var assumptions = parseAssumptions(has(data, "assumptions") ? data.assumptions : null, q, say);
    if (problems.length) return { answers: null, errors: problems };
    return {
      answers: {
        clinic_name: strip(name), organisation: organisation ? strip(organisation) : null,
        questionnaire_version: qversion, assessed_on: assessed, respondent_role: role, answers: answers,
        respondent_name: respondentName ? strip(respondentName) || null : null,
        clinic_id: clinicId ? strip(clinicId) || null : null, area: area ? strip(area) || null : null,
        assumptions: assumptions
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
  function ignoredAnswers(q, af, steps, people) {
    var out = [], naming = namer(index(q), people);
    steps.forEach(function (step) {
      var a = af.answers[step.question.id];
      if (!a || a.value === null || (step.state !== "skipped" && step.state !== "pending")) return;
      var deps = questionRefs(step.question.ask_if).filter(function (d, i, all) { return all.indexOf(d) === i; }).sort();
      var names = deps.map(function (d) { return "'" + naming.question(d) + "'"; }).join(", ");
      var why = step.state === "skipped" ? "because of the answer to " + names : names + " is not answered yet";
      out.push([step.question.id, fill(q.answer_messages.SKIPPED_ANSWER, { question: naming.question(step.question.id), why: why })]);
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

  /** The tailored plan for one clinic's answers, key for key what engine.evaluate_plan returns.
   * The steps run in the same order as in Python: readiness, go-live checklist, overall, route,
   * roles, start with, actions, templates, answers. */
  function evaluatePlan(q, af) {
    var w = walk(q, af), state = dict();
    w.steps.forEach(function (s) { state[s.question.id] = s.state; });
    var ctx = { q: q, af: af, steps: w.steps, values: w.values, state: state, overallCaps: [] };
    ctx.terms = planTerms(ctx);
    var domains = readiness(ctx);
    var goLive = goLiveChecklist(ctx);
    var overall = overallReadiness(ctx, domains, goLive);
    var route = chooseRoute(ctx);
    var roles = chooseRoles(ctx);
    var start = startWith(ctx, domains);
    var actions = planActions(ctx, domains, route[0], roles[0], goLive);
    var templates = planTemplates(ctx, route[0], roles[0]);
    var answers = planAnswers(ctx);
    var coverage = standardsCoverage(ctx, actions, templates[0]), meta = q.meta;
    var plan = {
      plan_version: PLAN_VERSION,
      questionnaire: { title: meta.title, version: meta.version },
      clinic: { name: af.clinic_name, organisation: af.organisation },
      assessment: { assessed_on: af.assessed_on, respondent_role: af.respondent_role, answered_against: af.questionnaire_version },
      go_live: goLive,
      readiness: { overall: overall, domains: domains },
      start_with: start,
      route: route[0],
      route_reasons: route[1],
      roles: roles[0],
      role_note: roles[1],
      role_fit: roles[2],
      actions: actions,
      templates: templates[0],
      template_reasons: templates[1],
      standards: coverage,
      answers: answers[0],
      answers_by_id: answers[1],
      unknown: meta.domains.reduce(function (out, id) { return out.concat(domains[id].unknown); }, []),
      ignored: ignoredAnswers(q, af, w.steps).map(function (x) { return x[0]; })
    };
    // A plan a board can act on: owners, priorities, due dates, budget, risks, indicators (planning.js).
    if (q.planning) planning().addPlanning(plan, q, af, w.values, route[0], roles[0]);
    plan.standards = standardsCoverage(ctx, plan.actions, templates[0]); // in the plan's final order of actions
    plan.local = localSummary(ctx, plan.actions);
    return plan;
  }

  function applyGates(ctx, gates, rating, reasons) {
    (gates || []).forEach(function (gate) {
      if (evaluate(gate.when, ctx.values) !== true) return;
      if (gate.cap) {
        rating = cap(rating, gate.cap);
        reasons.push(fill(ctx.q.meta.messages.gate, { cap: gate.cap, reason: gate.reason }));
      }
      if (gate.overall) ctx.overallCaps.push([gate.overall, gate.reason]);
    });
    return rating;
  }

  function bandReason(meta, score, rating) {
    return fill(meta.messages.band, { score: score, rating: rating, green: meta.ratings.green, amber: meta.ratings.amber });
  }

  /** [earned, available, reason line] for a scored question, or null when it does not count here. */
  function questionPoints(ctx, qu) {
    var msgs = ctx.q.meta.messages, top = qu.max, st = ctx.state[qu.id];
    if (qu.scored_if !== undefined && qu.scored_if !== null && evaluate(qu.scored_if, ctx.values) === false) return null;
    if (st === "answered") {
      var value = ctx.values[qu.id], chosen = Array.isArray(value) ? value : [value], sum = 0;
      qu.options.forEach(function (o) { if (chosen.indexOf(o.id) >= 0) sum += o.points || 0; });
      var earned = Math.min(sum, top);
      return [earned, top, fill(msgs.answered, { question: qu.title, answer: labelsOf(qu, value).join("; "), earned: earned, max: top })];
    }
    if (st === "skipped" && qu.points_when_skipped !== undefined && qu.points_when_skipped !== null) {
      var given = Math.min(qu.points_when_skipped, top);
      return [given, top, fill(msgs.answered, { question: qu.title, answer: "not needed, from an earlier answer", earned: given, max: top })];
    }
    return [0, top, fill(msgs.unanswered, { question: qu.title, max: top })];
  }

  /** Readiness per domain: points over scored questions, what the answers show, then the domain's gates. */
  function readiness(ctx) {
    var meta = ctx.q.meta, domains = {};
    ctx.q.domains.forEach(function (d) {
      var earnedTotal = 0, maxTotal = 0, lines = [], unknown = [];
      d.questions.forEach(function (qu) {
        if (ctx.state[qu.id] === "unknown" && !qu.optional) unknown.push(qu.id);
        if (!qu.scored) return;
        var counted = questionPoints(ctx, qu);
        if (counted === null) {
          lines.push(fill(meta.messages.not_scored, { question: qu.title, reason: qu.not_scored_reason || "" }));
          return;
        }
        earnedTotal += counted[0]; maxTotal += counted[1]; lines.push(counted[2]);
      });
      var score = maxTotal ? roundPct(earnedTotal, maxTotal) : 0, rating = band(score, ctx.q);
      var reasons = [bandReason(meta, score, rating)];
      rating = applyGates(ctx, d.gates, rating, reasons);
      var findings = (d.findings || []).filter(function (f) { return evaluate(f.when, ctx.values) === true; })
        .map(function (f) { return fill(f.text, ctx.terms); });
      domains[d.id] = {
        title: d.title, score: score, rating: rating, label: meta.ratings.labels[rating], findings: findings,
        meaning: findings.join(" "), reasons: reasons.concat(lines), unknown: unknown
      };
    });
    return domains;
  }

  var STATUS = { "true": "met", "false": "not_met", "null": "unknown" };
  var GO_LIVE_CAP = "red";

  /** Each condition that must hold before the first peer meets a patient (one per hazard), with its status:
   * met, not_met, planned (what is missing is only planned: still not met) or unknown (not known yet). */
  function goLiveChecklist(ctx) {
    return (ctx.q.meta.go_live || []).map(function (g) {
      var status = STATUS[String(evaluate(g.met, ctx.values))];
      if (status === "not_met" && g.planned !== undefined && g.planned !== null && evaluate(g.planned, ctx.values) === true) status = "planned";
      return { id: g.id, title: g.title, status: status, action: g.action, hazard: g.hazard === undefined ? null : g.hazard };
    });
  }

  /** The weighted score, then every cap: overall gates, domain gates, go-live items, red domains. */
  function overallReadiness(ctx, domains, goLive) {
    var meta = ctx.q.meta, msgs = meta.messages, weights = meta.overall.weights, weighted = 0, totalWeight = 0;
    meta.domains.forEach(function (id) { weighted += domains[id].score * weights[id]; totalWeight += weights[id]; });
    var score = roundPct(weighted, 100 * totalWeight), rating = band(score, ctx.q);
    var reasons = [bandReason(meta, score, rating)];
    rating = applyGates(ctx, meta.overall.gates, rating, reasons);
    ctx.overallCaps.forEach(function (c) {
      rating = cap(rating, c[0]);
      reasons.push(fill(msgs.gate, { cap: c[0], reason: c[1] }));
    });
    var items = dict();
    (meta.go_live || []).forEach(function (g) { items[g.id] = g; });
    goLive.forEach(function (item) {
      if (item.status !== "not_met" && item.status !== "planned") return;
      var g = items[item.id];
      rating = cap(rating, GO_LIVE_CAP);
      var template = item.status === "planned" ? msgs.go_live_planned : msgs.go_live_not_met;
      reasons.push(fill(template, { cap: GO_LIVE_CAP, title: g.title, reason: g.reason }));
    });
    var unknown = goLive.filter(function (i) { return i.status === "unknown"; }).map(function (i) { return i.title; });
    if (unknown.length) {
      rating = cap(rating, GO_LIVE_CAP);
      reasons.push(fill(msgs.go_live_unknown, { cap: GO_LIVE_CAP, titles: unknown.join("; ") }));
    }
    var red = meta.domains.filter(function (id) { return domains[id].rating === "red"; }).map(function (id) { return domains[id].title; });
    if (red.length) {
      rating = cap(rating, meta.overall.any_red_caps_at);
      reasons.push(fill(msgs.any_red, { cap: meta.overall.any_red_caps_at, domains: red.join(", ") }));
    }
    var label = meta.ratings.labels[rating];
    return { score: score, rating: rating, label: label, reasons: reasons, sentence: ratingSentence(msgs.rating_sentence, label, goLive, red) };
  }

  /** engine.rating_sentence: the overall rating in one plain sentence that points at the reason. */
  function ratingSentence(words, label, goLive, red) {
    var missing = goLive.filter(function (g) { return g.status === "not_met" || g.status === "planned"; }).length;
    var unknown = goLive.filter(function (g) { return g.status === "unknown"; }).length;
    var cases = [[words.not_in_place, missing], [words.unknown, unknown], [words.red_areas, red.length]];
    for (var i = 0; i < cases.length; i++) {
      var n = cases[i][1];
      if (n) return fill(n === 1 ? cases[i][0].one : cases[i][0].many, { label: label, count: n, areas: red.join(", ") });
    }
    return fill(words.in_place, { label: label });
  }

  /** [route, reasons]: the first route rule that holds, or the default. */
  function chooseRoute(ctx) {
    var routes = ctx.q.meta.routes, out = [routes.default.route, [routes.default.reason]];
    routes.rules.some(function (rule) {
      if (evaluate(rule.when, ctx.values) !== true) return false;
      out = [rule.route, [rule.reason]];
      return true;
    });
    return out;
  }

  /** [roles, note, fit]: points from every role rule that holds; best fit first, ties in declared order. */
  function chooseRoles(ctx) {
    var meta = ctx.q.meta;
    var fit = meta.roles.options.map(function (option, i) {
      var hits = meta.roles.rules.filter(function (r) { return r.role === option.id && evaluate(r.when, ctx.values) === true; });
      var points = hits.reduce(function (s, r) { return s + r.points; }, 0);
      return { role: option.id, title: option.title, points: points,
        reasons: hits.map(function (r) { return { points: r.points, text: r.reason }; }), _order: i };
    });
    var ranked = fit.slice().sort(function (a, b) { return cmp([-a.points, a._order], [-b.points, b._order]); });
    var roles = ranked.filter(function (f) { return f.points >= meta.roles.min_points; }).map(function (f) { return f.role; });
    var roleNote = null;
    if (!roles.length) { roles = [meta.roles.fallback.role]; roleNote = meta.roles.fallback.reason; }
    fit.forEach(function (f) { f.recommended = roles.indexOf(f.role) >= 0; delete f._order; });
    return [roles, roleNote, fit];
  }

  function weakestFirst(ctx, domains) {
    var ids = ctx.q.meta.domains;
    return ids.slice().sort(function (a, b) {
      return cmp([domains[a].score, ids.indexOf(a)], [domains[b].score, ids.indexOf(b)]);
    });
  }

  /** The weakest domains (lowest score first, ties in questionnaire order): where the plan starts. */
  function startWith(ctx, domains) {
    var n = ctx.q.meta.start_with === undefined ? 3 : ctx.q.meta.start_with;
    return weakestFirst(ctx, domains).slice(0, n);
  }

  /** The actions that lift a go-live item that is not met (planned and not known yet included). */
  function lifting(ctx, goLive) {
    var items = dict(), out = dict();
    (ctx.q.meta.go_live || []).forEach(function (g) { items[g.id] = g; });
    goLive.forEach(function (item) {
      if (item.status !== "met") (items[item.id].actions || []).forEach(function (a) { out[a] = true; });
    });
    return out;
  }

  /** Find-outs for unknowns, then every action whose condition holds, and every action that lifts a go-live item
   * not yet met unless its own condition is definitely false; by phase, weakest domain first, then as written. */
  function planActions(ctx, domains, route, roles, goLive) {
    var q = ctx.q, meta = q.meta, msgs = meta.messages, ix = index(q), phaseIndex = dict(), domainRank = dict();
    var lifts = lifting(ctx, goLive || []);
    meta.phases.forEach(function (p, i) { phaseIndex[p.id] = i; });
    weakestFirst(ctx, domains).forEach(function (id, i) { domainRank[id] = i; });
    var keyed = [];
    q.domains.forEach(function (d) {
      domains[d.id].unknown.forEach(function (qid, j) {
        var qu = ix.byId[qid];
        keyed.push([[0, domainRank[d.id], 0, j], {
          id: meta.find_out_prefix + qid, domain: d.id, phase: meta.phases[0].id, owner: "Service lead",
          title: fill(msgs.find_out_title, { question: qu.text }), detail: fill(msgs.find_out_detail, { help: qu.help }),
          source: meta.title, guidance: qu.guidance
        }]);
      });
      (d.actions || []).forEach(function (a, j) {
        var held = a.when === undefined || a.when === null ? true : evaluate(a.when, ctx.values, route, roles);
        if (held !== true && !(held === null && lifts[a.id])) return;
        var doc = meta.sources[a.source.doc];
        keyed.push([[phaseIndex[a.phase], domainRank[d.id], 1, j], {
          id: a.id, domain: d.id, phase: a.phase, owner: a.owner, title: a.title, detail: fill(a.detail, ctx.terms),
          source: doc.title + ": " + a.source.section, guidance: doc.page
        }]);
      });
    });
    return keyed.sort(function (a, b) { return cmp(a[0], b[0]); }).map(function (k) { return k[1]; });
  }

  /** [templates, reasons]: every template with a rule that holds, in catalog order, with all its reasons. */
  function planTemplates(ctx, route, roles) {
    var reasons = dict();
    ctx.q.meta.templates.rules.forEach(function (rule) {
      if (rule.when === undefined || rule.when === null || evaluate(rule.when, ctx.values, route, roles) === true) {
        (reasons[rule.template] = reasons[rule.template] || []).push(fill(rule.reason, ctx.terms));
      }
    });
    var templates = ctx.q.templates.map(function (t) { return t.id; }).filter(function (id) { return reasons[id]; });
    var out = {};
    templates.forEach(function (id) { out[id] = reasons[id]; });
    return [templates, out];
  }

  /** For each standard in the crosswalk, the plan's actions and templates that help meet it. */
  function standardsCoverage(ctx, actions, templates) {
    var q = ctx.q, tags = dict(), ttags = dict(), standards = q.meta.standards || {};
    q.domains.forEach(function (d) { (d.actions || []).forEach(function (a) { tags[a.id] = a.standards || []; }); });
    q.templates.forEach(function (t) { ttags[t.id] = t.standards || []; });
    return Object.keys(standards).sort().filter(function (sid) {
      var when = standards[sid].when;
      return when === undefined || when === null || evaluate(when, ctx.values) === true;
    }).map(function (sid) {
      return {
        id: sid, title: standards[sid].title,
        actions: actions.filter(function (a) { return (tags[a.id] || []).indexOf(sid) >= 0; }).map(function (a) { return a.id; }),
        templates: templates.filter(function (t) { return ttags[t].indexOf(sid) >= 0; })
      };
    });
  }

  /** The local wording for these answers: each term's text for the answer given, or its neutral text while unanswered. */
  function planTerms(ctx) {
    var terms = (ctx.q.local && ctx.q.local.terms) || {}, out = {};
    Object.keys(terms).sort().forEach(function (tid) {
      var t = terms[tid], v = ctx.values[t.question];
      out[tid] = typeof v === "string" && has(t.values, v) ? t.values[v] : t.unknown;
    });
    return out;
  }

  /** What applies where the service is and to whom (the terms with a label), and which of the plan's
   * statements use neutral wording because a question they depend on is not answered yet. */
  function localSummary(ctx, actions) {
    var q = ctx.q, terms = (q.local && q.local.terms) || {}, ids = Object.keys(terms).sort(), byQuestion = dict(), details = dict();
    var shown = ids.filter(function (tid) { return terms[tid].label && ctx.terms[tid]; })
      .map(function (tid) { return { id: tid, label: terms[tid].label, text: ctx.terms[tid] }; })
      .sort(function (a, b) { return cmp([a.label, a.id], [b.label, b.id]); });
    ids.forEach(function (tid) { (byQuestion[terms[tid].question] = byQuestion[terms[tid].question] || []).push(tid); });
    q.domains.forEach(function (d) { (d.actions || []).forEach(function (a) { details[a.id] = a.detail; }); });
    var pending = [];
    index(q).questions.forEach(function (qu) {
      if (!byQuestion[qu.id] || ctx.state[qu.id] !== "unknown") return;
      var mine = byQuestion[qu.id];
      var uses = actions.filter(function (a) {
        var fields = [], re = /\{([\p{L}\p{N}_]+)\}/gu, m, text = details[a.id] || "";
        while ((m = re.exec(text))) fields.push(m[1]);
        return fields.some(function (f) { return mine.indexOf(f) >= 0; });
      }).map(function (a) { return a.id; });
      pending.push({ question: qu.id, title: qu.title, terms: mine.slice(), actions: uses });
    });
    var all = {};
    ids.forEach(function (tid) { all[tid] = ctx.terms[tid]; });
    return { terms: all, shown: shown, pending: pending };
  }

  /** [answers, byId]: the answers on the clinic's path, in order, and the given answers by question id. */
  function planAnswers(ctx) {
    var ix = index(ctx.q), answered = [], byId = {};
    ctx.steps.forEach(function (step) {
      if (step.state !== "answered" && step.state !== "unknown") return;
      var qu = step.question, a = ctx.af.answers[qu.id];
      var value = step.state === "answered" ? ctx.values[qu.id] : null;
      if (value !== null) byId[qu.id] = value;
      answered.push({
        question: qu.id, domain: ix.domainOf[qu.id].id, title: qu.title, answer: value,
        labels: value !== null ? labelsOf(qu, value) : [], note: a ? a.note : null
      });
    });
    return [answered, byId];
  }

  /** Validate an answer-file object and evaluate it: {plan, errors}, as `readiness plan` would. */
  function plan(q, doc) {
    var parsed = parseAnswers(doc, q);
    return parsed.errors.length ? { plan: null, errors: parsed.errors } : { plan: evaluatePlan(q, parsed.answers), errors: [] };
  }

  // ---------------------------------------------------------------- building an answer file

  /** A version-1 answer-file object from the wizard's state, key for key what answers.dump_answers writes:
   * {clinic: {name, organisation, id, area}, respondent_role, respondent_name, assessed_on, questionnaire_version,
   *  answers: {id: value}, notes: {id: text}}.
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
    if (clean(st.respondent_name)) doc.respondent = { name: clean(st.respondent_name) };
    var clinic = st.clinic || {};
    doc.clinic = { name: clean(clinic.name) || "" };
    ["organisation", "id", "area"].forEach(function (k) { if (clean(clinic[k])) doc.clinic[k] = clean(clinic[k]); });
    doc.answers = answers;
    if (st.assumptions && Object.keys(st.assumptions).length) doc.assumptions = st.assumptions;
    return doc;
  }


  // ================================================================ answer-file assumptions (issue 10)
  // The rest of the planning (budget, timeline, risks, indicators) is in planning.js: only a plan needs it.

  function hundredths(v) { return Math.round(v * 100); }

  function numberProblem(v) {
    if (typeof v !== "number") return kind(v);
    if (!isFinite(v)) return "not a number";
    if (v < 0) return "a negative number";
    if (v > 10000000) return "a number over 10,000,000";
    if (Math.abs(v * 100 - Math.round(v * 100)) > 1e-6) return "a number with more than two decimal places";
    return null;
  }

  /** An answer file's assumptions: section, as budget.parse_assumptions: {id: hundredths}. */
  function parseAssumptions(raw, q, say) {
    var out = dict();
    if (raw === null || raw === undefined) return out;
    if (!isMap(raw)) { say("ASSUMPTIONS_MAPPING"); return out; }
    var ids = q.planning ? q.planning.costs.assumptions.map(function (a) { return a.id; }) : [];
    Object.keys(raw).forEach(function (key) {
      if (ids.indexOf(key) < 0) { say("ASSUMPTION_UNKNOWN", { key: key, hint: hint(key, ids) }); return; }
      var problem = numberProblem(raw[key]);
      if (problem) { say("ASSUMPTION_NUMBER", { key: key, got: problem }); return; }
      out[key] = hundredths(raw[key]);
    });
    return out;
  }


  var api = {
    PLAN_VERSION: PLAN_VERSION, ANSWER_FILE_VERSION: ANSWER_FILE_VERSION,
    fill: fill, evaluate: evaluate, questionRefs: questionRefs, index: index, hint: hint, isoDate: isoDate,
    parseAnswers: parseAnswers, unsafeChar: unsafeChar, walk: walk, ignoredAnswers: ignoredAnswers, evaluatePlan: evaluatePlan,
    plan: plan, answerDoc: answerDoc, SKIPPED: SKIPPED,
    strip: strip, textLength: pyLen, // the one whitespace and text-length rule, for the pages
    cmp: cmp, hundredths: hundredths // for planning.js
  };

  /** planning.js, which adds itself to this API: a script the page loads (the wizard loads it with the
   * plan view), or in Node a module required here. Never a plan without it. */
  function planning() {
    if (!api.addPlanning && typeof module === "object" && module.exports && typeof require === "function") require("./planning.js");
    if (!api.addPlanning) throw new Error("planning.js is not loaded: a plan needs it after engine.js");
    return api;
  }
  root.ReadinessEngine = api;
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
