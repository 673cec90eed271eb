/* The commissioners' review, pure: many answer files -> the review builder/core/review.py makes, section by
 * section in the same order, using engine.js for every plan. No DOM, no I/O, no copy of any rule: it reads
 * the exported questionnaire JSON. YAML is read with js-yaml's YAML 1.2 core schema (true/false are the only
 * booleans and dates stay text, as the Python loader reads them). A classic script, like engine.js. */
(function (root) {
  "use strict";

  var E = root.ReadinessEngine;
  var REVIEW_VERSION = 1;
  var ANSWER_SUFFIXES = [".yaml", ".yml", ".json"];
  var RANK = { red: 0, amber: 1, green: 2 };
  var MET_STATUSES = ["met", "done", "ready", "complete", "completed", "in_place"];

  // The wording of builder/core/review.py's RULE and of the Msg templates it uses (tests compare them).
  var RULE = "Where raters of one clinic disagree, the combined view takes the least ready answer: the option worth " +
    "the fewest points; for multiple-choice questions only what every rater ticked (a safeguard counts as in " +
    "place only if every rater says so); an unscored question they disagree on counts as not known. Raters who " +
    "left a question unanswered are not counted for it. Files of one clinic with the same assessment date are " +
    "one round; the review shows the latest round and the change since the round before.";
  // The not-included reasons are builder/core/errors.py's Msg templates, exported with the questionnaire
  // (answer_messages), so the CLI and this page word them alike; only the zip advice is the page's own.
  var NOT_ZIP = "zip files are read by the readiness command; here, unzip it and choose the files inside";

  var has = function (o, k) { return Object.prototype.hasOwnProperty.call(o, k); };
  var isMap = function (v) { return v !== null && typeof v === "object" && !Array.isArray(v); };
  // ---------------------------------------------------------------- the same clinic (builder/core/textkey.py)
  // The rule arrives as data with the questionnaire (q.text_key): NFKC, full case folding from Python's own table,
  // NFKC again, then any run of the listed spaces as one space.
  var RULES = new WeakMap();
  function keyRule(q) {
    var spec = q.text_key, rule = RULES.get(spec);
    if (!rule) {
      var map = new Map();
      spec.fold_runs.forEach(function (r) { for (var c = r[0]; c <= r[1]; c += r[2]) map.set(c, String.fromCodePoint(c + r[3])); });
      spec.fold_multi.forEach(function (m) { map.set(m[0], m[1]); });
      rule = { map: map, spaces: new Set(spec.spaces) };
      RULES.set(spec, rule);
    }
    return rule;
  }
  /** Full case folding alone (str.casefold), for ordering names as Python does. */
  function fold(q, s) {
    var map = keyRule(q).map, out = "";
    for (var ch of s) {
      var f = map.get(ch.codePointAt(0));
      out += f === undefined ? ch : f;
    }
    return out;
  }
  /** textkey.text_key: the key two texts share when they name the same clinic or organisation. */
  function textKey(q, s) {
    var spaces = keyRule(q).spaces, words = [], word = "";
    for (var ch of fold(q, s.normalize("NFKC")).normalize("NFKC")) {
      if (spaces.has(ch.codePointAt(0))) {
        if (word) { words.push(word); word = ""; }
      } else word += ch;
    }
    if (word) words.push(word);
    return words.join(" ");
  }
  function cmp(a, b) {  // tuples, as Python compares them
    for (var i = 0; i < a.length; i++) {
      if (a[i] < b[i]) return -1;
      if (a[i] > b[i]) return 1;
    }
    return 0;
  }
  function canonical(v) {  // sorted keys: the same data gives the same text (duplicate detection)
    if (Array.isArray(v)) return "[" + v.map(canonical).join(",") + "]";
    if (isMap(v)) return "{" + Object.keys(v).sort().map(function (k) { return JSON.stringify(k) + ":" + canonical(v[k]); }).join(",") + "}";
    return JSON.stringify(v === undefined ? null : v);
  }

  // ---------------------------------------------------------------- reading one file

  function excluded(file, reason, line) { return { excluded: true, file: file, reason: reason, line: line || null }; }
  /** The line a parser's error points at, as the wizard reports it (ui.js): js-yaml's mark, or JSON.parse's position. */
  function errorLine(e, text, isJson) {
    // An error at the end of the text points past its last line; the command line names the last line.
    if (!isJson) return e && e.mark ? Math.min(e.mark.line + 1, text.replace(/\n$/, "").split("\n").length) : null;
    var at = /line (\d+) column \d+/.exec(e.message || "");
    if (at) return +at[1];
    at = /position (\d+)/.exec(e.message || "");
    return at ? text.slice(0, +at[1]).split("\n").length : text.split("\n").length;
  }
  /** A key given twice in one JSON object, as the command line finds it (builder/core/parse.py's parse_json, whose
   * check runs as each object is closed: an inner object before the one holding it): the first key of that object
   * given again, and the line of the last place the key is written. JSON.parse keeps the last value without a word.
   * null when every object gives each key once; the text is JSON.parse's already. */
  function duplicateJsonKey(text) {
    var open = [];  // per open collection: {keys: Set, twice: the first key given again} for an object, null for a list
    var wantKey = false;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c === 34) {  // a string: to its closing quote, escapes included
        var from = i;
        for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
        if (!wantKey) continue;
        var raw = text.slice(from, i + 1), key = raw.indexOf("\\") < 0 ? raw.slice(1, -1) : JSON.parse(raw);
        var top = open[open.length - 1];
        if (top.keys.has(key)) { if (top.twice === null) top.twice = key; } else top.keys.add(key);
        wantKey = false;
      } else if (c === 123) { open.push({ keys: new Set(), twice: null }); wantKey = true; }
      else if (c === 91) { open.push(null); wantKey = false; }
      else if (c === 125 || c === 93) {
        var closed = open.pop();
        if (closed && closed.twice !== null) {
          var needle = JSON.stringify(closed.twice), re = new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "\\s*:", "g");
          var last = -1, m;
          while ((m = re.exec(text)) !== null) last = m.index;
          if (last < 0) last = text.indexOf(needle);
          return { key: closed.twice, line: last < 0 ? null : text.slice(0, last).split("\n").length };
        }
        wantKey = false;
      } else if (c === 44) wantKey = open.length > 0 && open[open.length - 1] !== null;
    }
    return null;
  }
  function major(version) { return version.split(".")[0].trim(); }
  /** As review._readable: this questionnaire's major version or an earlier one (the contract keeps their ids). */
  function readable(given, current) {
    var a = major(given), b = major(current);
    return a === b || (/^\d+$/.test(a) && /^\d+$/.test(b) && parseInt(a, 10) <= parseInt(b, 10));
  }

  /** One file -> a rater, or the reason it is left out. `text` is null when the bytes were not UTF-8. */
  function readRater(q, file, text, size) {
    var lower = file.toLowerCase();
    if (!ANSWER_SUFFIXES.some(function (s) { return lower.slice(-s.length) === s; })) {
      return excluded(file, lower.slice(-4) === ".zip" ? NOT_ZIP : q.answer_messages.NOT_ANSWER_SUFFIX);
    }
    // The limits the command line reads with (builder/output/reviewio.py, builder/core/limits.py), from the export.
    var limit = q.review_limits;
    if (limit && size !== undefined && size > limit.file_bytes) {
      return excluded(file, E.fill(q.answer_messages.FILE_TOO_LARGE, { size: size.toLocaleString("en-GB") }));
    }
    if (text === null) return excluded(file, q.answer_messages.NOT_UTF8);
    if (limit && text.length > limit.text_bytes) {  // as core/review.py's _load_fast: characters first, then the bytes told
      return excluded(file, E.fill(q.answer_messages.TOO_LARGE, { size: new TextEncoder().encode(text).length, limit: limit.text_bytes }));
    }
    var isJson = lower.slice(-5) === ".json", data;
    try {
      data = isJson ? JSON.parse(text) : root.jsyaml.load(text, { schema: root.jsyaml.CORE_SCHEMA });
    } catch (e) {
      var problem = String(e.reason || e.message || e).split("\n")[0];
      return excluded(file, E.fill(isJson ? q.answer_messages.JSON_SYNTAX : q.answer_messages.YAML_SYNTAX, { problem: problem }),
        errorLine(e, text, isJson));
    }
    if (data === undefined) data = null;
    var twice = isJson ? duplicateJsonKey(text) : null;
    if (twice) return excluded(file, E.fill(q.answer_messages.DUPLICATE_KEY, { key: twice.key }), twice.line);
    if (!isMap(data) || !(has(data, "version") || has(data, "clinic") || has(data, "answers"))) {
      if (data === null || (typeof data === "string" && !data.trim())) return excluded(file, q.answer_messages.EMPTY_ANSWERS);
      return excluded(file, q.answer_messages.NOT_ANSWER_FILE);
    }
    var given = data.questionnaire_version;
    if (data.version === E.ANSWER_FILE_VERSION && (typeof given === "string" || typeof given === "number") &&
        !readable(String(given), q.meta.version)) {
      return excluded(file, E.fill(q.answer_messages.UNKNOWN_QVERSION, { given: String(given), known: q.meta.version }));
    }
    var parsed = E.parseAnswers(data, q);
    if (parsed.errors.length) {
      var more = parsed.errors.length - 1;
      return excluded(file, parsed.errors[0] + (more ? " (and " + more + " more problem" + (more > 1 ? "s" : "") +
        "; run 'readiness plan' on the file to see them all)" : ""));
    }
    return raterFrom(q, file, parsed.answers, canonical(data));
  }

  function clinicKey(q, af) {
    if (af.clinic_id) return "id:" + textKey(q, af.clinic_id);
    return "name:" + textKey(q, af.clinic_name) + "|" + textKey(q, af.organisation || "");
  }

  function raterFrom(q, file, af, digest) {
    var answers = {};
    Object.keys(af.answers).forEach(function (qid) { if (af.answers[qid].value !== null) answers[qid] = af.answers[qid].value; });
    return {
      file: file, key: clinicKey(q, af), clinic: af.clinic_name, organisation: af.organisation, clinic_id: af.clinic_id,
      area: af.area, assessed_on: af.assessed_on, name: af.respondent_name, role: af.respondent_role,
      answers: answers, view: summarise(q, E.evaluatePlan(q, af)), digest: digest
    };
  }

  // ---------------------------------------------------------------- one plan, summarised

  /** review.must_have_gaps: the plan's go-live items not met (planned and not known yet included). */
  function mustHaveGaps(plan) {
    return plan.go_live.filter(function (item) { return MET_STATUSES.indexOf(item.status) < 0; })
      .map(function (item) { return { id: String(item.id), title: String(item.title), domain: String(item.domain || "") }; });
  }

  function budgetTotal(plan) {
    var b = plan.budget;
    if (isMap(b)) b = b.total_year1;
    return typeof b === "number" ? b : null;
  }

  function summarise(q, plan) {
    var r = plan.readiness, answers = plan.answers_by_id, domains = {};
    q.meta.domains.forEach(function (d) { domains[d] = { score: r.domains[d].score, rating: r.domains[d].rating }; });
    var facts = partnershipFacts(q, answers, plan.route);
    return {
      overall: { score: r.overall.score, rating: r.overall.rating }, domains: domains, route: plan.route,
      roles: plan.roles.slice(), actions: plan.actions.map(function (a) { return a.id; }), templates: plan.templates.slice(),
      must_haves: mustHaveGaps(plan), budget: budgetTotal(plan),
      partnered: facts.partnered, no_partner: facts.no_partner, partner: facts.partner, hub_candidate: facts.hub_candidate
    };
  }

  /** review.partnership_facts: read through the questionnaire's bindings, so no question id is named here. */
  function partnershipFacts(q, answers, route) {
    var b = q.bindings || {}, p = b.partner, net = b.regional_network, split = b.partnership_split;
    var kind = p && has(answers, p.question) ? answers[p.question] : null;
    var noPartner = p ? p.no_partner || [] : [];
    var partnered = !!p && typeof kind === "string" && noPartner.indexOf(kind) < 0;
    var name = partnered && p.name_question && typeof answers[p.name_question] === "string" ? answers[p.name_question] : null;
    var hub = (!!split && (split.hub_routes || []).indexOf(route) >= 0) ||
      (!!net && has(answers, net.question) && net.interested.indexOf(answers[net.question]) >= 0);
    return { partnered: partnered, no_partner: !!p && noPartner.indexOf(kind) >= 0, partner: name, hub_candidate: hub };
  }

  // ---------------------------------------------------------------- combining raters

  function answerLabels(qu, value) {
    if (value === null || value === undefined) return "not answered";
    if (qu.type === "text") return String(value);
    var ids = Array.isArray(value) ? value : [value];
    return qu.options.filter(function (o) { return ids.indexOf(o.id) >= 0; }).map(function (o) { return o.label; }).join("; ");
  }

  function combineAnswer(qu, given) {
    if (!given.length) return null;
    var first = given[0];
    if (qu.type === "text" || given.every(function (v) { return canonical(v) === canonical(first); })) return first;
    if (qu.type === "single") {
      if (!qu.scored) return null;
      var points = {}, order = qu.options.map(function (o) { return o.id; });
      qu.options.forEach(function (o) { points[o.id] = o.points || 0; });
      return given.slice().sort(function (a, b) { return cmp([points[a], order.indexOf(a)], [points[b], order.indexOf(b)]); })[0];
    }
    var common = qu.options.filter(function (o) { return given.every(function (v) { return v.indexOf(o.id) >= 0; }); }).map(function (o) { return o.id; });
    if (common.length) return common;
    var exclusive = qu.options.filter(function (o) { return o.exclusive && given.some(function (v) { return v.indexOf(o.id) >= 0; }); });
    return exclusive.length ? [exclusive[0].id] : null;
  }

  function raterLabel(r) {
    if (r.name && r.role) return r.name + " (" + r.role + ")";
    return r.name || r.role || r.file;
  }

  function combine(q, raters) {
    var ix = E.index(q), answers = {}, disagreements = [];
    ix.questions.forEach(function (qu) {
      var given = raters.filter(function (r) { return has(r.answers, qu.id); }).map(function (r) { return r.answers[qu.id]; });
      var value = combineAnswer(qu, given);
      if (value !== null) answers[qu.id] = { value: value, note: null };
      var distinct = {};
      given.forEach(function (v) { distinct[canonical(v)] = true; });
      if (qu.type !== "text" && Object.keys(distinct).length > 1) {
        disagreements.push({
          question: qu.id, title: qu.title, domain: ix.domainOf[qu.id].id, combined: answerLabels(qu, value),
          answers: raters.map(function (r) {
            return { respondent: raterLabel(r), role: r.role, answer: answerLabels(qu, has(r.answers, qu.id) ? r.answers[qu.id] : null) };
          })
        });
      }
    });
    var head = raters[0];
    var roles = raters.map(function (r) { return r.role; }).filter(function (x, i, all) { return x && all.indexOf(x) === i; }).sort();
    var area = raters.filter(function (r) { return r.area; }).map(function (r) { return r.area; })[0] || null;
    var af = {
      clinic_name: head.clinic, organisation: head.organisation, questionnaire_version: q.meta.version, assessed_on: head.assessed_on,
      respondent_role: roles.join("; ") || null, answers: answers, respondent_name: null, clinic_id: head.clinic_id, area: area
    };
    return { answers: af, disagreements: disagreements };
  }

  // ---------------------------------------------------------------- comparing two views

  function compareViews(before, after, q) {
    var titles = {}, actionTitles = {};
    q.domains.forEach(function (d) {
      titles[d.id] = d.title;
      (d.actions || []).forEach(function (a) { actionTitles[a.id] = a.title; });
    });
    E.index(q).questions.forEach(function (qu) {  // the plan's generated "Find out" actions
      actionTitles[q.meta.find_out_prefix + qu.id] = E.fill(q.meta.messages.find_out_title, { question: qu.text });
    });
    var domains = q.meta.domains.map(function (did) {
      var b = before.domains[did], a = after.domains[did];
      return { domain: did, title: titles[did], before: b.score, after: a.score, change: a.score - b.score,
        rating_before: b.rating, rating_after: a.rating };
    });
    var ids = function (gs) { return gs.map(function (g) { return g.id; }); };
    var gb = ids(before.must_haves), ga = ids(after.must_haves);
    var title = function (id) { return { id: id, title: has(actionTitles, id) ? actionTitles[id] : id }; };
    return {
      overall: { before: before.overall.score, after: after.overall.score, change: after.overall.score - before.overall.score,
        rating_before: before.overall.rating, rating_after: after.overall.rating },
      domains: domains,
      must_haves_met: before.must_haves.filter(function (g) { return ga.indexOf(g.id) < 0; }),
      new_gaps: after.must_haves.filter(function (g) { return gb.indexOf(g.id) < 0; }),
      actions_done: before.actions.filter(function (a) { return after.actions.indexOf(a) < 0; }).map(title),
      new_actions: after.actions.filter(function (a) { return before.actions.indexOf(a) < 0; }).map(title)
    };
  }

  // ---------------------------------------------------------------- the review

  function Review(q) {
    this.q = q;
    this.clinics = new Map();
    this.excluded = [];
    this.seen = new Map();
    this.files = 0;
  }
  Review.prototype.add = function (item) {
    this.files += 1;
    if (!item.excluded) {
      var first = this.seen.get(item.digest);
      if (first === undefined) {
        this.seen.set(item.digest, item.file);
        if (!this.clinics.has(item.key)) this.clinics.set(item.key, []);
        this.clinics.get(item.key).push(item);
        return null;
      }
      item = excluded(item.file, E.fill(this.q.answer_messages.DUPLICATE_FILE, { first: first }));
    }
    this.excluded.push(item);
    return item;
  };
  Review.prototype.build = function () { return buildReview(this.q, Array.from(splitByOrganisation(this.q, this.clinics).values()), this.excluded, this.files); };

  /** builder/core/review.py's split_by_organisation: one clinic id given by files of different organisations is one
   * clinic per organisation; a file of that id naming no organisation joins the first file read that names one. */
  function splitByOrganisation(q, clinics) {
    var out = new Map();
    clinics.forEach(function (raters, key) {
      var orgs = raters.map(function (r) { return textKey(q, r.organisation || ""); });
      var named = orgs.filter(Boolean);
      if (key.indexOf("id:") !== 0 || new Set(named).size <= 1) { out.set(key, raters); return; }
      raters.forEach(function (r, i) {
        r.key = key + "|" + (orgs[i] || named[0]);
        if (!out.has(r.key)) out.set(r.key, []);
        out.get(r.key).push(r);
      });
    });
    return out;
  }

  function clinicEntry(q, raters) {
    raters = raters.slice().sort(function (a, b) { return cmp([a.assessed_on || "", a.file], [b.assessed_on || "", b.file]); });
    var rounds = {};
    raters.forEach(function (r) { (rounds[r.assessed_on || ""] = rounds[r.assessed_on || ""] || []).push(r); });
    var dates = Object.keys(rounds).sort();
    function viewOf(group) {
      if (group.length === 1) return { view: group[0].view, disagreements: [] };
      var c = combine(q, group);
      return { view: summarise(q, E.evaluatePlan(q, c.answers)), disagreements: c.disagreements };
    }
    var latest = rounds[dates[dates.length - 1]], now = viewOf(latest), head = latest[0];
    var area = raters.slice().reverse().filter(function (r) { return r.area; }).map(function (r) { return r.area; })[0] || null;
    var entry = {
      key: head.key, name: head.clinic, organisation: head.organisation, clinic_id: head.clinic_id, area: area,
      assessed_on: head.assessed_on, files: latest.map(function (r) { return r.file; }),
      raters: latest.map(function (r) {
        return { respondent: raterLabel(r), name: r.name, role: r.role, file: r.file, overall: r.view.overall, domains: r.view.domains };
      }),
      disagreements: now.disagreements, agreement: clinicAgreement(q, latest), earlier: null
    };
    Object.keys(now.view).forEach(function (k) { entry[k] = now.view[k]; });
    if (dates.length > 1) {
      var prev = dates[dates.length - 2];
      entry.earlier = { assessed_on: prev || null, files: rounds[prev].map(function (r) { return r.file; }),
        comparison: compareViews(viewOf(rounds[prev]).view, now.view, q) };
    }
    return entry;
  }

  // ---------------------------------------------------------------- how far raters agree (builder/core/review.py)

  var AGREEMENT_THRESHOLD = 0.7, ICC_MIN_CLINICS = 5;
  function hundredths(x) { return Math.floor(x * 100 + 0.5) / 100; }
  function sum(xs) { var t = 0; xs.forEach(function (x) { t += x; }); return t; }
  function variance(xs, denominator) {
    var mean = sum(xs) / xs.length;
    return sum(xs.map(function (x) { return (x - mean) * (x - mean); })) / denominator;
  }
  function rwgJ(items) {
    var ratios = [];
    items.forEach(function (item) {
      var given = item[0], options = item[1];
      var expected = options.length ? variance(options, options.length) : 0;
      if (given.length < 2 || expected <= 0) return;
      ratios.push(variance(given, given.length - 1) / expected);
    });
    if (!ratios.length) return null;
    var j = ratios.length, r = sum(ratios) / j;
    if (r >= 1) return 0;
    return hundredths(j * (1 - r) / (j * (1 - r) + r));
  }
  function clinicAgreement(q, raters) {
    if (raters.length < 2) return null;
    var out = {};
    q.domains.forEach(function (d) {
      var items = [];
      d.questions.forEach(function (qu) {
        if (qu.type !== "single" || !qu.scored) return;
        var points = {};
        qu.options.forEach(function (o) { points[o.id] = o.points || 0; });
        var given = raters.filter(function (r) { return typeof r.answers[qu.id] === "string" && has(points, r.answers[qu.id]); })
          .map(function (r) { return points[r.answers[qu.id]]; });
        items.push([given, qu.options.map(function (o) { return points[o.id]; })]);
      });
      out[d.id] = rwgJ(items);
    });
    return out;
  }
  function icc1(groups) {
    groups = groups.filter(function (g) { return g.length >= 2; });
    var gCount = groups.length, n = sum(groups.map(function (g) { return g.length; }));
    if (gCount < 2 || n <= gCount) return null;
    var grand = sum(groups.map(function (g) { return sum(g); })) / n;
    var ssb = sum(groups.map(function (g) { var m = sum(g) / g.length; return g.length * (m - grand) * (m - grand); }));
    var ssw = sum(groups.map(function (g) { return variance(g, 1); }));
    var msb = ssb / (gCount - 1), msw = ssw / (n - gCount);
    var k = (n - sum(groups.map(function (g) { return g.length * g.length; })) / n) / (gCount - 1);
    var denominator = msb + (k - 1) * msw;
    if (denominator <= 0) return null;
    return hundredths((msb - msw) / denominator);
  }
  function reviewAgreement(q, entries) {
    var several = entries.filter(function (c) { return c.raters.length > 1; });
    var enough = several.length >= ICC_MIN_CLINICS, icc = {};
    function scores(pick) { return several.map(function (c) { return c.raters.map(pick); }); }
    icc.overall = enough ? icc1(scores(function (r) { return r.overall.score; })) : null;
    q.domains.forEach(function (d) { icc[d.id] = enough ? icc1(scores(function (r) { return r.domains[d.id].score; })) : null; });
    var low = several.filter(function (c) {
      return Object.keys(c.agreement).some(function (k) { return c.agreement[k] !== null && c.agreement[k] < AGREEMENT_THRESHOLD; });
    }).length;
    return { threshold: AGREEMENT_THRESHOLD, min_clinics: ICC_MIN_CLINICS, clinics_with_several_raters: several.length,
      clinics_below_threshold: low, icc1: icc };
  }

  function rankKey(q, c) { return [-RANK[c.overall.rating], -c.overall.score, fold(q, c.name), c.key]; }

  function buildReview(q, groups, excludedList, files) {
    var entries = groups.map(function (raters) { return clinicEntry(q, raters); });
    var keys = new Map(entries.map(function (c) { return [c, rankKey(q, c)]; }));  // folded once per clinic
    entries.sort(function (a, b) { return cmp(keys.get(a), keys.get(b)); });
    entries.forEach(function (c, i) { c.rank = i + 1; });
    var titles = {};
    q.domains.forEach(function (d) { titles[d.id] = d.title; });

    var red = q.meta.domains.map(function (did) {
      return { domain: did, title: titles[did], red: entries.filter(function (c) { return c.domains[did].rating === "red"; }).length };
    });
    red.sort(function (a, b) { return cmp([-a.red, q.meta.domains.indexOf(a.domain)], [-b.red, q.meta.domains.indexOf(b.domain)]); });

    var gaps = new Map();
    entries.forEach(function (c) {
      c.must_haves.forEach(function (g) {
        if (!gaps.has(g.id)) gaps.set(g.id, { id: g.id, title: g.title, domain: g.domain, clinics: [] });
        gaps.get(g.id).clinics.push(c.name);
      });
    });
    var gapList = Array.from(gaps.values()).sort(function (a, b) { return cmp([-a.clinics.length, a.id], [-b.clinics.length, b.id]); });
    gapList.forEach(function (g) { g.count = g.clinics.length; });

    var order = q.templates.map(function (t) { return t.id; }), count = {};
    entries.forEach(function (c) { c.templates.forEach(function (t) { count[t] = (count[t] || 0) + 1; }); });
    var templates = q.templates.filter(function (t) { return count[t.id]; })
      .map(function (t) { return { template: t.id, title: t.title, clinics: count[t.id] }; })
      .sort(function (a, b) { return cmp([-a.clinics, order.indexOf(a.template)], [-b.clinics, order.indexOf(b.template)]); });

    var budgets = entries.filter(function (c) { return c.budget !== null; }).map(function (c) { return c.budget; });
    var ratings = { green: 0, amber: 0, red: 0 };
    entries.forEach(function (c) { ratings[c.overall.rating] += 1; });
    return {
      review_version: REVIEW_VERSION,
      questionnaire: { title: q.meta.title, version: q.meta.version },
      rule: RULE,
      domains: q.meta.domains.map(function (d) { return { id: d, title: titles[d] }; }),
      files: { read: files, included: files - excludedList.length, excluded: excludedList.length },
      clinics: entries,
      ratings: ratings,
      red_domains: red,
      must_have_gaps: gapList,
      templates: templates,
      opportunities: opportunities(q, entries),
      agreement: reviewAgreement(q, entries),
      cost: budgets.length ? { total: budgets.reduce(function (s, b) { return s + b; }, 0), clinics_with_budget: budgets.length, clinics: entries.length } : null,
      not_included: excludedList.slice().sort(function (a, b) { return cmp([a.file], [b.file]); })
        .map(function (e) { return { file: e.file, line: e.line, reason: e.reason }; }),
      identity_conflicts: identityConflicts(q, entries),
      lookalike_names: lookalikeNames(q, entries)
    };
  }

  /** builder/core/text.py's skeleton, over the table the export carries: NFKC, lower case, joiners dropped, look-alikes mapped. */
  function skeleton(q, text) {
    var table = q.text_rules.confusables;
    var mapped = Array.from(text.normalize("NFKC").toLowerCase())
      .filter(function (ch) { return ch !== "\u200c" && ch !== "\u200d"; })
      .map(function (ch) { return Object.prototype.hasOwnProperty.call(table, ch) ? table[ch] : ch; }).join("");
    return mapped.split(/\s+/).filter(Boolean).join(" ");
  }

  /** builder/core/review.py's lookalike_names: clinics reviewed apart whose names and organisations look the same. */
  function lookalikeNames(q, entries) {
    var groups = new Map();
    entries.forEach(function (c) {
      var k = skeleton(q, c.name) + "|" + skeleton(q, c.organisation || "");
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push(c);
    });
    return Array.from(groups.keys()).sort(function (a, b) { return cmp([a], [b]); })
      .filter(function (k) { return groups.get(k).length > 1; })
      .map(function (k) {
        return { clinics: groups.get(k).map(function (c) { return { rank: c.rank, name: c.name, organisation: c.organisation }; }) };
      });
  }

  /** builder/core/review.py's identity_conflicts: clinic ids that more than one organisation's files give. */
  function identityConflicts(q, entries) {
    var byId = new Map();
    entries.forEach(function (c) {
      if (!c.clinic_id) return;
      var k = fold(q, c.clinic_id);
      if (!byId.has(k)) byId.set(k, []);
      byId.get(k).push(c);
    });
    return Array.from(byId.keys()).sort(function (a, b) { return cmp([a], [b]); })
      .filter(function (k) { return byId.get(k).length > 1; })
      .map(function (k) {
        var group = byId.get(k);
        return { clinic_id: group[0].clinic_id,
          clinics: group.map(function (c) { return { rank: c.rank, name: c.name, organisation: c.organisation }; }) };
      });
  }

  function opportunities(q, entries) {
    var areas = new Map();
    entries.forEach(function (c) {
      if (!c.area) return;
      if (!areas.has(c.area)) areas.set(c.area, []);
      areas.get(c.area).push(c);
    });
    var out = [];
    Array.from(areas.keys()).sort(function (a, b) { return cmp([fold(q, a)], [fold(q, b)]); }).forEach(function (area) {
      var group = areas.get(area).slice().sort(function (a, b) { return cmp([fold(q, a.name)], [fold(q, b.name)]); });
      var withPartner = group.filter(function (c) { return c.partnered; })
        .map(function (c) { return { clinic: c.name, partner: c.partner }; });
      var without = group.filter(function (c) { return c.no_partner; }).map(function (c) { return c.name; });
      var hub = group.filter(function (c) { return c.hub_candidate; })
        .map(function (c) { return c.name; });
      if ((withPartner.length && without.length) || hub.length >= 2) {
        out.push({ area: area, clinics: group.length, with_partner: without.length ? withPartner : [],
          without_partner: withPartner.length ? without : [], hub_and_spoke: hub.length >= 2 ? hub : [] });
      }
    });
    return out;
  }

  /** [{name, text}] (text null when not UTF-8) -> the review, as `readiness review` makes it. */
  function review(q, files) {
    var r = new Review(q);
    files.forEach(function (f) { r.add(readRater(q, f.name, f.text, f.size)); });
    return r.build();
  }

  // ---------------------------------------------------------------- CSV (builder/render/review.py)

  // builder/core/text.py's spreadsheet rule, the same characters and steps (tests/test_hostile.py checks parity in Node):
  // an apostrophe where a cell could start with a formula, at the start and right after any separator a spreadsheet
  // might split on, looking past spaces and folding compatibility forms (NFKC: a full-width equals sign is "=").
  var FORMULA_START = ["=", "+", "-", "@", "\t", "\r", "\n"];
  var LEADING_SPACES = " \u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000";
  var CELL_SEPARATORS = ",;\t|";
  function formulaChar(ch) {  // true: starts a formula; null: a space to pass over; false: anything else
    if (FORMULA_START.indexOf(ch) >= 0) return true;
    var folded = ch.normalize("NFKC");
    if (!folded || LEADING_SPACES.indexOf(folded) >= 0 || LEADING_SPACES.indexOf(ch) >= 0) return null;
    return FORMULA_START.indexOf(folded.charAt(0)) >= 0;
  }
  function safeCell(v) {
    if (v === null || v === undefined) return "";
    if (typeof v !== "string") return v;
    var out = [], mark = 0;
    Array.from(v).forEach(function (ch) {
      if (mark !== null) {
        var kind = formulaChar(ch);
        if (kind === true) out.splice(mark, 0, "'");
        if (kind !== null) mark = null;
      }
      out.push(ch);
      if (CELL_SEPARATORS.indexOf(ch) >= 0) mark = out.length;
    });
    return out.join("");
  }
  function csvField(v) {  // every field quoted, as csv.QUOTE_ALL does: a ';' in a name stays in its cell
    var s = v === null || v === undefined ? "" : String(v);
    return '"' + s.replace(/"/g, '""') + '"';
  }
  // review.csv's columns, (id, human heading): builder/render/review.py CSV_COLUMNS, in the same order.
  var CSV_COLUMNS = [["rank", "Rank"], ["clinic", "Clinic"], ["organisation", "Organisation"], ["clinic_id", "Clinic id"],
    ["area", "Area"], ["assessed_on", "Assessed on"], ["raters", "Raters"], ["overall_score", "Overall score"],
    ["overall_rating", "Overall rating"], ["{domain}_score", "{title}: score"], ["{domain}_rating", "{title}: rating"],
    ["route", "Route"], ["roles", "Roles"], ["actions", "Actions"], ["templates_needed", "Templates needed"],
    ["must_have_gaps", "Must-have gaps"], ["disagreements", "Questions raters disagree on"],
    ["estimated_cost", "Estimated cost (£)"]];
  function csvHeader(rv) {
    var head = [];
    CSV_COLUMNS.forEach(function (col, i) {
      if (col[0] === "{domain}_score") {
        rv.domains.forEach(function (d) {
          head.push(col[1].replace("{title}", d.title), CSV_COLUMNS[i + 1][1].replace("{title}", d.title));
        });
      } else if (col[0] !== "{domain}_rating") head.push(col[1]);
    });
    return head;
  }
  function csvRow(rv, c, titles) {
    var row = [c.rank, c.name, c.organisation || "", c.clinic_id || "", c.area || "", c.assessed_on || "", c.raters.length,
      c.overall.score, c.overall.rating];
    rv.domains.forEach(function (d) { row.push(c.domains[d.id].score, c.domains[d.id].rating); });
    return row.concat([c.route, c.roles.join("; "), c.actions.length,
      c.templates.map(function (t) { return titles[t] || t; }).join("; "), c.must_haves.length,
      c.disagreements.length, c.budget === null ? "" : c.budget]);
  }
  /** The same bytes as review.csv: a byte-order mark, CRLF rows, every field quoted, formulas neutralised. */
  function reviewCsv(rv) {
    var lines = [csvHeader(rv).map(csvField).join(",")];
    var titles = {};
    rv.templates.forEach(function (t) { titles[t.template] = t.title; });
    rv.clinics.forEach(function (c) { lines.push(csvRow(rv, c, titles).map(safeCell).map(csvField).join(",")); });
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }

  var api = {
    REVIEW_VERSION: REVIEW_VERSION, RULE: RULE, readRater: readRater, clinicKey: clinicKey,
    summarise: summarise, mustHaveGaps: mustHaveGaps, combineAnswer: combineAnswer, combine: combine,
    compareViews: compareViews, Review: Review, buildReview: buildReview, review: review,
    safeCell: safeCell, reviewCsv: reviewCsv, canonical: canonical,
    rwgJ: rwgJ, icc1: icc1, textKey: textKey, fold: fold
  };
  root.ReadinessReview = api;
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
