/* Tailored policy templates in the browser: the CLI's own Jinja2 sources (window.READINESS_TEMPLATES, made by
 * builder/render/tailor.py) rendered by nunjucks with the context builder/render/documents.py gives them, so the
 * HTML is the CLI's, byte for byte. Loaded only when someone asks for a tailored template. Autoescaping is on
 * and undefined names are errors, as in the CLI's sandboxed Jinja2 environment. */
(function (root) {
  "use strict";
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  var env = null;

  function parts(value) {
    var m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(value || "");
    return m ? [+m[1], +m[2], +m[3]] : null;
  }
  /** documents.en_gb_date: '2026-11-02' -> '2 November 2026'. */
  function enGbDate(value) {
    var d = parts(value);
    return d ? d[2] + " " + MONTHS[d[1] - 1] + " " + d[0] : null;
  }
  /** documents._review: the month a year on. */
  function review(value) {
    var d = parts(value);
    return d ? MONTHS[d[1] - 1] + " " + (d[0] + 1) : null;
  }

  function environment() {
    if (env) return env;
    var T = root.READINESS_TEMPLATES, nunjucks = root.nunjucks;
    var Loader = nunjucks.Loader.extend({
      getSource: function (name) {
        if (!Object.prototype.hasOwnProperty.call(T.sources, name)) throw new Error("no template " + name);
        return { src: T.sources[name], path: name, noCache: false };
      }
    });
    env = new nunjucks.Environment(new Loader(), { autoescape: true, throwOnUndefined: true, trimBlocks: true, lstripBlocks: true });
    env.addFilter("en_gb_date", enGbDate);
    // documents.pounds: whole pounds with thousands separators, 14814 -> "£14,814".
    env.addFilter("pounds", function (v) { return "£" + String(v).replace(/\B(?=(\d{3})+(?!\d))/g, ","); });
    // mapping.get(key) in the Jinja2 source (builder/render/tailor.py rewrites it to this filter).
    env.addFilter("jget", function (obj, key, fallback) {
      return obj && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : fallback === undefined ? null : fallback;
    });
    // macro() ~ "text": Jinja2's Markup escapes the text and stays markup (builder/render/tailor.py rewrites to this).
    env.addFilter("jcat", function (markup, text) {
      var r = nunjucks.runtime;
      return markup instanceof r.SafeString ? r.markSafe(String(markup) + nunjucks.lib.escape(String(text))) : String(markup) + text;
    });
    return env;
  }

  /** documents.document_context for a plan (tailored, never blank). */
  function context(q, templateId, plan) {
    var T = root.READINESS_TEMPLATES;
    var template = q.templates.filter(function (t) { return t.id === templateId; })[0];
    var roles = {}, titles = {};
    q.meta.roles.options.forEach(function (r) { roles[r.id] = r; titles[r.id] = r.title; });
    var answers = {};
    plan.answers.forEach(function (a) { if (a.answer !== null && a.answer !== undefined) answers[a.question] = a.answer; });
    // The partner, as templates/bindings.yaml says which answers name it (documents.partner_of).
    var b = q.bindings && q.bindings.partner, kind = b ? answers[b.question] : null, kindLabel = null, name = null;
    if (b && typeof kind === "string" && (b.no_partner || []).indexOf(kind) < 0) {
      var partnerQ = root.ReadinessEngine.index(q).byId[b.question];
      var opt = partnerQ ? partnerQ.options.filter(function (o) { return o.id === kind; })[0] : null;
      var phrases = b.phrases || {};
      kindLabel = Object.prototype.hasOwnProperty.call(phrases, kind) ? phrases[kind] : opt ? opt.label : null;
      name = b.name_question && typeof answers[b.name_question] === "string" ? answers[b.name_question] : null;
    } else {
      kind = null;
    }
    // documents.document_context: a claim is stated only when its condition surely holds.
    var claims = {};
    (template.claims || []).forEach(function (c) {
      claims[c.id] = root.ReadinessEngine.evaluate(c.when, answers, plan.route, plan.roles) === true;
    });
    var rules = {}, ruleText = {}, shared = q.meta.shared_rules || {};
    Object.keys(shared).forEach(function (id) {
      ruleText[id] = shared[id].says;
      rules[id] = root.ReadinessEngine.evaluate(shared[id].when, answers, plan.route, plan.roles) === true;
    });
    var top = roles[plan.roles[0]], assessed = plan.assessment.assessed_on;
    var ctx = {
      blank: false,
      clinic: { name: plan.clinic.name, organisation: plan.clinic.organisation },
      partner: { name: name, kind: kind, kind_label: kindLabel },
      role: { id: top.id, title: top.title, summary: top.summary },
      roles: plan.roles.slice(),
      role_titles: titles,
      route: plan.route,
      answers: answers,
      claims: claims,
      rules: rules,
      rule_text: ruleText,
      terms: plan.local ? plan.local.terms : {},
      // Pay scale, standard week and check fee from the budget (figures.yaml 'stated'); null while the nation is not known.
      stated: plan.budget && plan.budget.stated !== undefined ? plan.budget.stated : null,
      doc: { id: template.id, title: template.title, version: T.doc_version, issued: enGbDate(assessed), review_date: review(assessed) },
      link_stylesheet: true
    };
    // documents.planning_context: the plan's indicators, budget lines and risks (none without planning files).
    var planned = plan.indicators !== undefined;
    ctx.indicators = planned ? plan.indicators : [];
    ctx.budget_lines = planned ? plan.budget.lines : [];
    ctx.risks = planned ? plan.risks : [];
    // base.html.j2 reads its title block through Jinja2's `self`; no template overrides that block.
    ctx.self = { title: function () { return ctx.doc.title; } };
    return ctx;
  }

  /** The tailored template's HTML, as `readiness templates --answers` writes it. */
  function render(q, templateId, plan) {
    return environment().render("policies/" + templateId + ".html.j2", context(q, templateId, plan));
  }

  root.ReadinessTailor = { render: render, context: context };
})(typeof globalThis !== "undefined" ? globalThis : this);
