/* The filled-in documents page (documents.html): one tailored template (#t/ID) or every template the plan
 * lists, as one document to print or save as PDF (#all). It reads the answers the wizard keeps in this
 * browser, so it survives a reload and nothing is uploaded; each template is the command line's own HTML
 * (tailor.js), taken apart with DOMParser and put into this page with DOM APIs. A classic script. */
(() => {
  "use strict";
  const E = window.ReadinessEngine, Q = window.READINESS_QUESTIONNAIRE;
  let T = null;
  /** The renderer and the templates (large) load only when there are answers to fill them in with, in order. */
  const RENDERER = ["assets/wizard/planning.js", "assets/wizard/vendor/nunjucks.min.js", "assets/templates.js", "assets/wizard/tailor.js"];
  const load = (src) => new Promise((ok, no) => {
    const s = document.createElement("script");
    s.src = src;
    s.onload = () => ok();
    s.onerror = () => no(new Error(`${src} did not load`));
    document.head.append(s);
  });
  const KEY = "readiness-wizard";
  const main = document.getElementById("rw-docs"), bar = document.getElementById("rw-docs-bar");
  const el = (tag, attrs, ...kids) => {
    const x = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined && v !== false) x.setAttribute(k, v);
    x.append(...kids.flat().filter((k) => k !== null && k !== undefined && k !== false));
    return x;
  };
  const byId = (list, id) => list.find((x) => x.id === id);

  /** A CSS string for untrusted text: every character but letters, digits and spaces as a hex escape. */
  const cssString = (text) => '"' + [...text].map((c) => (/[A-Za-z0-9 ]/.test(c) ? c : `\\${c.codePointAt(0).toString(16)} `)).join("") + '"';

  function fail(text) {
    document.title = "Filled-in documents – Peer Support Readiness Toolkit";
    main.replaceChildren(el("h1", null, "Your filled-in documents"), el("p", { role: "alert" }, text),
      el("p", null, el("a", { href: "wizard.html" }, "Go to the readiness assessment")));
  }

  /** The answers this browser keeps, or null (with the page saying why). */
  function stored() {
    let state = null;
    try { state = JSON.parse(localStorage.getItem(KEY) || "null"); } catch (e) { state = null; }
    if (!state || typeof state !== "object") {
      fail("There are no answers in this browser. Answer the assessment, or open your answer file there, then open the documents again from your plan.");
      return null;
    }
    return state;
  }

  /** The plan for those answers, or null (with the page saying why). */
  function plan(state) {
    const result = E.plan(Q, E.answerDoc(Q, state));
    if (result.errors.length) {
      fail("Your answers in this browser need a clinic name before the documents can be filled in. Add it on About your clinic.");
      return null;
    }
    return result.plan;
  }

  /** One template's own HTML, parsed: its title, body class and body content. */
  function parsed(id, p) {
    const doc = new DOMParser().parseFromString(T.render(Q, id, p), "text/html");
    // This page's own main holds the documents: each document's main becomes a plain block with its classes.
    for (const m of doc.querySelectorAll("main")) {
      const div = doc.createElement("div");
      div.className = m.className;
      div.append(...m.childNodes);
      m.replaceWith(div);
    }
    return { title: doc.title, cls: doc.body.className, nodes: [...doc.body.childNodes].map((n) => document.importNode(n, true)) };
  }

  function printButton(label) {
    const b = el("button", { type: "button", class: "rw-docs-print" }, label);
    b.addEventListener("click", () => window.print());
    return b;
  }

  /** The Word files are made here, in this page, and only when asked for: fflate (the zip), the house style, the writer. */
  const WORD = ["assets/wizard/vendor/fflate.min.js", "assets/wizard/word-kit.js", "assets/wizard/word.js"];
  let wordReady = null;
  const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

  /** A button that makes the Word file of each template in ids (one .docx, or a zip of them) and saves it. */
  function wordButton(label, ids, p, filename) {
    const status = el("p", { class: "rw-docs-status", role: "status" });
    const b = el("button", { type: "button", class: "rw-docs-word" }, label);
    b.addEventListener("click", () => {
      b.disabled = true;
      status.textContent = ids.length === 1 ? "Making the Word file…" : `Making ${ids.length} Word files…`;
      wordReady = wordReady || WORD.reduce((before, src) => before.then(() => load(src)), Promise.resolve());
      wordReady.then(() => {
        const W = window.ReadinessWord;
        const bytes = ids.length === 1 ? W.docx(T.render(Q, ids[0], p)) : W.zip(Object.fromEntries(ids.map((id) => [`${id}.docx`, T.render(Q, id, p)])));
        const url = URL.createObjectURL(new Blob([bytes], { type: ids.length === 1 ? DOCX : "application/zip" }));
        const a = el("a", { href: url, download: filename, hidden: "" });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60000);
        status.textContent = ids.length === 1 ? `Saved ${filename}. Open it in Word to fill in the shaded fields.`
          : `Saved ${filename}: ${ids.length} Word files. Open each in Word to fill in the shaded fields.`;
      }).catch(() => {
        wordReady = null;
        status.textContent = "The Word files could not be made. Check that the site's assets folder is complete, then try again.";
      }).finally(() => { b.disabled = false; });
    });
    return [b, status];
  }

  function one(id, p) {
    const t = byId(Q.templates, id);
    if (!t || !p.templates.includes(id)) return fail("This template is not one your plan lists. Open it from the Templates to adapt section of your plan.");
    const d = parsed(id, p);
    document.title = d.title;
    document.body.classList.add(...d.cls.split(/\s+/).filter(Boolean));
    bar.replaceChildren(printButton("Print or save as PDF"), ...wordButton("Download as Word", [id], p, `${id}.docx`),
      el("a", { href: "documents.html#all" }, "All filled-in documents"));
    main.replaceChildren(...d.nodes);
  }

  const longDate = (iso) => new Date(iso + "T00:00:00Z").toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  const pounds = (n) => "£" + String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const due = (a) => (a.due ? longDate(a.due) : `week ${a.due_week}`);
  const table = (cls, head, rows) => el("table", { class: cls },
    el("thead", null, el("tr", null, head.map((c) => el("th", { scope: "col" }, c)))),
    el("tbody", null, rows.map((r) => el("tr", null, r.map((c, i) => (i ? el("td", null, c) : el("th", { scope: "row" }, c)))))));

  /** The plan, first in the document of everything: what the command line's plan opens with (go-live checklist,
   * rating, top five steps, readiness by area, budget) and its timeline, from the engine's plan for these answers. */
  function planPart(p) {
    const M = Q.meta, r = p.readiness, actions = Object.fromEntries(p.actions.map((a) => [a.id, a]));
    const route = byId(M.routes.options, p.route), roles = p.roles.map((id) => byId(M.roles.options, id).title);
    return el("section", { id: "doc-plan", class: "rw-docs-part rw-docs-plan portrait", "data-part": "plan" },
      el("header", { class: "doc-header" },
        el("p", { class: "doc-clinic" }, p.clinic.name),
        el("h1", { class: "doc-title" }, "Peer support setup plan"),
        el("p", { class: "doc-status" }, [p.clinic.organisation, p.assessment.assessed_on && `assessed on ${longDate(p.assessment.assessed_on)}`].filter(Boolean).join(", "))),
      el("div", { class: "doc-body" },
        el("h2", null, "Go-live checklist"),
        el("p", null, "All of these must hold before the first peer meets a patient. Only what is in place counts as met."),
        el("ul", { class: "rw-docs-golive" }, p.go_live.map((g) => el("li", { "data-status": g.status }, el("strong", null, `${M.messages.go_live_status[g.status]}: `), g.title))),
        el("h2", null, "Summary"),
        el("p", { class: "rw-docs-overall" }, el("strong", null, `Overall readiness: ${r.overall.score} of 100, ${r.overall.label}.`),
          ` Route: ${route.title}. Recommended peer role${roles.length > 1 ? "s" : ""}: ${roles.join(", ")}.`),
        el("p", { class: "rw-docs-sentence" }, el("strong", null, r.overall.sentence)),
        el("p", null, "How the rating was worked out: the score, then every cap:"),
        el("ul", null, r.overall.reasons.map((x) => el("li", null, x))),
        p.first_steps && [el("h2", null, "Top five steps"),
          el("p", null, "Start with these. Steps that must be done before the first peer meets a patient come first, soonest first."),
          el("ol", { class: "rw-docs-steps" }, p.first_steps.map((id) => el("li", { "data-action": id },
            p.first_steps_blocking.includes(id) && el("strong", null, "Before go-live: "), actions[id].title, ` (${actions[id].owner}; due ${due(actions[id])})`)))],
        el("h2", null, "Readiness by area"),
        table("rw-docs-areas", ["Area", "Score", "Rating", "What the answers show"],
          M.domains.map((id) => { const d = r.domains[id]; return [d.title, `${d.score} of 100`, d.label, d.meaning]; })),
        p.budget && [el("h2", null, "Budget"),
          el("p", null, `${pounds(p.budget.total_year1)} in year one; ${pounds(p.budget.total_3_years)} over three years.`)],
        el("h2", null, "Timeline and actions"),
        p.first_patient_week !== undefined && el("p", null, `The first peer can meet a patient from ${p.first_patient_date ? longDate(p.first_patient_date) : "week " + p.first_patient_week}, once every must-do before it is done.`),
        table("rw-docs-actions", ["Action", "Owner", "Due"], p.actions.map((a) => [[a.must ? "Must-do: " : "", a.title], a.owner, a.due_week === undefined ? "" : due(a)])),
        el("h2", null, "Templates to adapt"),
        el("p", null, "Each follows in this document, filled in with the clinic's answers."),
        el("ul", null, p.templates.map((id) => el("li", null, byId(Q.templates, id).title)))));
  }

  function all(p) {
    const name = p.clinic.name;
    document.title = `Filled-in documents – ${name}`;
    bar.replaceChildren(printButton("Print all or save as PDF"),
      ...wordButton("Download all as Word files (zip)", p.templates, p, "filled-in-documents-word.zip"),
      el("a", { href: "wizard.html#plan" }, "Back to your plan"));
    // The running header: the clinic's name on every printed page (Chromium does not read print.css's string-set).
    const style = el("style");
    style.textContent = `@page { @top-left { content: ${cssString(name)}; } }`;
    document.head.append(style);
    const parts = p.templates.map((id) => ({ id, t: byId(Q.templates, id), d: parsed(id, p) }));
    const contents = el("ol", { class: "rw-docs-contents" }, el("li", null, el("a", { href: "#doc-plan" }, "Peer support setup plan")),
      parts.map(({ id, t }) => el("li", null, el("a", { href: `#doc-${id}` }, t.title))));
    main.replaceChildren(
      el("section", { class: "rw-docs-cover" },
        el("p", { class: "doc-clinic" }, name),
        el("h1", null, "Filled-in documents"),
        el("p", null, `The setup plan and ${parts.length} templates filled in from the readiness answers of ${name}${p.assessment.assessed_on ? ", assessed on " + new Date(p.assessment.assessed_on + "T00:00:00Z").toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }) : ""}. Fill in the fields still in square brackets before you agree them.`),
        el("h2", null, "Contents"), contents),
      planPart(p),
      ...parts.map(({ id, d }) => el("section", { id: `doc-${id}`, class: `rw-docs-part ${d.cls}`, "data-template": id }, d.nodes)));
  }

  // Contents links move within the page without leaving its address (#all).
  main.addEventListener("click", (e) => {
    const a = e.target.closest && e.target.closest("a[href^='#doc-']");
    if (!a) return;
    e.preventDefault();
    const target = document.getElementById(a.getAttribute("href").slice(1));
    if (target) { target.scrollIntoView(); target.setAttribute("tabindex", "-1"); target.focus({ preventScroll: true }); }
  });

  function show() {
    const broken = () => fail("The documents could not load. Check that the site's assets folder is complete.");
    if (!E || !Q) return broken();
    const state = stored();
    if (!state) return;
    RENDERER.reduce((before, src) => before.then(() => load(src)), Promise.resolve()).then(() => {
      T = window.ReadinessTailor;
      const p = plan(state);
      if (!p) return;
      const m = /^#t\/([a-z0-9_]+)$/.exec(location.hash);
      if (m) one(m[1], p);
      else all(p);
    }, broken);
  }
  window.addEventListener("hashchange", () => location.reload());
  show();
})();
