/* Opening an answer file in the wizard (builder/wizard/ui.js loads this the first time a file is chosen, so
 * every visit's code stays small: bench/wizard_size.py). The limits the command line enforces are checked
 * before and while parsing; YAML is read by js-yaml, loaded on demand too; every message is worded as
 * `readiness plan` words it, with the labels a person sees. A classic script, not a module. Untrusted text
 * only ever goes into the page through textContent and DOM APIs. */
window.ReadinessFiles = (w) => {
  "use strict";
  const { E, Q, meta, h, plural, loadScript, alertBox, fresh, keptAssumptions, save, go, tell, inProgress, ask, openBtn } = w;
  const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  /** The answer-file limits the command line enforces too (the export carries them when it defines them). */
  const LIMITS = Object.assign({ bytes: 1048576, depth: 20, keys: 10000, string: 100000 }, meta.limits || {});
  const SHOWN_PROBLEMS = 20;

  const kb = (n) => `${Math.ceil(n / 1024).toLocaleString("en-GB")} KB`;
  const LIMIT_MSG = {
    bytes: (n) => `the file is ${kb(n)}; answer files are at most ${kb(LIMITS.bytes)}, so this is not an answer file`,
    depth: () => `the file is nested more than ${LIMITS.depth} levels deep; an answer file needs 3`,
    keys: () => `the file has more than ${LIMITS.keys.toLocaleString("en-GB")} keys and list items; an answer file has a few hundred at most`,
    string: () => `a text in the file is longer than ${LIMITS.string.toLocaleString("en-GB")} characters; shorten it`,
  };
  class Refused extends Error {}

  /** Depth, keys and string length of JSON text, in one pass before JSON.parse builds anything. */
  function scanJson(text) {
    let depth = 0, keys = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) { // a string: skip it, escapes included
        const from = i;
        for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
        if (i - from - 1 > LIMITS.string) throw new Refused(LIMIT_MSG.string());
      } else if (c === 123 || c === 91) {
        if (++depth > LIMITS.depth) throw new Refused(LIMIT_MSG.depth());
      } else if (c === 125 || c === 93) depth--;
      else if (c === 58 || c === 44) {
        if (++keys > LIMITS.keys) throw new Refused(LIMIT_MSG.keys());
      }
    }
  }

  /** The same limits over parsed data: YAML aliases can repeat a node, so every visit counts. */
  function checkShape(data) {
    let keys = 0;
    const stack = [[data, 0]];
    while (stack.length) {
      const [v, depth] = stack.pop();
      if (typeof v === "string") {
        if (v.length > LIMITS.string) throw new Refused(LIMIT_MSG.string());
      } else if (v && typeof v === "object") {
        if (depth >= LIMITS.depth) throw new Refused(LIMIT_MSG.depth());
        for (const k of Object.keys(v)) {
          if (++keys > LIMITS.keys) throw new Refused(LIMIT_MSG.keys());
          if (k.length > LIMITS.string) throw new Refused(LIMIT_MSG.string());
          stack.push([v[k], depth + 1]);
        }
      }
    }
  }

  const loadYaml = () => loadScript("vendor/js-yaml.min.js", "YAML reader").then(() => window.jsyaml);

  /** Text to data, as `readiness plan` reads it: one `file:line: error: …` line on failure. */
  function parseText(name, text, yaml) {
    text = text.replace(/^\uFEFF/, "");
    if (!yaml) {
      scanJson(text);
      try {
        return Promise.resolve(JSON.parse(text));
      } catch (e) {
        const at = /position (\d+)/.exec(e.message), line = at ? text.slice(0, +at[1]).split("\n").length : text.split("\n").length;
        const problem = e.message.replace(/^JSON\.parse: /, "").replace(/ in JSON at position.*$/, "").replace(/ \(line \d+ column \d+\)$/, "");
        throw new Refused(`${name}:${line}: error: ${E.fill(Q.answer_messages.JSON_SYNTAX, { problem })}`);
      }
    }
    return loadYaml().then((jsyaml) => {
      let depth = 0, nodes = 0;
      const listener = (event) => {
        if (event === "open") {
          if (++depth > LIMITS.depth + 1) throw new Refused(LIMIT_MSG.depth());
          if (++nodes > 2 * LIMITS.keys + 1) throw new Refused(LIMIT_MSG.keys());
        } else depth--;
      };
      try {
        // YAML 1.2's core schema, as the command line reads it: only true/false are booleans, dates stay text.
        return jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, filename: name, listener });
      } catch (e) {
        if (e instanceof Refused) throw e;
        const line = e.mark ? e.mark.line + 1 : null, problem = e.reason || e.message;
        throw new Refused(`${name}${line ? ":" + line : ""}: error: ${E.fill(Q.answer_messages.YAML_SYNTAX, { problem })}`);
      }
    });
  }


  function refuse(name, problems) {
    const shown = problems.slice(0, SHOWN_PROBLEMS);
    alertBox.replaceChildren(
      h("p", null, `"${name}" was not opened. Your current answers are unchanged.`),
      h("ul", null, shown.map((p) => h("li", null, p)),
        problems.length > shown.length && h("li", null, `and ${problems.length - shown.length} more`)));
  }

  function open(file) {
    const name = file.name;
    if (file.size > LIMITS.bytes) return refuse(name, [`${name}: error: ${LIMIT_MSG.bytes(file.size)}`]);
    file.text().then((text) => {
      const yaml = /\.ya?ml$/i.test(name) || (!/\.json$/i.test(name) && !/^\s*[{[]/.test(text));
      return parseText(name, text, yaml);
    }).then((data) => {
      checkShape(data);
      if (data && typeof data === "object" && !Array.isArray(data) && !["version", "clinic", "answers"].some((k) => has(data, k))) {
        throw new Refused(`${name}: error: not a readiness answer file (it has no 'version', 'clinic' or 'answers')`);
      }
      const parsed = E.parseAnswers(data, Q, true); // messages name questions and options as the pages do
      if (parsed.errors.length) return refuse(name, parsed.errors.map((p) => `${name}: error: ${p}`));
      const replace = () => useAnswers(name, parsed.answers);
      if (!inProgress()) return replace();
      const who = w.state().clinic.name.trim() ? ` for ${w.state().clinic.name.trim()}` : "";
      ask(`Replace the answers in progress${who} with those in "${name}" (${parsed.answers.clinic_name})? Save your answers first if you want to keep them.`,
        "Yes, open the file", "No, keep my answers", openBtn, replace);
    }).catch((e) => refuse(name, [e instanceof Refused ? (/^.+?: error: /.test(e.message) ? e.message : `${name}: error: ${e.message}`) : `${name}: error: ${e.message}`]));
  }

  function useAnswers(name, af) {
    const st = fresh();
    st.clinic = { name: af.clinic_name, organisation: af.organisation || "" };
    if (af.clinic_id) st.clinic.id = af.clinic_id;
    if (af.area) st.clinic.area = af.area;
    if (af.respondent_name) st.respondent_name = af.respondent_name;
    st.respondent_role = af.respondent_role || "";
    st.assessed_on = af.assessed_on;
    st.questionnaire_version = af.questionnaire_version || meta.version;
    st.assumptions = keptAssumptions(Object.fromEntries(Object.entries(af.assumptions || {}).map(([k, v]) => [k, v / 100])));
    for (const [qid, a] of Object.entries(af.answers)) {
      st.answers[qid] = a.value; // null: the file says "not known yet"
      if (a.note) st.notes[qid] = a.note;
    }
    const ignored = E.ignoredAnswers(Q, af, E.walk(Q, af).steps, true).map((x) => x[1]);
    w.setState(st);
    save();
    go("#plan");
    tell(`Opened "${name}": ${plural(Object.values(st.answers).filter((v) => v !== null).length, "answer")} for ${af.clinic_name}.` +
      (ignored.length ? " " + ignored.join("; ") + "." : ""));
  }

  return { open };
};
