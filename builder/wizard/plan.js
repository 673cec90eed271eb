/* The plan view of the wizard (builder/wizard/ui.js): the setup plan, the board's summary and details, and
 * tailored templates. Only a visit that shows a plan needs it, so ui.js loads it on demand (loadScript) and
 * hands it the page's helpers and state; every visit's code stays small (bench/wizard_size.py). A classic
 * script, not a module. Untrusted text only ever goes into the page through textContent and DOM APIs. */
window.ReadinessPlanView = (w) => {
  "use strict";
  const { E, Q, ix, meta, h, button, linkButton, heading, backLink, plural, byId, html, siteUrl, changeLink, errorSummary,
    setTitle, alertBox, loadScript, changed, render, announce, snapshot, str, has } = w;

  // ------------------------------------------------------------ check your answers

  function answerText(snap, qid) {
    const a = snap.doc.answers[qid];
    if (snap.dontKnow(qid)) return "I don't know yet";
    const v = a && typeof a === "object" && !Array.isArray(a) ? a.answer : a;
    if (v === null || v === undefined) return "Not answered yet";
    const qu = ix.byId[qid];
    return qu.type === "text" ? v : qu.options.filter((o) => (Array.isArray(v) ? v : [v]).includes(o.id)).map((o) => o.label).join("; ");
  }

  function checkScreen(snap) {
    setTitle("Check your answers", false);
    const row = (key, value, href, what, text) => h("div", { class: "rw-summary-row" }, h("dt", null, key), h("dd", null, value), h("dd", { class: "rw-summary-action" }, changeLink(href, what, text)));
    const state = w.state(), c = state.clinic;
    return h("div", { class: "rw-check" },
      backLink("#tasks"),
      heading(1, "Check your answers"),
      h("p", null, "Change anything here, then see your plan. Questions not answered yet appear in the plan as things to find out."),
      h("h2", null, "About your clinic"),
      h("dl", { class: "rw-summary" },
        row("Clinic name", c.name.trim() || "Not given yet", "#about/check", "clinic name"),
        has(c, "id") && row("Clinic reference", str(c.id).trim() || "Not given", "#about/check", "clinic reference"),
        row("Organisation", c.organisation.trim() || "Not given", "#about/check", "organisation"),
        row("Area", str(c.area).trim() || "Not given", "#about/check", "area"),
        row("Your name", str(state.respondent_name).trim() || "Not given", "#about/check", "your name"),
        row("Your role", state.respondent_role.trim() || "Not given", "#about/check", "your role")),
      Q.domains.map((d) => {
        const qs = d.questions.filter((qu) => snap.ids.includes(qu.id));
        return h("section", { class: "rw-check-area", "data-domain": d.id }, h("h2", null, d.title),
          h("dl", { class: "rw-summary" }, qs.map((qu) => {
            const note = str(state.notes[qu.id]).trim(), answered = snap.dealt(qu.id);
            return h("div", { class: "rw-summary-row", "data-question": qu.id },
              h("dt", null, qu.title),
              h("dd", null, answerText(snap, qu.id), note && h("span", { class: "rw-hint" }, `Note: ${note}`)),
              h("dd", { class: "rw-summary-action" }, changeLink(`#q/${qu.id}/check`, qu.title, answered ? "Change" : "Answer")));
          })));
      }),
      h("div", { class: "rw-nav" }, linkButton("Finish the assessment", "#done", true)));
  }

  // ------------------------------------------------------------ the plan

  const ratingText = (r) => `${r.label} (${r.rating})`;
  const badge = (r) => h("span", { class: `rw-badge rw-${r.rating}` }, ratingText(r));
  const list = (items, cls) => h("ul", { class: cls }, items.map((x) => h("li", null, x)));
  const section = (title, ...kids) => h("section", { class: "rw-section" }, h("h2", null, title), kids);

  function planScreen(snap) {
    const result = E.plan(Q, snap.doc);
    if (result.errors.length) {
      // Only the clinic name can be missing here.
      setTitle("Your plan", true);
      return h("div", null, backLink("#check"), heading(1, "Your plan"),
        errorSummary([["rw-to-about", "Enter the clinic name first: it names your plan."]]),
        h("p", null, h("a", { href: "#about/plan", id: "rw-to-about" }, "Enter the clinic name")));
    }
    const plan = result.plan, r = plan.readiness, doms = r.domains;
    setTitle(`Setup plan: ${plan.clinic.name}`, false);
    const route = byId(meta.routes.options, plan.route);
    const roleTitle = (id) => byId(meta.roles.options, id).title;
    const about = [["Organisation", plan.clinic.organisation], ["Assessed on", plan.assessment.assessed_on],
      ["Completed by", plan.assessment.respondent_role], ["Questionnaire", `${meta.title} ${plan.assessment.answered_against || meta.version}`]];
    const weakest = plan.start_with; // computed once, by the engine

    const chart = h("figure", { class: "rw-chart" },
      h("figcaption", null, `Readiness score out of 100 by area (green from ${meta.ratings.green}, amber from ${meta.ratings.amber})`),
      h("ul", null, [["overall", { title: "Overall", ...r.overall }], ...meta.domains.map((id) => [id, doms[id]])].map(([id, d]) =>
        h("li", { class: "rw-chart-row" + (id === "overall" ? " rw-chart-overall" : ""), "data-domain": id, "data-score": d.score, "data-rating": d.rating },
          h("span", { class: "rw-chart-name" }, d.title, h("span", { class: "rw-sr" }, ": ")),
          h("span", { class: "rw-chart-track", "aria-hidden": "true" }, h("span", { class: `rw-chart-bar rw-${d.rating}`, style: `width: ${d.score}%` })),
          h("span", { class: "rw-chart-value" }, h("strong", null, d.score), h("span", { class: "rw-sr" }, " of 100, "), " ", badge(d))))));

    const unknown = plan.unknown.map((qid) => [ix.byId[qid].text, " ",
      h("a", { href: `#q/${qid}/plan`, class: "rw-btn rw-btn-small", role: "button", "aria-label": `Answer it now: ${ix.byId[qid].title}` }, "Answer it now")]);

    return h("div", { class: "rw-plan", "data-route": plan.route, "data-roles": plan.roles.join(" ") },
      backLink("#check"),
      heading(1, `Peer support setup plan: ${plan.clinic.name}`),
      plan.unknown.length > 0 && h("p", { class: "rw-so-far" }, `This is the plan so far: ${plural(plan.unknown.length, "question")} not answered yet.`),
      h("dl", { class: "rw-about" }, about.filter((a) => a[1]).map(([k, v]) => [h("dt", null, k), h("dd", null, v)])),
      h("div", { class: "rw-nav" },
        button("Print / save as PDF", () => window.print(), true),
        linkButton("Check and change answers", "#check")),
      section("Summary",
        h("h3", null, "Go-live checklist"),
        h("p", null, "All of these must hold before the first peer meets a patient. Each status comes from your answers: only what is in place is met; planned, not met or not known yet means not ready to start."),
        h("ul", { class: "rw-go-live" }, plan.go_live.map((g) => h("li", { "data-status": g.status },
          h("strong", null, meta.messages.go_live_status[g.status] + ": "), g.title))),
        h("p", { class: "rw-overall" }, "Overall readiness: ", h("strong", null, `${r.overall.score} of 100`), " ", badge(r.overall)),
        list([
          [h("strong", null, "Route: "), route.title, ". ", plan.route_reasons[0]],
          [h("strong", null, plan.roles.length > 1 ? "Recommended peer roles: " : "Recommended peer role: "), plan.roles.map(roleTitle).join(", ")],
          [h("strong", null, "Start with: "), weakest.map((id) => `${doms[id].title} (${doms[id].score})`).join(", ")],
          [h("strong", null, "Actions: "), plan.actions.length, "; ", h("strong", null, "templates to adapt: "), plan.templates.length],
          plan.unknown.length > 0 && [h("strong", null, "Not answered yet: "), `${plan.unknown.length} question${plan.unknown.length > 1 ? "s" : ""}. They count as 0 until answered, and each has a "Find out" action below.`],
        ].filter(Boolean)),
        h("p", { class: "rw-rating-reason" }, r.overall.sentence),
        h("details", { class: "rw-rating-details" }, h("summary", null, "How the rating was worked out: the score and what caps it"),
          list(r.overall.reasons))),
      boardSummary(plan),
      localSection(plan),
      fold("Readiness by area", chart, meta.domains.map((id) => {
        const d = doms[id];
        const notes = plan.answers.filter((a) => a.domain === id && a.note);
        return h("div", { class: "rw-domain" },
          h("h3", null, `${d.title}: ${d.score} of 100, `, badge(d)),
          h("p", null, d.meaning), list(d.reasons),
          notes.length > 0 && [h("p", null, "Notes from the assessment:"), list(notes.map((a) => [h("em", null, a.title + ": "), a.note]))]);
      })),
      fold("Route and peer roles",
        h("p", null, h("strong", null, route.title + ". "), route.summary), list(plan.route_reasons),
        plan.role_fit.map((f) => h("div", { class: "rw-role", "data-role": f.role, "data-recommended": String(f.recommended) },
          h("h3", null, `${f.title}: ${f.points} point${Math.abs(f.points) === 1 ? "" : "s"}, ${f.recommended ? "recommended" : "not recommended"}`),
          h("p", null, byId(meta.roles.options, f.role).summary),
          f.reasons.length > 0 && list(f.reasons.map((x) => `${x.points > 0 ? "+" : "−"}${Math.abs(x.points)}: ${x.text}`)))),
        plan.role_note && h("p", null, h("em", null, plan.role_note))),
      boardDetails(plan),
      section("Templates to adapt",
        h("p", null, "Blank versions to adapt with your own policies and local advice."),
        h("p", { class: "rw-tailored" }, "Each one is also here filled in with your clinic's answers, in a page of its own with a print button. " +
          "Or open them all as one document, with contents and page numbers, to print or save as a PDF; the same page downloads them all as editable Word files in one zip. " +
          "Nothing is uploaded: they are filled in by this browser."),
        h("p", null, h("a", { href: siteUrl("documents.html#all"), target: "_blank", class: "rw-btn", role: "button", "data-all-documents": "" },
          "All filled-in documents, to print or download as Word", h("span", { class: "rw-sr" }, " (opens in a new tab)"))),
        h("ul", { class: "rw-templates" }, plan.templates.map((id) => {
          const t = byId(Q.templates, id);
          return h("li", { "data-template": id },
            h("strong", null, t.title), ` (${t.kind}). `, plan.template_reasons[id].join(" "),
            h("span", { class: "rw-downloads" },
              h("a", { href: siteUrl(`documents.html#t/${id}`), target: "_blank", class: "rw-btn rw-btn-small", "aria-label": `${t.title}, filled in for your clinic (opens in a new tab)` }, "Filled in for your clinic"), " ",
              h("a", { href: siteUrl(`downloads/blank/${id}.pdf`), "aria-label": `${t.title}, blank PDF` }, "Blank PDF"), " · ",
              h("a", { href: siteUrl(`downloads/blank/${id}.docx`), "aria-label": `${t.title}, blank Word document` }, "Blank Word document")));
        }))),
      unknown.length > 0 && section("Still to find out", list(unknown)),
      section("Your answers", h("table", { class: "rw-answers" },
        h("thead", null, h("tr", null, ["Question", "Answer", "Note", "Change"].map((c) => h("th", { scope: "col", class: c === "Change" ? "rw-change-col" : null }, c)))),
        h("tbody", null, plan.answers.map((a) => h("tr", { "data-question": a.question }, h("th", { scope: "row" }, a.title),
          h("td", { "data-label": "Answer" }, a.labels.length ? a.labels.join("; ") : snap.dontKnow(a.question) ? "I don't know yet" : "Not answered yet"),
          h("td", { "data-label": "Note" }, a.note || ""),
          h("td", { "data-label": "Change", class: "rw-change-col" }, changeLink(`#q/${a.question}/plan`, a.title))))))));
  }

  // ------------------------------------------------------------ the task list's go-live marks

  /** The go-live items not yet met (not met, or not known), by area, from the engine's own plan, so the task list
   * says what the plan's checklist says; null without a clinic name (no plan yet). */
  function goLiveGaps(snap) {
    const result = E.plan(Q, snap.doc);
    if (result.errors.length) return null;
    const domainOf = Object.fromEntries(result.plan.actions.map((a) => [a.id, a.domain])), out = {};
    for (const g of result.plan.go_live) {
      if (g.status === "met") continue;
      // An action the plan replaced with a find-out step still belongs to its area in the questionnaire.
      const d = domainOf[g.action] || (Q.domains.find((x) => (x.actions || []).some((a) => a.id === g.action)) || {}).id;
      if (d) (out[d] = out[d] || []).push(g);
    }
    return out;
  }

  // ------------------------------------------------------------ confirmation: what happens next

  function doneScreen(snap) {
    setTitle("Assessment finished", false);
    const name = w.state().clinic.name.trim(), open = snap.path.filter((qu) => !qu.optional && !snap.dealt(qu.id)).length;
    const them = open === 1 ? "it" : "them";
    return h("div", { class: "rw-done" },
      backLink("#check"),
      h("div", { class: "rw-panel" },
        heading(1, "You have finished the assessment"),
        h("p", null, name ? `Your setup plan for ${name} is ready.` : "Your setup plan is ready.")),
      open > 0 && h("p", null, `${plural(open, "question")} ${open === 1 ? "is" : "are"} not answered yet: your plan lists ${them} as things to find out, and you can answer ${them} at any time.`),
      h("h2", null, "What happens next"),
      h("ol", { class: "rw-next-steps" },
        h("li", null, "Read your plan. It opens with the go-live checklist and the first steps to take, with who does each and by when."),
        h("li", null, "Save your answers (the Save answers button below). They are kept in this browser only; the file opens again here or in the readiness command."),
        h("li", null, "Print the plan or save it as a PDF for your team and board, and adapt the templates it lists: each one opens filled in with your clinic's details."),
        h("li", null, "Come back when things change, such as a partner agreed or a room found: change your answers and the plan changes with them.")),
      h("div", { class: "rw-nav" }, linkButton("See your plan", "#plan", true)));
  }

  // ------------------------------------------------------------ one answer to "what first?"

  /** Today, in the browser's own time zone, as the plan's ISO dates are written. */
  const todayIso = () => {
    const d = new Date(), p = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  };

  /** The top steps as the engine lists them (schedule's first_steps rule, the same for the command line's plan). */
  function topSteps(plan) {
    const byAction = Object.fromEntries(plan.actions.map((a) => [a.id, a]));
    return plan.first_steps.map((id) => ({ action: byAction[id], blocks: plan.first_steps_blocking.includes(id) }));
  }

  // ============================================================ the board's plan (issue 10)
  // Key figures, top steps, timeline with due dates, budget with editable assumptions, risks and
  // indicators: the numbers come from the engine (the same as the CLI's); details start collapsed.

  /** Assumption overrides worth keeping: known ids with valid numbers (the engine re-validates them). */

  const pounds = (n) => "£" + String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const longDate = (iso) => (iso ? new Date(iso + "T00:00:00Z").toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }) : "");
  const dueText = (a) => (a.due ? longDate(a.due) : `week ${a.due_week}`);

  function fold(title, ...kids) {
    return h("details", { class: "rw-section rw-fold" }, h("summary", null, h("h2", null, title)), kids);
  }

  function boardSummary(plan) {
    if (!plan.budget) return null;
    const b = plan.budget, today = todayIso();
    const figures = [["Cost in year one", pounds(b.total_year1)], ["Cost over three years", pounds(b.total_3_years)],
      ["First peer meets a patient", plan.first_patient_date ? longDate(plan.first_patient_date) : `week ${plan.first_patient_week}`],
      ["Review this plan by", plan.review_date ? longDate(plan.review_date) : "three months after the assessment"]];
    return h("section", { class: "rw-section rw-board", "data-total-year1": b.total_year1, "data-first-patient": plan.first_patient_date || "" },
      h("h2", null, "Summary for the board"),
      h("dl", { class: "rw-figures" }, figures.map(([k, v]) => h("div", null, h("dt", null, k), h("dd", null, v)))),
      h("h3", null, "Top five steps"),
      h("p", null, "Start with these. Steps that must be done before the first peer meets a patient come first, soonest first."),
      h("ol", { class: "rw-steps" }, topSteps(plan).map(({ action: a, blocks }) => {
        const overdue = !!a.due && a.due < today;
        return h("li", { "data-action": a.id, "data-blocks": String(blocks), "data-overdue": String(overdue) },
          blocks && h("span", { class: "rw-must" }, "Before go-live"), overdue && h("span", { class: "rw-overdue" }, "Overdue"), " ",
          h("strong", null, a.title), ` (${a.owner}; ${overdue ? "was due" : "due"} ${dueText(a)})`);
      })));
  }

  function timeline(plan) {
    const end = Math.max(4, plan.first_patient_week, ...plan.actions.map((a) => a.due_week));
    const titles = Object.fromEntries(plan.actions.map((a) => [a.id, a.title]));
    return fold("Timeline and actions",
      h("p", null, `Due dates count from the assessment date. The first peer can meet a patient from ${plan.first_patient_date ? longDate(plan.first_patient_date) : "week " + plan.first_patient_week}, once every must-do before launch is done. Must-dos come first in each phase.`),
      meta.phases.map((ph) => {
        const items = plan.actions.filter((a) => a.phase === ph.id);
        return items.length > 0 && h("table", { class: "rw-actions", "data-phase": ph.id },
          h("caption", null, h("strong", null, ph.title), `: ${ph.summary}`),
          h("thead", null, h("tr", null, ["Action", "Owner", "Due", "When"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", null, items.map((a) => h("tr", { "data-action": a.id, "data-due": a.due || "" },
            h("th", { scope: "row" }, a.must && h("span", { class: "rw-must" }, "Must-do "), h("span", { class: "rw-action-title" }, a.title),
              h("span", { class: "rw-action-detail" }, a.detail),
              a.after.length > 0 && h("span", { class: "rw-action-detail" }, "Waits for: " + a.after.map((d) => titles[d]).join("; ")),
              html(a.guidance) ? h("a", { class: "rw-action-detail", href: html(a.guidance) }, a.source) : h("span", { class: "rw-action-detail" }, a.source)),
            h("td", { "data-label": "Owner" }, a.owner),
            h("td", { "data-label": "Due" }, dueText(a), h("span", { class: "rw-action-detail" }, `${a.weeks} week${a.weeks === 1 ? "" : "s"}`)),
            h("td", { "data-label": "When", class: "rw-gantt" },
              h("span", { class: "rw-gantt-track", "aria-hidden": "true" },
                h("span", { class: "rw-gantt-bar" + (a.must ? " rw-gantt-must" : ""),
                  style: `margin-left: ${(100 * a.start_week) / end}%; width: ${Math.max(1, (100 * a.weeks) / end)}%` })),
              h("span", { class: "rw-sr" }, `weeks ${a.start_week} to ${a.due_week}`))))));
      }));
  }

  function budgetFold(b) {
    const error = h("p", { class: "rw-error", role: "alert" });
    const setAssumption = (id, text) => {
      const raw = text.trim(), state = w.state();
      state.assumptions = state.assumptions || {};
      if (raw === "") delete state.assumptions[id];
      else {
        const v = Number(raw), check = E.parseAnswers({ version: 1, clinic: { name: "x" }, assumptions: { [id]: v } }, Q);
        if (!/^\d+(\.\d{1,2})?$/.test(raw) || check.errors.length) {
          error.textContent = `${raw} is not a valid figure for ${id}: use a number of 0 or more with at most two decimal places.`;
          return;
        }
        state.assumptions[id] = v;
      }
      changed();
      render(false);
      const again = document.getElementById(`rw-a-${id}`);
      if (again) { again.closest("details").open = true; again.focus(); }
      announce(`Budget worked out again: ${pounds(E.plan(Q, snapshot().doc).plan.budget.total_year1)} in year one.`);
    };
    return fold("Budget",
      h("p", null, "Worked out from your answers and the assumptions below, in whole pounds. Change an assumption to see the budget change; clear it to go back to the default."),
      h("table", { class: "rw-budget" },
        h("thead", null, h("tr", null, ["Cost line", "How it is worked out", "Year one", "Each later year"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", null, b.lines.map((l) => h("tr", { "data-line": l.id }, h("th", { scope: "row" }, l.label),
          h("td", { "data-label": "How" }, l.basis), h("td", { "data-label": "Year one", class: "rw-num" }, pounds(l.year1)),
          h("td", { "data-label": "Later years", class: "rw-num" }, pounds(l.later_year)))),
          h("tr", { class: "rw-total" }, h("th", { scope: "row" }, "Total"), h("td", null, `Three years: ${pounds(b.total_3_years)}`),
            h("td", { class: "rw-num" }, h("strong", null, pounds(b.total_year1))), h("td", null, "")))),
      (b.notes || []).length > 0 && h("ul", { class: "rw-budget-notes" }, b.notes.map((n) => h("li", null, n))),
      h("h3", null, "Assumptions"), error,
      h("table", { class: "rw-assumptions" },
        h("thead", null, h("tr", null, ["Assumption", "Value", "Source"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", null, b.assumptions.map((a) => h("tr", { "data-assumption": a.id },
          h("th", { scope: "row" }, h("label", { for: `rw-a-${a.id}` }, a.label)),
          h("td", { "data-label": "Value" }, h("input", { id: `rw-a-${a.id}`, type: "text", inputmode: "decimal", class: "rw-amount", value: a.value,
            onchange: (e) => setAssumption(a.id, e.target.value) }), a.overridden ? " (yours)" : ""),
          // Plain strings, not nested template literals: the site's minifier drops spaces inside a nested one.
          h("td", { "data-label": "Source" }, a.source + (a.date ? " (took effect " + longDate(a.date) + checkedOn(a) + ")"
            : a.undated ? " (" + a.undated + checkedOn(a) + ")" : "") + (a.note ? ". " + a.note : "")))))));
  }

  /** "; checked 6 December 2026" after a figure's date (or its "not confirmed"), when the figure says when it was checked. */
  function checkedOn(a) { return a.checked ? "; checked " + longDate(a.checked) : ""; }

  /** What applies where the service is and to whom, and what waits on an unanswered setting question (markdown._local_markdown). */
  function localSection(plan) {
    const local = plan.local;
    if (!local || !(local.shown.length || local.pending.length)) return null;
    const titles = {};
    plan.actions.forEach((a) => { titles[a.id] = a.title; });
    return section("Where the service is and whom it serves",
      local.shown.length > 0 && h("dl", { class: "rw-about rw-local" }, local.shown.map((t) => [h("dt", null, t.label), h("dd", { "data-term": t.id }, t.text)])),
      local.pending.length > 0 && list(local.pending.map((p) => [h("em", null, p.title),
        " is not answered yet, so the plan and the templates use neutral wording where it matters.",
        p.actions.length ? ` These actions use it: ${p.actions.map((id) => titles[id]).join("; ")}.` : ""])));
  }

  function boardDetails(plan) {
    if (!plan.budget) return null;
    return [
      timeline(plan),
      budgetFold(plan.budget),
      fold("Risk register",
        h("p", null, "Chosen by your answers and rated on the NHS 5 × 5 matrix: likelihood × impact, before and after the mitigation."),
        h("table", { class: "rw-risks" },
          h("thead", null, h("tr", null, ["Risk", "Now", "Mitigation", "After", "Owner"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", null, plan.risks.map((k) => h("tr", { "data-risk": k.id, "data-score": k.score },
            h("th", { scope: "row" }, k.title, k.reason && h("span", { class: "rw-action-detail" }, k.reason)),
            h("td", { "data-label": "Now" }, `${k.likelihood} × ${k.impact} = ${k.score} (${k.level})`),
            h("td", { "data-label": "Mitigation" }, k.mitigation),
            h("td", { "data-label": "After" }, `${k.residual_likelihood} × ${k.residual_impact} = ${k.residual_score} (${k.residual_level})`),
            h("td", { "data-label": "Owner" }, k.owner)))))),
      fold("Indicators",
        h("p", null, "What to measure, chosen by your aims and peer roles; report them each quarter."),
        h("table", { class: "rw-indicators" },
          h("thead", null, h("tr", null, ["Indicator", "Target", "Data source", "Owner"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", null, plan.indicators.map((i) => h("tr", { "data-indicator": i.id },
            h("th", { scope: "row" }, i.name, h("span", { class: "rw-action-detail" }, i.definition)),
            h("td", { "data-label": "Target" }, i.target), h("td", { "data-label": "Data source" }, `${i.source} (${i.frequency.toLowerCase()})`),
            h("td", { "data-label": "Owner" }, i.owner)))))),
    ];
  }

  // Print the whole plan: open every folded section first.
  const unfold = () => document.querySelectorAll(".readiness-wizard details.rw-fold").forEach((d) => { d.open = true; });
  window.addEventListener("beforeprint", unfold);
  if (window.matchMedia) window.matchMedia("print").addEventListener("change", (e) => { if (e.matches) unfold(); });
  // ============================================================ end of the board's plan (issue 10)

  return { screen: planScreen, done: doneScreen, check: checkScreen, goLiveGaps };
};
