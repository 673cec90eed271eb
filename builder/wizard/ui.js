/* The wizard's page code: one question per screen, routing and plan from ReadinessEngine, answers kept
 * in localStorage. A classic script, so the site also works opened from disk. Untrusted text (clinic
 * name, notes, answers) only ever goes into the page through textContent and DOM APIs. */
(() => {
  "use strict";
  const mount = document.getElementById("wizard");
  const E = window.ReadinessEngine, Q = window.READINESS_QUESTIONNAIRE;
  if (!mount) return;
  if (!E || !Q) {
    mount.textContent = "The assessment could not load. Check that the site's assets folder is complete, or use the readiness assess command.";
    return;
  }
  const KEY = "readiness-wizard";
  const originalTitle = document.title;
  const ix = E.index(Q), meta = Q.meta;
  const byId = (list, id) => list.find((x) => x.id === id);
  const html = (path) => path.replace(/\.md(#|$)/, ".html$1"); // use_directory_urls: false

  // ------------------------------------------------------------ small DOM helpers (no innerHTML)

  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "class") el.className = v;
      else if (k === "value" || k === "checked") el[k] = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const kid of kids.flat(Infinity)) {
      if (kid !== null && kid !== undefined && kid !== false) el.append(typeof kid === "object" ? kid : String(kid));
    }
    return el;
  }
  const button = (text, onclick, primary, extra) =>
    h("button", Object.assign({ type: "button", class: "rw-btn" + (primary ? " rw-btn-primary" : ""), onclick }, extra), text);
  const heading = (level, text) => h("h" + level, { tabindex: "-1", class: "rw-heading" }, text);

  // ------------------------------------------------------------ state, kept in localStorage

  const today = () => {
    const d = new Date(), p = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  };
  const fresh = () => ({
    clinic: { name: "", organisation: "" }, respondent_role: "", assessed_on: null,
    questionnaire_version: meta.version, answers: {}, notes: {}, screen: "start",
  });
  const str = (v) => (typeof v === "string" ? v : "");

  /** Keep only what still fits this questionnaire (it may have changed since the answers were saved). */
  function sanitise(raw) {
    const st = fresh();
    if (!raw || typeof raw !== "object") return st;
    const clinic = raw.clinic || {};
    st.clinic = { name: str(clinic.name), organisation: str(clinic.organisation) };
    st.respondent_role = str(raw.respondent_role);
    st.assessed_on = str(raw.assessed_on) || null;
    st.questionnaire_version = str(raw.questionnaire_version) || meta.version;
    for (const [qid, v] of Object.entries(raw.answers || {})) {
      if (!E.parseAnswers({ version: 1, clinic: { name: "x" }, answers: { [qid]: v } }, Q).errors.length) st.answers[qid] = v;
    }
    for (const [qid, v] of Object.entries(raw.notes || {})) if (ix.byId[qid] && typeof v === "string") st.notes[qid] = v;
    st.assumptions = keptAssumptions(raw.assumptions);
    const s = raw.screen;
    st.screen = s === "plan" || s === "start" || ix.byId[s] ? s : "start";
    return st;
  }

  let storageOk = true;
  function load() {
    try {
      const raw = localStorage.getItem(KEY);
      return raw ? sanitise(JSON.parse(raw)) : fresh();
    } catch (e) {
      storageOk = false;
      return fresh();
    }
  }
  function save() {
    try {
      localStorage.setItem(KEY, JSON.stringify(state));
    } catch (e) {
      storageOk = false;
    }
  }
  /** Any change: the answers are now as of today, against this questionnaire. */
  function changed() {
    state.assessed_on = today();
    state.questionnaire_version = meta.version;
    save();
  }

  let state = load();

  // ------------------------------------------------------------ routing, through the engine

  const doc = () => E.answerDoc(Q, state);
  function path() {
    const answers = Object.create(null);
    for (const [qid, v] of Object.entries(doc().answers)) {
      answers[qid] = v && typeof v === "object" && !Array.isArray(v) ? { value: v.answer, note: v.note } : { value: v, note: null };
    }
    return E.walk(Q, { answers }).steps.filter((s) => s.state === "answered" || s.state === "unknown").map((s) => s.question);
  }
  /** The screen to show: a question no longer on the path gives way to the next one that is. */
  function current() {
    const s = state.screen;
    if (s === "start" || s === "plan") return s;
    const p = path();
    if (p.some((qu) => qu.id === s)) return s;
    const order = ix.questions.map((qu) => qu.id);
    const next = p.find((qu) => order.indexOf(qu.id) > order.indexOf(s));
    return next ? next.id : "plan";
  }

  // ------------------------------------------------------------ the frame

  const live = h("div", { class: "rw-sr", role: "status", "aria-live": "polite" });
  const alertBox = h("div", { class: "rw-alert", role: "alert" });
  const screen = h("div", { class: "rw-screen" });
  const fileInput = h("input", { type: "file", accept: ".json,application/json", class: "rw-file", tabindex: "-1", "aria-hidden": "true", onchange: openFile });
  const confirmBox = h("div", { class: "rw-confirm", role: "alertdialog", "aria-labelledby": "rw-confirm-q", hidden: true, onkeydown: (e) => e.key === "Escape" && closeConfirm() },
    h("p", { id: "rw-confirm-q" }, "Start again? This clears every answer kept in this browser. Save your answers first if you want to keep them."),
    button("Yes, clear all answers", startAgain, true),
    button("No, keep my answers", () => closeConfirm()));
  const startAgainBtn = button("Start again", () => {
    confirmBox.hidden = false;
    confirmBox.querySelector("button:last-of-type").focus();
  });
  const tools = h("div", { class: "rw-tools" },
    h("p", { class: "rw-tools-note" }, "Your answers are kept in this browser only. Save the answer file to keep them safe or share them."),
    h("div", { class: "rw-tools-buttons" }, button("Save answers", saveFile), button("Open answers", () => fileInput.click()), startAgainBtn),
    alertBox, fileInput, confirmBox);
  mount.replaceChildren(live, screen, tools);

  let announceTimer;
  function announce(text) {
    live.textContent = "";
    clearTimeout(announceTimer);
    announceTimer = setTimeout(() => { live.textContent = text; }, 100);
  }
  function closeConfirm() {
    confirmBox.hidden = true;
    startAgainBtn.focus();
  }
  function go(to) {
    state.screen = to;
    save();
    alertBox.textContent = "";
    render(true);
  }

  function render(focus) {
    state.screen = current();
    const s = state.screen;
    document.title = originalTitle;
    screen.replaceChildren(s === "start" ? startScreen() : s === "plan" ? planScreen() : questionScreen(ix.byId[s]));
    document.body.classList.toggle("rw-has-plan", state.screen === "plan"); // the plan screen may send you back to the start
    if (!storageOk) screen.prepend(h("p", { class: "rw-warn" }, "This browser is not keeping your answers between visits: use Save answers before you close the page."));
    if (focus) screen.querySelector(".rw-heading").focus();
  }

  // ------------------------------------------------------------ the first screen: about the clinic

  function field(id, label, value, onchange, extra) {
    return h("div", { class: "rw-field" },
      h("label", { for: id }, label),
      h("input", Object.assign({ id, type: "text", value, autocomplete: "off", oninput: (e) => { onchange(e.target.value); changed(); } }, extra)));
  }

  function startScreen() {
    const error = h("p", { id: "rw-name-error", class: "rw-error" });
    const name = field("rw-name", "Clinic name (required)", state.clinic.name, (v) => { state.clinic.name = v; }, { required: true, "aria-required": "true" });
    name.insertBefore(error, name.lastChild);
    const input = name.lastChild;
    const submit = (e) => {
      e.preventDefault();
      if (!state.clinic.name.trim()) {
        error.textContent = "Enter the clinic name: it names your plan and your answer file.";
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", "rw-name-error");
        input.focus();
        announce("Error: " + error.textContent);
        return;
      }
      const p = path();
      go(p.length ? p[0].id : "plan");
    };
    input.addEventListener("input", () => {
      if (input.value.trim() && error.textContent) {
        error.textContent = "";
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
      }
    });
    return h("form", { class: "rw-form", novalidate: true, onsubmit: submit },
      h("fieldset", null,
        h("legend", null, heading(2, "About your clinic")),
        h("p", null, `Up to ${ix.questions.length} questions in ${Q.domains.length} areas, one at a time: some appear only when an earlier answer makes them relevant. ` +
          "If you are not sure of an answer, skip it for now: the plan lists it as something to find out."),
        name,
        field("rw-org", "Organisation (optional)", state.clinic.organisation, (v) => { state.clinic.organisation = v; }, { autocomplete: "organization" }),
        field("rw-role", "Your role (optional), for example Clinic manager", state.respondent_role, (v) => { state.respondent_role = v; })),
      h("div", { class: "rw-nav" }, h("button", { type: "submit", class: "rw-btn rw-btn-primary" }, state.screen === "start" && Object.keys(state.answers).length ? "Continue" : "Start")));
  }

  // ------------------------------------------------------------ one question per screen

  function questionScreen(qu) {
    const domain = ix.domainOf[qu.id];
    const label = h("label", { for: "rw-progress" });
    const bar = h("progress", { id: "rw-progress" });
    const progress = () => {
      const p = path(), at = p.findIndex((x) => x.id === qu.id) + 1;
      label.textContent = `Question ${at} of ${p.length}`;
      bar.max = p.length;
      bar.value = at;
    };
    progress();
    const update = () => { changed(); progress(); };
    const value = state.answers[qu.id];
    let control;
    if (qu.type === "text") {
      control = h("input", { type: "text", id: "rw-text", class: "rw-text", value: str(value), "aria-labelledby": "rw-q", "aria-describedby": "rw-help",
        oninput: (e) => { state.answers[qu.id] = e.target.value; update(); } });
    } else {
      const multi = qu.type === "multi";
      const boxes = [];
      const onchange = (e) => {
        if (multi) {
          const opt = byId(qu.options, e.target.value), cleared = [];
          if (e.target.checked) {
            for (const b of boxes) {
              if (b !== e.target && b.checked && (opt.exclusive || byId(qu.options, b.value).exclusive)) {
                b.checked = false;
                cleared.push(byId(qu.options, b.value).label);
              }
            }
          }
          const picked = boxes.filter((b) => b.checked).map((b) => b.value);
          if (picked.length) state.answers[qu.id] = picked;
          else delete state.answers[qu.id];
          if (cleared.length) announce(`"${opt.label}" cannot be combined with other answers, so this was unticked: ${cleared.join("; ")}`);
        } else {
          state.answers[qu.id] = e.target.value;
        }
        update();
      };
      control = h("div", { class: "rw-options" }, qu.options.map((o, i) => {
        const input = h("input", { type: multi ? "checkbox" : "radio", name: "rw-answer", id: `rw-o${i}`, value: o.id, onchange,
          checked: multi ? Array.isArray(value) && value.includes(o.id) : value === o.id });
        boxes.push(input);
        return h("div", { class: "rw-option" }, input, h("label", { for: `rw-o${i}` }, o.label));
      }));
    }
    const note = h("textarea", { id: "rw-note", rows: "2", "aria-describedby": "rw-note-hint",
      oninput: (e) => { state.notes[qu.id] = e.target.value; changed(); } });
    note.value = str(state.notes[qu.id]);
    const step = (delta) => {
      const p = path(), at = p.findIndex((x) => x.id === qu.id) + delta;
      go(at < 0 ? "start" : at >= p.length ? "plan" : p[at].id);
    };
    return h("div", { class: "rw-question", "data-question": qu.id },
      h("p", { class: "rw-kicker" }, `${domain.title} · area ${Q.domains.indexOf(domain) + 1} of ${Q.domains.length}`),
      h("div", { class: "rw-progress" }, label, bar),
      h("form", { class: "rw-form", novalidate: true, onsubmit: (e) => { e.preventDefault(); step(1); } },
        h("fieldset", { "aria-describedby": "rw-help" },
          h("legend", null, Object.assign(heading(2, qu.text), { id: "rw-q" })),
          h("p", { id: "rw-help", class: "rw-help" }, qu.help),
          h("p", { class: "rw-guide" }, h("a", { href: html(qu.guidance), target: "_blank", rel: "noopener" }, `Guidance: ${qu.title} (opens in a new tab)`)),
          control,
          h("div", { class: "rw-field rw-note" },
            h("label", { for: "rw-note" }, "Note (optional)"),
            h("span", { id: "rw-note-hint", class: "rw-hint" }, "Evidence, context or who to ask. It appears in your plan."),
            note),
          h("p", { class: "rw-hint" }, "Not sure yet? Select Next to skip it for now; the plan will list it as something to find out.")),
        h("div", { class: "rw-nav" },
          button("Back", () => step(-1)),
          h("button", { type: "submit", class: "rw-btn rw-btn-primary" }, "Next"))));
  }

  // ------------------------------------------------------------ the plan

  const ratingText = (r) => `${r.label} (${r.rating})`;
  const badge = (r) => h("span", { class: `rw-badge rw-${r.rating}` }, ratingText(r));
  const list = (items, cls) => h("ul", { class: cls }, items.map((x) => h("li", null, x)));
  const section = (title, ...kids) => h("section", { class: "rw-section" }, h("h3", null, title), kids);

  function planScreen() {
    const result = E.plan(Q, doc());
    if (result.errors.length) {
      // Only the clinic name can be missing here; send the user to it.
      state.screen = "start";
      const s = startScreen();
      setTimeout(() => s.requestSubmit(), 0);
      return s;
    }
    const plan = result.plan, r = plan.readiness, doms = r.domains;
    document.title = `Setup plan: ${plan.clinic.name}`;
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
      button("Answer it now", () => go(qid), false, { "aria-label": `Answer it now: ${ix.byId[qid].title}`, class: "rw-btn rw-btn-small" })]);

    return h("div", { class: "rw-plan", "data-route": plan.route, "data-roles": plan.roles.join(" ") },
      heading(2, `Peer support setup plan: ${plan.clinic.name}`),
      h("dl", { class: "rw-about" }, about.filter((a) => a[1]).map(([k, v]) => [h("dt", null, k), h("dd", null, v)])),
      h("div", { class: "rw-nav" },
        button("Print / save as PDF", () => window.print(), true),
        button("Change answers", () => { const p = path(); go(p.length ? p[p.length - 1].id : "start"); })),
      section("Summary",
        h("h4", null, "Go-live checklist"),
        h("p", null, "All of these must hold before the first peer meets a patient. Each status comes from your answers."),
        h("ul", { class: "rw-go-live" }, plan.go_live.map((g) => h("li", { "data-status": g.status },
          h("strong", null, { met: "Met", not_met: "Not met", unknown: "Not known yet" }[g.status] + ": "), g.title))),
        h("p", { class: "rw-overall" }, "Overall readiness: ", h("strong", null, `${r.overall.score} of 100`), " ", badge(r.overall)),
        list([
          [h("strong", null, "Route: "), route.title, ". ", plan.route_reasons[0]],
          [h("strong", null, plan.roles.length > 1 ? "Recommended peer roles: " : "Recommended peer role: "), plan.roles.map(roleTitle).join(", ")],
          [h("strong", null, "Start with: "), weakest.map((id) => `${doms[id].title} (${doms[id].score})`).join(", ")],
          [h("strong", null, "Actions: "), plan.actions.length, "; ", h("strong", null, "templates to adapt: "), plan.templates.length],
          plan.unknown.length > 0 && [h("strong", null, "Not answered yet: "), `${plan.unknown.length} question${plan.unknown.length > 1 ? "s" : ""}. They count as 0 until answered, and each has a "Find out" action below.`],
        ].filter(Boolean)),
        h("p", null, "Why this overall rating:"), list(r.overall.reasons)),
      boardSummary(plan),
      fold("Readiness by area", chart, meta.domains.map((id) => {
        const d = doms[id];
        const notes = plan.answers.filter((a) => a.domain === id && a.note);
        return h("div", { class: "rw-domain" },
          h("h4", null, `${d.title}: ${d.score} of 100, `, badge(d)),
          h("p", null, d.meaning), list(d.reasons),
          notes.length > 0 && [h("p", null, "Notes from the assessment:"), list(notes.map((a) => [h("em", null, a.title + ": "), a.note]))]);
      })),
      fold("Route and peer roles",
        h("p", null, h("strong", null, route.title + ". "), route.summary), list(plan.route_reasons),
        plan.role_fit.map((f) => h("div", { class: "rw-role", "data-role": f.role, "data-recommended": String(f.recommended) },
          h("h4", null, `${f.title}: ${f.points} points, ${f.recommended ? "recommended" : "not recommended"}`),
          h("p", null, byId(meta.roles.options, f.role).summary),
          f.reasons.length > 0 && list(f.reasons.map((x) => `${x.points > 0 ? "+" : "−"}${Math.abs(x.points)}: ${x.text}`)))),
        plan.role_note && h("p", null, h("em", null, plan.role_note))),
      boardDetails(plan),
      section("Templates to adapt",
        h("p", null, "Blank versions to adapt with your own policies and local advice."),
        h("ul", { class: "rw-templates" }, plan.templates.map((id) => {
          const t = byId(Q.templates, id);
          return h("li", { "data-template": id },
            h("strong", null, t.title), ` (${t.kind}). `, plan.template_reasons[id].join(" "),
            h("span", { class: "rw-downloads" },
              h("a", { href: `downloads/blank/${id}.pdf`, "aria-label": `${t.title}, blank PDF` }, "Blank PDF"), " · ",
              h("a", { href: `downloads/blank/${id}.docx`, "aria-label": `${t.title}, blank Word document` }, "Blank Word document")));
        }))),
      unknown.length > 0 && section("Still to find out", list(unknown)),
      fold("Your answers", h("table", { class: "rw-answers" },
        h("thead", null, h("tr", null, ["Question", "Answer", "Note"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", null, plan.answers.map((a) => h("tr", null, h("th", { scope: "row" }, a.title),
          h("td", { "data-label": "Answer" }, a.labels.length ? a.labels.join("; ") : "Not answered yet"),
          h("td", { "data-label": "Note" }, a.note || "")))))));
  }

  // ------------------------------------------------------------ save, open, start again

  function saveFile() {
    const d = doc();
    alertBox.textContent = "";
    if (!d.clinic.name.trim()) {
      alertBox.textContent = "Add the clinic name on the first screen before saving: the answer file is named after it.";
      return;
    }
    const slug = d.clinic.name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "clinic";
    const a = h("a", { href: URL.createObjectURL(new Blob([JSON.stringify(d, null, 2) + "\n"], { type: "application/json" })), download: `${slug}-answers.json` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    announce(`Saved your answers as ${slug}-answers.json in your downloads.`);
  }

  function openFile() {
    const file = fileInput.files[0];
    fileInput.value = "";
    if (!file) return;
    file.text().then((text) => {
      const name = `"${file.name}"`;
      const fail = (why) => { alertBox.textContent = `${name} was not opened: ${why} Your current answers are unchanged.`; };
      const yaml = /\.ya?ml$/i.test(file.name) || /^\s*(#|---|version\s*:)/m.test(text.slice(0, 500));
      let data;
      try {
        data = JSON.parse(text.replace(/^\uFEFF/, ""));
      } catch (e) {
        return fail(yaml
          ? "it is a YAML answer file, and the wizard opens only JSON answer files (the ones its Save answers button makes). Use it with the readiness command instead: readiness plan FILE."
          : `it is not valid JSON (${e.message}). Choose an answer file saved by this wizard.`);
      }
      if (data && typeof data === "object" && !Array.isArray(data) && !["version", "clinic", "answers"].some((k) => k in data)) {
        return fail("it is not a readiness answer file (it has no 'version', 'clinic' or 'answers').");
      }
      const parsed = E.parseAnswers(data, Q);
      if (parsed.errors.length) return fail(parsed.errors.join("; ") + ".");
      const af = parsed.answers, st = fresh();
      st.clinic = { name: af.clinic_name, organisation: af.organisation || "" };
      st.respondent_role = af.respondent_role || "";
      st.assessed_on = af.assessed_on;
      st.questionnaire_version = af.questionnaire_version || meta.version;
      st.assumptions = keptAssumptions(Object.fromEntries(Object.entries(af.assumptions || {}).map(([k, v]) => [k, v / 100])));
      for (const [qid, a] of Object.entries(af.answers)) {
        if (a.value !== null) st.answers[qid] = a.value;
        if (a.note) st.notes[qid] = a.note;
      }
      const ignored = E.ignoredAnswers(Q, af, E.walk(Q, af).steps).map((x) => x[1]);
      state = st;
      go("plan");
      announce(`Opened ${name}: ${Object.keys(st.answers).length} answers for ${af.clinic_name}.` +
        (ignored.length ? " " + ignored.join("; ") + "." : ""));
    });
  }

  function startAgain() {
    try { localStorage.removeItem(KEY); } catch (e) { /* nothing kept */ }
    state = fresh();
    confirmBox.hidden = true;
    go("start");
    announce("All answers cleared. You are back at the start.");
  }

  // ============================================================ the board's plan (issue 10)
  // Key figures, top steps, timeline with due dates, budget with editable assumptions, risks and
  // indicators: the numbers come from the engine (the same as the CLI's); details start collapsed.

  /** Assumption overrides worth keeping: known ids with valid numbers (the engine re-validates them). */
  function keptAssumptions(raw) {
    const out = {};
    if (!raw || typeof raw !== "object" || !Q.planning) return out;
    for (const [id, v] of Object.entries(raw)) {
      if (!E.parseAnswers({ version: 1, clinic: { name: "x" }, assumptions: { [id]: v } }, Q).errors.length) out[id] = v;
    }
    return out;
  }

  const pounds = (n) => "£" + String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const longDate = (iso) => (iso ? new Date(iso + "T00:00:00Z").toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }) : "");
  const dueText = (a) => (a.due ? longDate(a.due) : `week ${a.due_week}`);

  function fold(title, ...kids) {
    return h("details", { class: "rw-section rw-fold" }, h("summary", null, h("h3", null, title)), kids);
  }

  function boardSummary(plan) {
    if (!plan.budget) return null;
    const b = plan.budget, byAction = Object.fromEntries(plan.actions.map((a) => [a.id, a]));
    const figures = [["Cost in year one", pounds(b.total_year1)], ["Cost over three years", pounds(b.total_3_years)],
      ["First peer meets a patient", plan.first_patient_date ? longDate(plan.first_patient_date) : `week ${plan.first_patient_week}`],
      ["Review this plan by", plan.review_date ? longDate(plan.review_date) : "three months after the assessment"]];
    return h("section", { class: "rw-section rw-board", "data-total-year1": b.total_year1, "data-first-patient": plan.first_patient_date || "" },
      h("h3", null, "Summary for the board"),
      h("dl", { class: "rw-figures" }, figures.map(([k, v]) => h("div", null, h("dt", null, k), h("dd", null, v)))),
      h("h4", null, "Top five steps"),
      h("ol", { class: "rw-steps" }, plan.first_steps.map((id) => {
        const a = byAction[id];
        return h("li", { "data-action": id }, h("strong", null, a.title), ` (${a.owner}; due ${dueText(a)})`);
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
              h("a", { class: "rw-action-detail", href: html(a.guidance) }, a.source)),
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
      const raw = text.trim();
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
      announce(`Budget worked out again: ${pounds(E.plan(Q, doc()).plan.budget.total_year1)} in year one.`);
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
      h("h4", null, "Assumptions"), error,
      h("table", { class: "rw-assumptions" },
        h("thead", null, h("tr", null, ["Assumption", "Value", "Source"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", null, b.assumptions.map((a) => h("tr", { "data-assumption": a.id },
          h("th", { scope: "row" }, h("label", { for: `rw-a-${a.id}` }, a.label)),
          h("td", { "data-label": "Value" }, h("input", { id: `rw-a-${a.id}`, type: "text", inputmode: "decimal", class: "rw-amount", value: a.value,
            onchange: (e) => setAssumption(a.id, e.target.value) }), a.overridden ? " (yours)" : ""),
          h("td", { "data-label": "Source" }, a.source + (a.date ? ` (${longDate(a.date)})` : "")))))));
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

  window.addEventListener("storage", (e) => { if (e.key === KEY) { state = load(); render(false); } });
  render(false);
})();
