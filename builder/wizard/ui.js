/* The wizard's page code, on the model of the GOV.UK Design System's patterns: a start page, a task list
 * of areas, one question per screen, check your answers, then the plan. Routing and plan come from
 * ReadinessEngine; answers are kept in localStorage. Each screen is a history entry (hash routing, so
 * Back and Forward work, and the site still works opened from disk). A classic script, not a module.
 * Untrusted text (clinic name, notes, answers, file names) only ever goes into the page through
 * textContent and DOM APIs. */
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
  const SITE_TITLE = document.title, TITLE = "Readiness assessment";
  const SCRIPT = document.currentScript && document.currentScript.src;
  const ix = E.index(Q), meta = Q.meta;
  const byId = (list, id) => list.find((x) => x.id === id);
  /** How the site names its pages (the mkdocs plugin writes it beside the questionnaire): links work in either URL style. */
  const SITE = Object.assign({ directory_urls: false, guidance: true }, window.READINESS_SITE || {});
  const ROOT = SCRIPT ? new URL("../../", SCRIPT).href : ""; // this file is assets/wizard/ui.js
  /** A file of the site, from its root. */
  const siteUrl = (path) => ROOT + path;
  /** A guidance page (`domains/space.md#anchor`) as this site names it; null when the site has no guidance pages. */
  const html = (path) => {
    if (!SITE.guidance) return null;
    const [file, anchor] = path.split("#");
    const page = SITE.directory_urls ? file.replace(/(^|\/)index\.md$/, "$1").replace(/\.md$/, "/") : file.replace(/\.md$/, ".html");
    return siteUrl(page) + (anchor ? "#" + anchor : "");
  };
  const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

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
  const linkButton = (text, href, primary) => h("a", { href, class: "rw-btn" + (primary ? " rw-btn-primary" : ""), role: "button", draggable: "false" }, text);
  const heading = (level, text) => h("h" + level, { tabindex: "-1", class: "rw-heading" }, text);
  const sr = (text) => h("span", { class: "rw-sr" }, text);
  const backLink = (href) => h("a", { href, class: "rw-back" }, "Back");
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

  // ------------------------------------------------------------ state, kept in localStorage

  const today = () => {
    const d = new Date(), p = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  };
  /** answers[id] === null is an explicit "I don't know yet", distinct from a question not answered. */
  const fresh = () => ({
    clinic: { name: "", organisation: "" }, respondent_role: "", assessed_on: null,
    questionnaire_version: meta.version, answers: {}, notes: {},
  });
  const str = (v) => (typeof v === "string" ? v : "");

  /** Keep only what still fits this questionnaire (it may have changed since the answers were saved). */
  function sanitise(raw) {
    const st = fresh();
    if (!raw || typeof raw !== "object") return st;
    const clinic = raw.clinic || {};
    st.clinic = { name: str(clinic.name), organisation: str(clinic.organisation) };
    // Kept from an opened file, so Save writes them back (a review groups raters by them). A reference the
    // user emptied stays as "", so its field stays on About your clinic.
    if (typeof clinic.id === "string") st.clinic.id = clinic.id;
    if (str(clinic.area)) st.clinic.area = clinic.area;
    if (str(raw.respondent_name)) st.respondent_name = raw.respondent_name;
    st.respondent_role = str(raw.respondent_role);
    st.assessed_on = str(raw.assessed_on) || null;
    st.questionnaire_version = str(raw.questionnaire_version) || meta.version;
    for (const [qid, v] of Object.entries(raw.answers || {})) {
      if (!E.parseAnswers({ version: 1, clinic: { name: "x" }, answers: { [qid]: v } }, Q).errors.length) st.answers[qid] = v;
    }
    for (const [qid, v] of Object.entries(raw.notes || {})) if (ix.byId[qid] && typeof v === "string") st.notes[qid] = v;
    st.assumptions = keptAssumptions(raw.assumptions);
    return st;
  }

  /** "ok", "off" (this browser keeps nothing) or "full" (the storage quota refused these answers). */
  let storage = "ok";
  function load() {
    try {
      const raw = localStorage.getItem(KEY);
      return raw ? sanitise(JSON.parse(raw)) : fresh();
    } catch (e) {
      storage = "off";
      return fresh();
    }
  }
  function save() {
    try {
      localStorage.setItem(KEY, JSON.stringify(state));
      if (storage === "full") storage = "ok";
    } catch (e) {
      storage = e && (e.name === "QuotaExceededError" || e.code === 22) ? "full" : "off";
      // Never let older answers come back on reload in place of the newer ones in this page.
      try { localStorage.removeItem(KEY); } catch (e2) { /* nothing kept */ }
    }
    showStorage();
  }
  /** Any change: the answers are now as of today, against this questionnaire. */
  function changed() {
    state.assessed_on = today();
    state.questionnaire_version = meta.version;
    save();
  }
  const inProgress = () => !!(state.clinic.name.trim() || Object.keys(state.answers).length || Object.values(state.notes).some((n) => n.trim()));

  let state = load();

  // ------------------------------------------------------------ routing, through the engine

  /** The answer file as the command line would read it, explicit "I don't know yet" answers included. */
  function snapshot() {
    const d = E.answerDoc(Q, state), af = Object.create(null);
    for (const [qid, v] of Object.entries(d.answers)) {
      af[qid] = v && typeof v === "object" && !Array.isArray(v) ? { value: v.answer, note: v.note } : { value: v, note: null };
    }
    const w = E.walk(Q, { answers: af }), answers = {}, status = {};
    for (const s of w.steps) {
      const id = s.question.id;
      status[id] = s.state;
      if (has(d.answers, id)) answers[id] = d.answers[id];
      else if (s.state === "unknown" && has(state.answers, id) && state.answers[id] === null) answers[id] = null;
    }
    d.answers = answers;
    const path = w.steps.filter((s) => s.state === "answered" || s.state === "unknown").map((s) => s.question);
    const dontKnow = (id) => status[id] === "unknown" && has(state.answers, id) && state.answers[id] === null;
    const dealt = (id) => status[id] === "answered" || dontKnow(id);
    return { doc: d, path, ids: path.map((qu) => qu.id), status, values: w.values, dontKnow, dealt };
  }

  /** Each area's status, GOV.UK task-list style: not started, in progress, done, or done with must-have gaps. */
  function areas(snap) {
    return Q.domains.map((d) => {
      const qs = d.questions.filter((qu) => snap.ids.includes(qu.id));
      const needed = qs.filter((qu) => !qu.optional);
      const done = needed.filter((qu) => snap.dealt(qu.id)).length;
      const touched = qs.some((qu) => snap.dealt(qu.id) || str(state.notes[qu.id]).trim());
      const gaps = (d.gates || []).some((g) => E.evaluate(g.when, snap.values) === true);
      const status = !touched ? "not-started" : done < needed.length ? "in-progress" : gaps ? "gaps" : "done";
      const first = needed.find((qu) => !snap.dealt(qu.id)) || qs[0];
      return { domain: d, status, done, total: needed.length, first };
    });
  }
  const STATUS = { "not-started": "Not started", "in-progress": "In progress", done: "Done", gaps: "Done, with must-have gaps" };

  /** The first question on the path still to answer, or the check-answers page. */
  function nextToDo(snap) {
    const qu = snap.path.find((x) => !x.optional && !snap.dealt(x.id));
    return qu ? `#q/${qu.id}` : "#check";
  }

  const ROUTE = /^#(start|about|tasks|check|done|plan|q\/([a-z0-9_]+))(?:\/(check|plan))?$/;
  /** {screen, question, back} for the address, or null when the fragment is not one of ours (a heading anchor). */
  function route() {
    const m = ROUTE.exec(location.hash);
    if (!m) return location.hash.length > 1 ? null : { screen: "start" };
    return { screen: m[2] ? "question" : m[1], question: m[2] || null, back: m[3] || null };
  }
  /** Every screen is a history entry: the browser's Back and Forward move between them. */
  function go(hash) {
    notice.textContent = "";
    alertBox.replaceChildren();
    clearErrors();
    if (location.hash !== hash) history.pushState(null, "", hash);
    render(true);
  }
  window.addEventListener("hashchange", () => {
    if (!route()) return;
    notice.textContent = "";
    alertBox.replaceChildren();
    clearErrors();
    render(true);
  });
  // The wizard's own links move on at once (the browser's Back and Forward come through hashchange).
  mount.addEventListener("click", (e) => {
    const a = e.target.closest && e.target.closest("a[href^='#']");
    if (!a || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.defaultPrevented || !ROUTE.test(a.getAttribute("href"))) return;
    e.preventDefault();
    go(a.getAttribute("href"));
  });
  // The theme's "Skip to content" link points at the page's own h1, hidden while the wizard runs: it moves
  // to the wizard screen's heading instead (without a fragment, which would leave the wizard's address).
  document.addEventListener("click", (e) => {
    const a = e.target.closest && e.target.closest("a.md-skip");
    const target = a && screen.querySelector(".rw-heading");
    if (!target) return;
    e.preventDefault();
    place(target);
  });
  // Links that look like buttons (Start now, Continue) answer the Space key as buttons do.
  mount.addEventListener("keydown", (e) => {
    if (e.key === " " && e.target.matches && e.target.matches("a[role=button]")) {
      e.preventDefault();
      e.target.click();
    }
  });

  // ------------------------------------------------------------ the frame

  const live = h("div", { class: "rw-sr", role: "status", "aria-live": "polite" });
  const notice = h("p", { class: "rw-notice", role: "status" });
  const alertBox = h("div", { class: "rw-alert", role: "alert" });
  const storageBox = h("p", { class: "rw-warn", hidden: true });
  const screen = h("div", { class: "rw-screen" });
  const fileInput = h("input", { type: "file", accept: ".json,.yaml,.yml,application/json,application/yaml,text/yaml", class: "rw-file", tabindex: "-1", "aria-hidden": "true", onchange: openFile });
  const confirmText = h("p", { id: "rw-confirm-q" });
  const confirmYes = button("", () => confirmed(true), true), confirmNo = button("", () => confirmed(false));
  const confirmBox = h("div", { class: "rw-confirm", role: "alertdialog", "aria-labelledby": "rw-confirm-q", hidden: true, onkeydown: (e) => e.key === "Escape" && confirmed(false) },
    confirmText, confirmYes, confirmNo);
  const startAgainBtn = button("Start again", () => ask("Start again? This clears every answer kept in this browser. Save your answers first if you want to keep them.",
    "Yes, clear all answers", "No, keep my answers", startAgainBtn, startAgain));
  const openBtn = button("Open answers", () => fileInput.click());
  const tools = h("div", { class: "rw-tools" },
    h("p", { class: "rw-tools-note" }, "Your answers are kept in this browser only. Save the answer file to keep them safe or share them. Open answers reads the JSON or YAML answer files this wizard and the readiness command make."),
    h("div", { class: "rw-tools-buttons" }, button("Save answers", saveFile), openBtn, startAgainBtn),
    fileInput, confirmBox);
  mount.replaceChildren(live, storageBox, notice, alertBox, screen, tools);
  // GOV.UK's error summary pattern: at the top of the main content, above the page's h1 (the class brings
  // the wizard's styles with it).
  const errorsBox = h("div", { class: "readiness-wizard rw-errors", hidden: true });
  (mount.closest("article") || mount.parentNode).prepend(errorsBox);
  /** Show an error summary at the top, in place of any confirmation (an "Opened …" above an error misleads). */
  function showErrors(summary) {
    clearTimeout(tellTimer);
    notice.textContent = "";
    errorsBox.replaceChildren(summary);
    errorsBox.hidden = false;
  }
  function clearErrors() {
    errorsBox.replaceChildren();
    errorsBox.hidden = true;
  }

  let announceTimer;
  function announce(text) {
    live.textContent = "";
    clearTimeout(announceTimer);
    announceTimer = setTimeout(() => { live.textContent = text; }, 100);
  }
  let tellTimer;
  /** A visible confirmation (Save, Open), read out as well. */
  function tell(text) {
    notice.textContent = "";
    clearTimeout(tellTimer);
    tellTimer = setTimeout(() => { notice.textContent = text; }, 50);
  }

  let onConfirm = null, confirmReturn = null;
  function ask(question, yes, no, returnTo, then) {
    confirmText.textContent = question;
    confirmYes.textContent = yes;
    confirmNo.textContent = no;
    onConfirm = then;
    confirmReturn = returnTo;
    confirmBox.hidden = false;
    confirmNo.focus();
  }
  function confirmed(yes) {
    confirmBox.hidden = true;
    const then = onConfirm;
    onConfirm = null;
    if (yes && then) then();
    else if (confirmReturn) confirmReturn.focus();
  }

  function showStorage() {
    const text = storage === "full"
      ? "This browser's storage is full, so it is not keeping these answers: they are only in this page. Use Save answers now, before you close or reload it."
      : storage === "off" ? "This browser is not keeping your answers between visits: use Save answers before you close the page." : "";
    storageBox.textContent = text;
    storageBox.hidden = !text;
  }
  window.addEventListener("beforeunload", (e) => {
    if (storage === "full" && inProgress()) { e.preventDefault(); e.returnValue = ""; }
  });

  /** Bring the new screen into view below the sticky header, and move focus to its heading (or error summary). */
  function place(target) {
    target.focus({ preventScroll: true });
    const header = document.querySelector(".md-header"), top = header ? header.getBoundingClientRect().bottom : 0;
    const box = errorsBox.contains(target) ? errorsBox : screen, r = box.getBoundingClientRect();
    if (r.top < top || r.top > innerHeight / 2) box.scrollIntoView({ block: "start" });
  }

  function setTitle(text, error) {
    document.title = (error ? "Error: " : "") + (text ? `${text} – ${TITLE}` : SITE_TITLE);
  }

  function render(focus) {
    const r = route() || { screen: "start" }, snap = snapshot();
    let view;
    if (r.screen === "question") {
      const qu = ix.byId[r.question];
      if (!qu) return location.replace("#tasks");
      if (!snap.ids.includes(qu.id)) {
        // No longer on this clinic's path (an earlier answer changed): the next question that is.
        const order = ix.questions.map((x) => x.id), next = snap.path.find((x) => order.indexOf(x.id) > order.indexOf(qu.id));
        return location.replace(r.back ? `#${r.back}` : next ? `#q/${next.id}` : "#check");
      }
      view = questionScreen(qu, r.back, snap);
    } else {
      const done = (snap2, back, focus2) => planScreen(snap2, back, focus2, "done");
      view = { start: startScreen, about: aboutScreen, tasks: tasksScreen, check: checkScreen, done, plan: planScreen }[r.screen](snap, r.back, focus);
    }
    screen.replaceChildren(view);
    // A screen drawn with an error summary (plan.js's, when the clinic name is missing) shows it at the top.
    const summary = view.querySelector(".rw-error-summary");
    if (summary) showErrors(summary);
    else clearErrors();
    screen.dataset.route = location.hash || "#start";
    document.body.classList.add("rw-on");
    document.body.classList.toggle("rw-has-plan", r.screen === "plan");
    document.body.classList.toggle("rw-in-flow", r.screen !== "plan");
    // While answering, the site's menus are hidden (wizard.css): the task list and the skip link are the way around.
    document.body.classList.toggle("rw-answering", r.screen !== "plan" && r.screen !== "start");
    // Back from a Change link: to the row that was changed, not the top of the list.
    const row = returnRow && (r.screen === "check" || r.screen === "plan") && screen.querySelector(`[data-question="${returnRow}"] a.rw-change`);
    if ((r.screen === "check" || r.screen === "plan") && planView) returnRow = null; // kept while the view is still loading
    if (row) {
      row.focus({ preventScroll: true });
      row.scrollIntoView({ block: "center" });
    } else if (focus) place(errorsBox.querySelector(".rw-error-summary") || screen.querySelector(".rw-heading"));
  }

  // ------------------------------------------------------------ the start page

  function startScreen(snap) {
    setTitle("", false);
    const resume = inProgress();
    return h("div", { class: "rw-start" },
      heading(1, "Is your clinic ready for peer support?"),
      h("p", null, `Answer questions about your clinic in ${Q.domains.length} areas, such as money, space, bookings and supervision, and get a setup plan: ` +
        "what is in place, what to sort out first, the route and peer role that fit, and the policy templates to adapt."),
      h("p", null, "It takes about 20 minutes. Some questions appear only when an earlier answer makes them relevant. " +
        "You can answer the areas in any order, stop and come back, and say \"I don't know yet\" where you are not sure."),
      h("h2", null, "Before you start"),
      h("p", null, "It helps to have to hand, or to have in the room:"),
      h("ul", null,
        h("li", null, "what money there is for a peer role, and any partner organisation you work with"),
        h("li", null, "which policies your Trust already has, such as confidentiality and volunteering"),
        h("li", null, "how rooms, bookings and referrals work in your clinic"),
        h("li", null, "how patient information is recorded, and who could train and supervise peers")),
      h("p", null, "Your answers stay in this browser: nothing is sent anywhere. Save them to a file to keep them or share them."),
      resume
        ? h("div", { class: "rw-nav" },
          linkButton(state.clinic.name.trim() ? `Continue: ${state.clinic.name.trim()}` : "Continue", "#tasks", true),
          linkButton("Check your answers", "#check"))
        : h("div", { class: "rw-nav" }, h("a", { href: "#about", class: "rw-btn rw-btn-primary rw-btn-start", role: "button", draggable: "false" }, "Start now", h("span", { "aria-hidden": "true", class: "rw-arrow" }, " →"))));
  }

  // ------------------------------------------------------------ about the clinic, with an error summary

  /** A text field, GOV.UK style: label, hint, error message, input. */
  function field(id, label, value, onchange, extra, hint) {
    const input = h("input", Object.assign({ id, type: "text", value, autocomplete: "off", "aria-describedby": hint && `${id}-hint`,
      oninput: (e) => { onchange(e.target.value); changed(); } }, extra));
    const error = h("p", { id: `${id}-error`, class: "rw-error" });
    return { id, input, error, hint, box: h("div", { class: "rw-field" },
      h("label", { for: id }, label), hint && h("span", { id: `${id}-hint`, class: "rw-hint" }, hint), error, input) };
  }

  function errorSummary(problems) {
    return h("div", { class: "rw-error-summary", tabindex: "-1", role: "alert", "aria-labelledby": "rw-error-title" },
      h("h2", { id: "rw-error-title" }, "There is a problem"),
      h("ul", null, problems.map(([target, text]) => h("li", null,
        h("a", { href: `#${target}`, onclick: (e) => { e.preventDefault(); document.getElementById(target).focus(); } }, text)))));
  }

  /** The About texts as [field id, name in messages, text], in the screen's order; the reference only when kept. */
  const aboutTexts = () => [["rw-name", "Clinic name", state.clinic.name],
    has(state.clinic, "id") && ["rw-ref", "Clinic reference", str(state.clinic.id)],
    ["rw-org", "Organisation", state.clinic.organisation], ["rw-area", "Area", str(state.clinic.area)],
    ["rw-person", "Your name", str(state.respondent_name)], ["rw-role", "Your role", state.respondent_role]].filter(Boolean);

  /** [field id, message] for each About text the command line would refuse: a missing clinic name, or a text
   * over its length limit, by the engine's one text-length rule (code points, after the strip Save applies). */
  function aboutProblems() {
    const limit = Q.answer_limits.name, out = [];
    for (const [id, key, text] of aboutTexts()) {
      const length = E.textLength(E.strip(text));
      if (id === "rw-name" && !length) out.push([id, "Enter the clinic name: it names your plan and your answer file."]);
      else if (length > limit) out.push([id, E.fill(Q.answer_messages.FIELD_TOO_LONG, { key, length, limit })]);
    }
    return out;
  }

  function aboutScreen(snap, back) {
    setTitle("About your clinic", false);
    const set = (k) => (v) => { state.clinic[k] = v; };
    const fields = [
      field("rw-name", "Clinic name (required)", state.clinic.name, set("name"), { required: true, "aria-required": "true" }),
      has(state.clinic, "id") && field("rw-ref", "Clinic reference (optional)", str(state.clinic.id), set("id"), null,
        "From the answer file you opened. A review uses it to keep everyone's answers about this clinic together, so change it only if it is wrong."),
      field("rw-org", "Organisation (optional)", state.clinic.organisation, set("organisation"), { autocomplete: "organization" }),
      field("rw-area", "Area (optional), for example the commissioning area or region", str(state.clinic.area), set("area"), null,
        "A commissioner's review of several clinics groups them by area."),
      field("rw-person", "Your name (optional)", str(state.respondent_name), (v) => { state.respondent_name = v; }, { autocomplete: "name" }),
      field("rw-role", "Your role (optional), for example Clinic manager", state.respondent_role, (v) => { state.respondent_role = v; }),
    ].filter(Boolean);
    const form = h("form", { class: "rw-form", novalidate: true, onsubmit: submit, oninput: recheck },
      h("fieldset", null,
        h("legend", null, heading(1, "About your clinic")),
        h("p", null, "The clinic name names your plan and your answer file."),
        fields.map((f) => f.box)),
      h("div", { class: "rw-nav" }, h("button", { type: "submit", class: "rw-btn rw-btn-primary" }, back ? "Save and return" : "Continue")));
    let shown = [];
    /** Each field's error message and state; the summary at the top, or none. */
    function mark(problems, focus) {
      shown = problems;
      for (const f of fields) {
        const p = problems.find(([id]) => id === f.id);
        f.error.textContent = p ? p[1] : "";
        const described = [f.hint && `${f.id}-hint`, p && `${f.id}-error`].filter(Boolean).join(" ");
        for (const [k, v] of [["aria-invalid", p && "true"], ["aria-describedby", described]]) {
          if (v) f.input.setAttribute(k, v);
          else f.input.removeAttribute(k);
        }
      }
      setTitle("About your clinic", problems.length > 0);
      if (!problems.length) return clearErrors();
      const summary = errorSummary(problems);
      showErrors(summary);
      if (focus) place(summary);
    }
    function submit(e) {
      e.preventDefault();
      const problems = aboutProblems();
      if (problems.length) return mark(problems, true);
      go(back ? `#${back}` : "#tasks");
    }
    // An error goes as soon as it is put right; new ones wait for the next submit, as GOV.UK's forms do.
    function recheck() {
      const now = aboutProblems(), still = shown.filter(([id]) => now.some((p) => p[0] === id));
      if (still.length < shown.length) mark(still, false);
    }
    return h("div", null, backLink(back ? `#${back}` : "#start"), form);
  }

  // ------------------------------------------------------------ the task list

  function tasksScreen(snap) {
    setTitle("Your assessment", false);
    const list = areas(snap), done = list.filter((a) => a.status === "done" || a.status === "gaps").length;
    const answered = snap.ids.filter(snap.dealt).length;
    const next = nextToDo(snap);
    const rows = list.map((a, i) => {
      const tag = h("strong", { class: `rw-tag rw-tag-${a.status}`, id: `rw-status-${a.domain.id}` }, STATUS[a.status]);
      const flag = h("span", { class: "rw-hint rw-golive-flag", id: `rw-golive-${a.domain.id}`, hidden: true });
      const link = h("a", { href: `#q/${a.first.id}`, "aria-describedby": `rw-status-${a.domain.id}` }, `${i + 1}. ${a.domain.title}`);
      return { a, tag, flag, link, row: h("li", { class: "rw-task", "data-domain": a.domain.id, "data-status": a.status },
        h("span", { class: "rw-task-name" }, link,
          a.done > 0 && a.status === "in-progress" && h("span", { class: "rw-hint" }, `${plural(a.done, "question")} answered so far`),
          flag),
        tag) };
    });
    /** Mark each area holding a go-live item that is not met or not known yet; a finished one is not plain Done. */
    const mark = () => {
      const gaps = planView.goLiveGaps(snapshot());
      if (!gaps) return;
      for (const { a, tag, flag, link, row } of rows) {
        const items = gaps[a.domain.id] || [];
        if (!items.length) continue;
        const notMet = items.filter((g) => g.status === "not_met").length, unknown = items.length - notMet;
        flag.textContent = "Blocks going live: " + [notMet && `${plural(notMet, "go-live item")} not met`, unknown && `${plural(unknown, "go-live item")} not known yet`].filter(Boolean).join(", ");
        flag.hidden = false;
        row.dataset.golive = items.map((g) => g.id).join(" ");
        link.setAttribute("aria-describedby", `rw-status-${a.domain.id} rw-golive-${a.domain.id}`);
        if (a.status === "done") {
          row.dataset.status = "gaps";
          tag.className = "rw-tag rw-tag-gaps";
          tag.textContent = STATUS.gaps;
        }
      }
    };
    if (planView) mark();
    else loadPlan().then(mark, () => {});
    return h("div", { class: "rw-tasks" },
      backLink("#about"),
      heading(1, state.clinic.name.trim() ? `Readiness assessment: ${state.clinic.name.trim()}` : "Your readiness assessment"),
      h("p", { class: "rw-count" }, `You have completed ${done} of ${list.length} areas`, h("span", { class: "rw-count-detail" }, ` (${plural(answered, "question")} answered).`)),
      h("ol", { class: "rw-task-list" }, rows.map((r) => r.row)),
      h("div", { class: "rw-nav" },
        linkButton(next === "#check" ? "Check your answers" : answered ? "Continue" : "Start the first area", next, true),
        next !== "#check" && linkButton("Check your answers", "#check"),
        linkButton("See the plan so far", "#plan")));
  }

  // ------------------------------------------------------------ one question per screen

  /** Questions a change brought in, still to ask before returning to check answers or the plan. */
  let followUps = [];
  /** The question whose Change link was followed: check answers and the plan return to its row. */
  let changing = null, returnRow = null;
  const canDontKnow = (qu) => !!qu.dont_know; // the exported questionnaire says (schema.Question.offers_dont_know)
  const orDivider = () => h("p", { class: "rw-or", "aria-hidden": "true" }, "or");

  function questionScreen(qu, back, snap) {
    const domain = ix.domainOf[qu.id], before = snap.ids;
    setTitle(`${qu.title} – ${domain.title}`, false);
    const value = state.answers[qu.id], dk = has(state.answers, qu.id) && value === null;
    let control;
    if (qu.type === "text") {
      control = h("input", { type: "text", id: "rw-text", class: "rw-text", value: str(value), "aria-labelledby": "rw-q", "aria-describedby": "rw-help",
        oninput: (e) => { state.answers[qu.id] = e.target.value; changed(); } });
    } else {
      const multi = qu.type === "multi";
      const boxes = [];
      const onchange = (e) => {
        const t = e.target, unknown = t.value === "";
        if (multi) {
          const opt = unknown ? null : byId(qu.options, t.value), cleared = [];
          const alone = (b) => b.value === "" || byId(qu.options, b.value).exclusive;
          if (t.checked) {
            for (const b of boxes) {
              if (b !== t && b.checked && (unknown || opt.exclusive || alone(b))) {
                b.checked = false;
                cleared.push(b.value === "" ? "I don't know yet" : byId(qu.options, b.value).label);
              }
            }
          }
          const picked = boxes.filter((b) => b.checked && b.value !== "").map((b) => b.value);
          if (picked.length) state.answers[qu.id] = picked;
          else if (boxes.some((b) => b.checked)) state.answers[qu.id] = null;
          else delete state.answers[qu.id];
          if (cleared.length) announce(`"${unknown ? "I don't know yet" : opt.label}" cannot be combined with other answers, so this was unticked: ${cleared.join("; ")}`);
        } else {
          state.answers[qu.id] = unknown ? null : t.value;
        }
        changed();
      };
      const input = (id, v, checked) => {
        const el = h("input", { type: multi ? "checkbox" : "radio", name: "rw-answer", id, value: v, onchange, checked });
        boxes.push(el);
        return el;
      };
      let divided = false;
      control = h("div", { class: "rw-options" }, qu.options.map((o, i) => {
        const divide = multi && o.exclusive && !divided && i > 0;
        if (divide) divided = true;
        return [divide && orDivider(), h("div", { class: "rw-option" },
          input(`rw-o${i}`, o.id, multi ? Array.isArray(value) && value.includes(o.id) : value === o.id), h("label", { for: `rw-o${i}` }, o.label))];
      }), canDontKnow(qu) && [orDivider(), h("div", { class: "rw-option rw-option-dk" },
        input("rw-dk", "", dk), h("label", { for: "rw-dk" }, "I don't know yet", h("span", { class: "rw-hint" }, "Your plan will list it as something to find out.")))]);
    }
    const note = h("textarea", { id: "rw-note", rows: "2", "aria-describedby": "rw-note-hint",
      oninput: (e) => { state.notes[qu.id] = e.target.value; changed(); } });
    note.value = str(state.notes[qu.id]);
    const at = snap.ids.indexOf(qu.id);
    const previous = back ? `#${back}` : at > 0 ? `#q/${snap.ids[at - 1]}` : "#tasks";
    // GOV.UK's question pages: a choice (or "I don't know yet") is required; a text answer and optional questions are not.
    const required = qu.type !== "text" && !qu.optional;
    const missing = canDontKnow(qu) ? `Select an answer to "${qu.title}", or select I don't know yet` : `Select an answer to "${qu.title}"`;
    const inline = h("p", { id: "rw-answer-error", class: "rw-error" });
    const fieldset = h("fieldset", { "aria-describedby": "rw-help" });
    const showMissing = (on) => {
      inline.replaceChildren(...(on ? [h("span", { class: "rw-sr" }, "Error: "), missing] : []));
      fieldset.setAttribute("aria-describedby", on ? "rw-help rw-answer-error" : "rw-help");
      fieldset.parentNode && fieldset.parentNode.classList.toggle("rw-form-error", on);
      setTitle(`${qu.title} – ${domain.title}`, on);
      if (!on) return clearErrors();
      const summary = errorSummary([["rw-o0", missing]]);
      showErrors(summary);
      place(summary);
    };
    const submit = (e) => {
      e.preventDefault();
      if (required && !has(state.answers, qu.id)) return showMissing(true);
      const now = snapshot();
      if (back) {
        if (!followUps.length) changing = qu.id;
        // A changed answer may bring in follow-up questions: ask those, then return.
        followUps = followUps.filter((id) => id !== qu.id)
          .concat(now.ids.filter((id) => !before.includes(id) && !now.dealt(id)));
        const next = now.ids.find((id) => followUps.includes(id) && !now.dealt(id) && id !== qu.id);
        if (!next) {
          followUps = [];
          returnRow = changing;
        }
        return go(next ? `#q/${next}/${back}` : `#${back}`);
      }
      const i = now.ids.indexOf(qu.id);
      go(i >= 0 && i + 1 < now.ids.length ? `#q/${now.ids[i + 1]}` : "#check");
    };
    const inArea = snap.path.filter((x) => ix.domainOf[x.id] === domain), nth = inArea.indexOf(qu) + 1;
    fieldset.append(
      h("legend", null,
        h("span", { class: "rw-kicker" }, domain.title, h("span", { class: "rw-kicker-of" }, ` · Question ${nth} of ${inArea.length}`)),
        Object.assign(heading(1, qu.text), { id: "rw-q" })),
      h("p", { id: "rw-help", class: "rw-help" }, qu.help),
      html(qu.guidance) && h("p", { class: "rw-guide" }, h("a", { href: html(qu.guidance), target: "_blank", rel: "noopener" }, `Guidance: ${qu.title} (opens in a new tab)`)),
      inline,
      control,
      h("details", { class: "rw-note-fold", open: !!str(state.notes[qu.id]).trim() },
        h("summary", null, "Add a note"),
        h("div", { class: "rw-field rw-note" },
          h("label", { for: "rw-note" }, "Note (optional)"),
          h("span", { id: "rw-note-hint", class: "rw-hint" }, "Evidence, context or who to ask. It appears in your plan."),
          note)));
    // An error goes as soon as it is put right.
    fieldset.addEventListener("change", () => { if (inline.textContent && has(state.answers, qu.id)) showMissing(false); });
    return h("div", { class: "rw-question", "data-question": qu.id },
      backLink(previous),
      h("form", { class: "rw-form", novalidate: true, onsubmit: submit },
        fieldset,
        h("div", { class: "rw-nav" },
          h("button", { type: "submit", class: "rw-btn rw-btn-primary" }, back ? "Save and return" : "Next"))),
      h("ul", { class: "rw-links" },
        h("li", null, h("a", { href: "#tasks" }, "All areas")),
        h("li", null, h("a", { href: "#check" }, "Check your answers")),
        h("li", null, h("a", { href: "#plan" }, "See the plan so far"))));
  }

  // ------------------------------------------------------------ check your answers, drawn by plan.js

  const changeLink = (href, what, text) => h("a", { href, class: "rw-change" }, text || "Change", sr(` ${what}`));
  /** Check your answers: drawn by plan.js (loaded then, so See your plan is instant), in the plan's waiting frame. */
  const checkScreen = (snap, back, focus) => planScreen(snap, back, focus, "check");

  // ------------------------------------------------------------ the plan, drawn by plan.js

  // Only a visit that shows a plan needs its code: plan.js (the view) and planning.js (the engine's budget,
  // timeline, risks and indicators) load then, or early, from the check page.
  let planView = null;
  const loadPlan = () => Promise.all([loadScript("planning.js", "plan's script"), loadScript("plan.js", "plan's script")]).then(() => {
    planView = planView || window.ReadinessPlanView({ E, Q, ix, meta, h, button, linkButton, heading, backLink, plural, byId, html, siteUrl,
      changeLink, errorSummary, setTitle, alertBox, loadScript, changed, render, announce, snapshot, str, has, state: () => state });
  });

  /** The plan, or the confirmation page before it ("done"): both drawn by plan.js, once it has loaded. */
  function planScreen(snap, back, focus, which) {
    if (planView) return planView[which || "screen"](snap);
    const title = { done: "You have finished the assessment", check: "Check your answers" }[which] || "Your plan";
    const box = h("div", { class: "rw-plan-wait", "aria-busy": "true" }, backLink(which === "check" ? "#tasks" : "#check"), heading(1, title),
      h("p", null, which === "check" ? "Preparing your answers…" : "Preparing your plan…"));
    setTitle(title, false);
    const here = () => screen.firstChild === box;
    loadPlan().then(() => {
      if (here()) render(focus && (screen.contains(document.activeElement) || document.activeElement === document.body));
    }, (e) => {
      if (!here()) return;
      box.removeAttribute("aria-busy");
      setTitle("Your plan", true);
      const summary = errorSummary([["rw-plan-again", `Your plan could not be shown: ${e.message}. Check your connection, then try again.`]]);
      box.replaceChildren(backLink("#check"), heading(1, "Your plan"),
        h("p", null, button("Try again", () => render(true), true, { id: "rw-plan-again" })));
      showErrors(summary);
      place(summary);
    });
    return box;
  }


  // ------------------------------------------------------------ scripts loaded on demand

  /** A classic script from the site, fetched only when first needed (so it loads from disk, file://, too). */
  const loading = {};
  function loadScript(path, name) {
    if (!loading[path]) {
      loading[path] = new Promise((ok, no) => {
        const src = new URL(path, SCRIPT || location.href).href;
        document.head.append(h("script", { src, onload: () => ok(), onerror: () => { delete loading[path]; no(new Error(`the ${name} did not load`)); } }));
      });
    }
    return loading[path];
  }

  // ------------------------------------------------------------ save, open, start again

  function saveFile() {
    const d = snapshot().doc;
    alertBox.replaceChildren();
    notice.textContent = "";
    if (!d.clinic.name.trim()) {
      alertBox.textContent = "Add the clinic name (About your clinic) before saving: the answer file is named after it.";
      return;
    }
    const long = aboutProblems();
    if (long.length) {
      alertBox.textContent = `Not saved: the readiness command could not read the file. On About your clinic, ${long.map((p) => p[1]).join("; ")}.`;
      return;
    }
    const slug = d.clinic.name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "clinic";
    const a = h("a", { href: URL.createObjectURL(new Blob([JSON.stringify(d, null, 2) + "\n"], { type: "application/json" })), download: `${slug}-answers.json` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    tell(`Saved your answers as ${slug}-answers.json in your downloads folder.`);
  }

  /** Opening a file needs its reader (files.js: limits, YAML, messages), fetched the first time a file is chosen. */
  let files = null;
  function openFile() {
    const file = fileInput.files[0];
    fileInput.value = "";
    alertBox.replaceChildren();
    notice.textContent = "";
    if (!file) return;
    loadScript("files.js", "file reader").then(() => {
      files = files || window.ReadinessFiles({ E, Q, meta, h, plural, loadScript, alertBox, fresh, keptAssumptions, save, go, tell,
        inProgress, ask, openBtn, state: () => state, setState: (st) => { state = st; } });
      files.open(file);
    }, (e) => { alertBox.textContent = `"${file.name}" was not opened: ${e.message}. Check your connection, then try again.`; });
  }

  function startAgain() {
    try { localStorage.removeItem(KEY); } catch (e) { /* nothing kept */ }
    state = fresh();
    if (storage === "full") storage = "ok";
    showStorage();
    go("#start");
    announce("All answers cleared. You are back at the start.");
  }

  function keptAssumptions(raw) {
    const out = {};
    if (!raw || typeof raw !== "object" || !Q.planning) return out;
    for (const [id, v] of Object.entries(raw)) {
      if (!E.parseAnswers({ version: 1, clinic: { name: "x" }, assumptions: { [id]: v } }, Q).errors.length) out[id] = v;
    }
    return out;
  }

  window.addEventListener("storage", (e) => { if (e.key === KEY) { state = load(); render(false); } });
  showStorage();
  render(false);
})();
