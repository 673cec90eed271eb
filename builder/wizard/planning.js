/* The plan's budget, timeline, risks and indicators: builder/core/budget.py, schedule.py, risks.py and
 * actionplan.py, step for step. Part of the engine: engine.js's evaluatePlan calls addPlanning, as
 * engine.evaluate_plan calls actionplan.add_planning. In a file of its own because only a plan needs it:
 * the wizard loads it when it shows a plan, the review page after engine.js, Node through engine.js.
 * Money and hours are held in hundredths and multiplied as BigInt, so every pound matches Python's.
 * No DOM, no I/O, no copy of any rule. A classic script, like engine.js. */
(function (root) {
  "use strict";

  var E = root.ReadinessEngine || require("./engine.js");
  var evaluate = E.evaluate, cmp = E.cmp, hundredths = E.hundredths;
  var has = function (o, k) { return Object.prototype.hasOwnProperty.call(o, k); };
  var dict = function () { return Object.create(null); };

  function fmtAmount(h, unit) {
    var whole = Math.floor(h / 100), frac = h % 100;
    var text = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var two = (frac < 10 ? "0" : "") + frac;
    if (unit === "money") return "£" + text + (frac ? "." + two : "");
    return frac ? text + "." + two.replace(/0+$/, "") : text;
  }

  function plainAmount(h) {
    var whole = Math.floor(h / 100), frac = h % 100;
    return String(whole) + (frac ? "." + ((frac < 10 ? "0" : "") + frac).replace(/0+$/, "") : "");
  }

  /** budget.say: a figures.yaml note with its {fields} filled in one pass (a field's value is never read again). */
  function say(template, fields) {
    return template.replace(/\{([a-z_]+)\}/g, function (m, k) { return has(fields, k) ? fields[k] : m; });
  }

  /** num / den rounded half up (BigInt in, Number out). */
  function roundDiv(num, den) { return Number((2n * num + den) / (2n * den)); }
  /** budget.basis: the employment model from its question, the nation from the `nation` binding (else the default). */
  function costBasis(q, values) {
    var p = q.planning, emp = p.costs.employment, figs = p.figures;
    var answer = has(values, emp.question) ? values[emp.question] : null;
    var chosen = typeof answer === "string" && has(emp.options, answer) ? answer : null;
    var nation = figs.default_nation, assumed = true, bound = q.bindings && q.bindings.nation;
    if (bound) {
      var said = has(values, bound.question) ? values[bound.question] : null;
      var nid = typeof said === "string" && bound.nations && has(bound.nations, said) ? bound.nations[said] : null;
      if (nid !== null && has(figs.nations, nid)) { nation = nid; assumed = false; }
    }
    var table = dict();
    Object.keys(figs.shared || {}).forEach(function (k) { table[k] = figs.shared[k]; });
    Object.keys(figs.nations[nation].figures).forEach(function (k) { table[k] = figs.nations[nation].figures[k]; });
    return { model: chosen !== null ? emp.options[chosen] : emp.unknown, modelAnswer: chosen, nation: nation, assumed: assumed, figures: table };
  }

  /** schema.Figure.dated (exported with each figure): the date it took effect is known. */
  function dated(f) { return f.dated === true; }

  function caseApplies(c, model, values, route, roles) {
    if (c.employment && c.employment.indexOf(model) < 0) return false;
    return !c.when || evaluate(c.when, values, route, roles) === true;
  }

  /** budget.assumptions_used and chosen_figures together: {used: id -> hundredths, fig: id -> figure id or null}. */
  function assumptionsUsed(q, b, overrides, values, route, roles) {
    var used = dict(), fig = dict();
    q.planning.costs.assumptions.forEach(function (a) {
      if (has(overrides, a.id)) { used[a.id] = overrides[a.id]; fig[a.id] = null; return; }
      var h = null, f = a.figure === undefined ? null : a.figure;
      (a.cases || []).some(function (c) {
        if (!caseApplies(c, b.model, values, route, roles)) return false;
        f = c.figure === undefined ? null : c.figure;
        h = f !== null ? hundredths(b.figures[f].value) : hundredths(c.value || 0);
        return true;
      });
      if (h === null) {
        if (a.figure !== undefined && a.figure !== null) h = hundredths(b.figures[a.figure].value);
        else if (a.percent_of && a.percent_of.length) {
          var sum = 0n;
          a.percent_of.forEach(function (id) { sum += BigInt(used[id]); });
          h = 100 + roundDiv(sum, 100n);
        } else h = hundredths(a.value || 0);
      }
      used[a.id] = h; fig[a.id] = f;
    });
    return { used: used, fig: fig };
  }

  function linesThatApply(q, b, values, route, roles) {
    // Unknown answers count against the clinic: a line is left out only when it surely does not apply.
    return q.planning.costs.lines.filter(function (line) {
      return (!line.employment || line.employment.indexOf(b.model) >= 0) &&
        !(line.when && evaluate(line.when, values, route, roles) === false);
    });
  }

  function lineCost(line, used) {
    var num = 1n, den = 1n;
    line.times.forEach(function (id) { num *= BigInt(used[id]); den *= 100n; });
    (line.per || []).forEach(function (id) { num *= 100n; den *= BigInt(used[id]); });
    if (den === 0n) return [0, 0];
    var share = BigInt(line.later_from ? used[line.later_from] : (line.later === undefined ? 100 : line.later) * 100);
    return [roundDiv(num, den), roundDiv(num * share, den * 10000n)];
  }

  function budget(q, overrides, values, route, roles) {
    var costs = q.planning.costs, figs = q.planning.figures, words = figs.notes, b = costBasis(q, values), nation = figs.nations[b.nation];
    var checks = b.assumed ? figs.assumed_checks : nation.checks;
    var fill = function (text) { return text.split("{checks}").join(checks); };
    var au = assumptionsUsed(q, b, overrides, values, route, roles), used = au.used, figOf = au.fig;
    var units = dict(), byId = dict(), cite = dict(), labels = dict(), assumptions = [];
    costs.assumptions.forEach(function (a) {
      var fid = figOf[a.id], f = fid !== null ? b.figures[fid] : null, source;
      units[a.id] = a.unit; byId[a.id] = a;
      if (f) {
        var title = q.meta.sources[f.source].title;
        source = title + (f.year ? " (" + f.year + ")" : "");
        if (f.verified === false) source = say(words.unverified_source, { source: source });
        cite[a.id] = dated(f) ? say(words.cite_dated, { source: title, date: f.took_effect }) : say(words.cite_undated, { source: title });
      } else { source = a.source || ""; cite[a.id] = null; }
      labels[a.id] = fill(a.label);
      assumptions.push({ id: a.id, label: labels[a.id], value: plainAmount(used[a.id]), shown: fmtAmount(used[a.id], a.unit),
        source: source, date: f && dated(f) ? f.took_effect : null, undated: f && !dated(f) ? words.undated_shown : null,
        checked: f ? f.checked : null,
        verified: f ? f.verified !== false : true, note: f && f.note ? f.note : null, overridden: has(overrides, a.id) });
    });
    var lines = [], usedIds = [];
    linesThatApply(q, b, values, route, roles).forEach(function (line) {
      var cost = lineCost(line, used), cited = [];
      line.times.concat(line.per || []).forEach(function (id) {
        var parts = has(overrides, id) ? [] : (byId[id].percent_of || []);
        [id].concat(parts).forEach(function (part) {  // a sum of parts cites each part
          usedIds.push(part);
          var text = cite[part];
          if (text !== null && cited.indexOf(text) < 0) cited.push(text);
        });
      });
      var basis = fill(line.basis);
      Object.keys(used).forEach(function (id) { basis = basis.split("{" + id + "}").join(fmtAmount(used[id], units[id])); });
      lines.push({ id: line.id, label: fill(line.label), basis: basis, year1: cost[0], later_year: cost[1],
        source: cited.length ? cited.join("; ") : words.no_source });
    });
    var total1 = 0, laterTotal = 0;
    lines.forEach(function (x) { total1 += x.year1; laterTotal += x.later_year; });
    // What the reader must be told: the nation assumed, the pay year, how the employment model was chosen,
    // and any figure the costed lines use that is not yet verified or whose date is not confirmed.
    var notes = [], years = [], unverified = [], undated = [];
    if (b.assumed) notes.push(say(words.assumed, { nation: nation.name }));
    usedIds.forEach(function (id) {
      var fid = figOf[id];
      if (fid === null) return;
      var f = b.figures[fid];
      if (f.year && years.indexOf(f.year) < 0) years.push(f.year);
      if (f.verified === false && unverified.indexOf(labels[id]) < 0) unverified.push(labels[id]);
      if (!dated(f) && undated.indexOf(labels[id]) < 0) undated.push(labels[id]);
    });
    if (years.length) notes.push(say(words.pay_year, { years: years.join(" and "), nation: nation.name }));
    var key = b.modelAnswer !== null ? b.modelAnswer : "unknown", empNotes = costs.employment.notes || {};
    if (has(empNotes, key)) notes.push(empNotes[key]);
    if (unverified.length) notes.push(say(words.unverified, { nation: nation.name, labels: unverified.join("; ") }));
    if (undated.length) notes.push(say(words.undated, { nation: nation.name, labels: undated.join("; ") }));
    // What the templates state from the budget (budget._stated): none while the nation is not known, and none
    // for an assumption the clinic overrode.
    var stated = null;
    if (figs.stated && !b.assumed) {
      var one = function (f, h, unit) {
        return { shown: fmtAmount(h, unit), year: f.year || null, date: dated(f) ? f.took_effect : null,
          undated: dated(f) ? null : words.undated_shown, verified: f.verified !== false };
      };
      stated = { nation_name: nation.name };
      ["pay", "check_fee"].forEach(function (key) {
        var aid = figs.stated[key], fid = figOf[aid];
        stated[key] = fid !== null && !has(overrides, aid) ? one(b.figures[fid], used[aid], units[aid]) : null;
      });
      var hours = b.figures[figs.stated.weekly_hours];
      stated.weekly_hours = one(hours, hundredths(hours.value), hours.unit);
    }
    return { stated: stated, currency: costs.currency, employment: b.model, nation: b.nation, nation_name: nation.name,
      nation_assumed: b.assumed, pay_year: years.length ? years[0] : null, notes: notes,
      assumptions: assumptions, lines: lines, total_year1: total1, total_3_years: total1 + 2 * laterTotal };
  }

  function ownerFor(sched, owner, values, route, roles) {
    var rules = sched.owners || [];
    for (var i = 0; i < rules.length; i++) {
      if (rules[i].owner === owner && evaluate(rules[i].when, values, route, roles) === true) return rules[i].becomes;
    }
    return owner;
  }

  function isoOf(d) {
    var pad = function (n, w) { return ("000" + n).slice(-w); };
    return pad(d.getUTCFullYear(), 4) + "-" + pad(d.getUTCMonth() + 1, 2) + "-" + pad(d.getUTCDate(), 2);
  }
  function addDays(iso, days) {
    var p = iso.split("-"), d = new Date(0);
    d.setUTCFullYear(+p[0], +p[1] - 1, +p[2] + days);
    return isoOf(d);
  }
  function addMonths(iso, months) {
    var p = iso.split("-"), m = +p[1] - 1 + months, year = +p[0] + Math.floor(m / 12), month = m % 12;
    var last = new Date(0);
    last.setUTCFullYear(year, month + 1, 0);
    var d = new Date(0);
    d.setUTCFullYear(year, month, Math.min(+p[2], last.getUTCDate()));
    return isoOf(d);
  }

  /** Every action that lifts a go-live item (hazards.lifting_actions in Python). */
  function liftingActions(meta) {
    var out = dict();
    (meta.go_live || []).forEach(function (g) { (g.actions && g.actions.length ? g.actions : [g.action]).forEach(function (a) { out[a] = true; }); });
    return out;
  }

  function schedule(q, sched, actions, values, route, roles, start) {
    var phases = q.meta.phases.map(function (p) { return p.id; }), ids = dict();
    actions.forEach(function (a) { ids[a.id] = true; });
    var lifts = liftingActions(q.meta); // every action that lifts a go-live item is a must-do before the first patient
    actions.forEach(function (a) {
      a.owner = ownerFor(sched, a.owner, values, route, roles);
      var timing = has(sched.actions, a.id) ? sched.actions[a.id] : null;
      if (a.id.indexOf(q.meta.find_out_prefix) === 0) { a.weeks = sched.find_out_weeks; a.must = true; a.after = []; }
      else if (!timing) { a.weeks = sched.default_weeks; a.must = !!lifts[a.id]; a.after = []; }
      else {
        a.weeks = timing.weeks; a.must = !!timing.must || !!lifts[a.id];
        a.after = (timing.after || []).filter(function (d) { return ids[d]; });
      }
    });
    // Must-dos first in each phase; otherwise the engine's order (weakest domain first) stands.
    var order = actions.map(function (a, i) { return [[phases.indexOf(a.phase), a.must ? 0 : 1, i], a]; });
    order.sort(function (x, y) { return cmp(x[0], y[0]); });
    order.forEach(function (x, i) { actions[i] = x[1]; });

    var byId = dict(), due = dict(), phaseStart = dict(), floor = 0;
    actions.forEach(function (a) { byId[a.id] = a; });
    function dueOf(id) {
      if (!has(due, id)) {
        var a = byId[id], begin = phaseStart[a.phase];
        a.after.forEach(function (d) { begin = Math.max(begin, dueOf(d)); });
        a.start_week = begin;
        due[id] = begin + a.weeks;
      }
      return due[id];
    }
    phases.forEach(function (ph) {
      phaseStart[ph] = floor;
      var inPhase = actions.filter(function (a) { return a.phase === ph; });
      inPhase.forEach(function (a) { dueOf(a.id); });
      inPhase.forEach(function (a) { if (a.must) floor = Math.max(floor, due[a.id]); });
    });
    actions.forEach(function (a) {
      a.due_week = due[a.id];
      a.due = start ? addDays(start, 7 * due[a.id]) : null;
    });
    var firstWeek = phaseStart[sched.first_patient_phase];
    return {
      first_patient_week: firstWeek,
      first_patient_date: start ? addDays(start, 7 * firstWeek) : null,
      review_date: start ? addMonths(start, sched.review_months) : null
    };
  }

  /** schedule.first_steps: the plan's top steps, by the rule in the schedule's data (the one answer to "what first?"). */
  function firstSteps(rule, actions, goLive) {
    var byId = dict(), blocking = [], rest = [];
    actions.forEach(function (a) { byId[a.id] = a; });
    goLive.forEach(function (g) {
      if (rule.blocking.indexOf(g.status) >= 0 && has(byId, g.action) && blocking.indexOf(g.action) < 0) blocking.push(g.action);
    });
    var byDue = function (x, y) { return byId[x].due_week - byId[y].due_week; };
    blocking.sort(byDue);
    var steps = blocking.slice(0, rule.count);
    var ready = actions.filter(function (a) { return a.start_week === 0 && a.must; });
    var open = function (a) { return steps.length + rest.length < rule.count && steps.indexOf(a.id) < 0 && rest.indexOf(a.id) < 0; };
    ready.forEach(function (a) {
      if (open(a) && steps.concat(rest).every(function (s) { return byId[s].domain !== a.domain; })) rest.push(a.id);
    });
    ready.concat(actions.filter(function (a) { return a.start_week === 0 && !a.must; })).forEach(function (a) { if (open(a)) rest.push(a.id); });
    rest.sort(byDue);
    return { first_steps: steps.concat(rest), first_steps_blocking: steps };
  }

  function riskLevel(reg, score) {
    for (var i = 0; i < reg.levels.length; i++) if (score >= reg.levels[i].min) return reg.levels[i].label;
    return null;
  }

  function riskRegister(q, reg, sched, values, route, roles) {
    var out = [];
    reg.risks.forEach(function (r, i) {
      if (r.when && evaluate(r.when, values, route, roles) === false) return;
      var likelihood = r.likelihood, reason = null;
      (r.cases || []).some(function (c) {
        if (evaluate(c.when, values, route, roles) !== true) return false;
        likelihood = c.likelihood; reason = c.reason;
        return true;
      });
      var score = likelihood * r.impact, residual = r.residual_likelihood * r.residual_impact;
      var doc = q.meta.sources[r.source.doc];
      out.push([[-score, i], {
        id: r.id, title: r.title, likelihood: likelihood, impact: r.impact, score: score,
        level: riskLevel(reg, score), reason: reason, mitigation: r.mitigation,
        residual_likelihood: r.residual_likelihood, residual_impact: r.residual_impact,
        residual_score: residual, residual_level: riskLevel(reg, residual),
        owner: ownerFor(sched, r.owner, values, route, roles), source: doc.title + ": " + r.source.section
      }]);
    });
    return out.sort(function (a, b) { return cmp(a[0], b[0]); }).map(function (x) { return x[1]; });
  }

  function indicators(q, sched, values, route, roles) {
    var out = [];
    q.planning.indicators.indicators.forEach(function (ind) {
      if (ind.when && evaluate(ind.when, values, route, roles) !== true) return;
      var doc = q.meta.sources[ind.source.doc];
      out.push({ id: ind.id, name: ind.name, definition: ind.definition, target: ind.target, source: ind.data_source,
        frequency: ind.frequency, owner: ownerFor(sched, ind.owner, values, route, roles),
        basis: doc.title + ": " + ind.source.section });
    });
    return out;
  }

  /** actionplan.add_planning: extend the plan in place. */
  function addPlanning(plan, q, af, values, route, roles) {
    var p = q.planning;
    if (!p) return;
    var dates = schedule(q, p.schedule, plan.actions, values, route, roles, af.assessed_on);
    Object.keys(dates).forEach(function (k) { plan[k] = dates[k]; });
    var top = firstSteps(p.schedule.first_steps, plan.actions, plan.go_live);
    Object.keys(top).forEach(function (k) { plan[k] = top[k]; });
    plan.budget = budget(q, af.assumptions || {}, values, route, roles);
    plan.risks = riskRegister(q, p.risks, p.schedule, values, route, roles);
    plan.indicators = indicators(q, p.schedule, values, route, roles);
  }

  E.addPlanning = addPlanning;
  E.say = say; E.budget = budget; E.schedule = schedule; E.firstSteps = firstSteps; E.riskRegister = riskRegister; E.indicators = indicators; E.formatAmount = fmtAmount;
  if (typeof module === "object" && module.exports) module.exports = E;
})(typeof globalThis !== "undefined" ? globalThis : this);
