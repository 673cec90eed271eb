/* The review page: pick or drop many answer files; review.js computes the review in this page; nothing is uploaded.
 * Untrusted text (clinic names, roles, file names) only ever reaches the page as textContent. */
(function () {
  "use strict";

  var R = window.ReadinessReview;
  var Q = window.READINESS_QUESTIONNAIRE;
  var mount = document.getElementById("review");
  if (!mount || !R || !Q) return;
  var RATING = { green: "Green", amber: "Amber", red: "Red" };

  /** "1 file", "2 files" (builder/render/review.py plural). */
  function plural(n, one) { return num(n) + " " + (n === 1 ? one : one + "s"); }
  /** A count as the pages write it: 4,526 (builder/render/review.py num). */
  function num(n) { return n.toLocaleString("en-GB"); }

  function h(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") el.textContent = attrs[k];
      else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), attrs[k]);
      else el.setAttribute(k, attrs[k]);
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      el.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    }
    return el;
  }
  function rating(r) { return h("span", { class: "rv-rating rv-" + r }, RATING[r]); }
  function table(caption, head, rows, opts) {
    opts = opts || {};
    // Focusable, so a keyboard can scroll a wide table (WCAG 2.1.1).
    return h("div", { class: "rv-table-wrap", tabindex: "0", role: "region", "aria-label": caption }, h("table", { class: "rv-table" + (opts.cls ? " " + opts.cls : "") },
      h("caption", { text: caption }),
      h.apply(null, ["thead", {}, h.apply(null, ["tr", {}].concat(head.map(function (x) { return h("th", { scope: "col" }, x); })))]),
      h.apply(null, ["tbody", {}].concat(rows.map(function (cells) {
        return h.apply(null, ["tr", {}].concat(cells.map(function (c, i) {
          return i === 0 ? h("th", { scope: "row" }, c) : h("td", {}, c);
        })));
      })))));
  }

  // ---------------------------------------------------------------- the picker

  var input = h("input", { type: "file", id: "rv-files", multiple: "multiple", accept: ".yaml,.yml,.json", class: "rv-input", onchange: function () { run(input.files); } });
  var folder = h("input", { type: "file", id: "rv-folder", webkitdirectory: "", class: "rv-input", onchange: function () { run(folder.files); } });
  var status = h("p", { class: "rv-status", role: "status", "aria-live": "polite" });
  var drop = h("div", { class: "rv-drop" },
    h("p", {}, "Drop answer files here (YAML or JSON, as the assessment and the readiness command save them), or choose them:"),
    // One field per picker, its label above it (GOV.UK's file upload pattern), so neither wraps beside the other.
    h("div", { class: "rv-picker" }, h("label", { for: "rv-files" }, "Answer files"), input),
    h("div", { class: "rv-picker" }, h("label", { for: "rv-folder" }, "Or a whole folder"), folder));
  drop.addEventListener("dragover", function (e) { e.preventDefault(); drop.classList.add("rv-over"); });
  drop.addEventListener("dragleave", function () { drop.classList.remove("rv-over"); });
  drop.addEventListener("drop", function (e) { e.preventDefault(); drop.classList.remove("rv-over"); run(e.dataTransfer.files); });
  var out = h("div", { class: "rv-out" });
  mount.appendChild(drop);
  mount.appendChild(status);
  mount.appendChild(out);

  function readAll(list) {
    var files = Array.prototype.slice.call(list);
    return Promise.all(files.map(function (f) {
      var name = f.webkitRelativePath || f.name;
      // A file past the command line's limit is never read into memory: it is left out, as the CLI leaves it out.
      if (Q.review_limits && f.size > Q.review_limits.file_bytes) return Promise.resolve({ name: name, text: null, size: f.size });
      return f.arrayBuffer().then(function (buf) {
        var text = null;
        try { text = new TextDecoder("utf-8", { fatal: true }).decode(buf); } catch (e) { text = null; }
        return { name: name, text: text, size: f.size };
      }, function () { return { name: name, text: null, size: f.size }; });
    })).then(function (read) { return read.sort(function (a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; }); });
  }

  function run(list) {
    if (!list || !list.length) return;
    status.textContent = "Reviewing " + plural(list.length, "file") + "…";
    var t0 = performance.now();
    readAll(list).then(function (files) {
      var rv = R.review(Q, files);
      var ms = Math.round(performance.now() - t0);
      window.READINESS_LAST_REVIEW = { review: rv, ms: ms };
      render(rv);
      status.textContent = "Reviewed " + plural(rv.files.read, "file") + " in " + (ms / 1000).toFixed(1) + " s: " +
        plural(rv.clinics.length, "clinic") + ", " + plural(rv.files.excluded, "file") + " not included. Nothing left this browser.";
    });
  }

  // ---------------------------------------------------------------- the report

  function download(name, type, text) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var a = h("a", { href: url, download: name });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function render(rv) {
    out.textContent = "";
    var add = function (el) { out.appendChild(el); return el; };
    add(h("h2", { id: "rv-summary" }, "Summary"));
    add(h("ul", { class: "rv-summary" },
      h("li", {}, h("strong", {}, num(rv.clinics.length)), " clinics"),
      h("li", {}, h("strong", {}, num(rv.ratings.green)), " ready (green)"),
      h("li", {}, h("strong", {}, num(rv.ratings.amber)), " partly ready (amber)"),
      h("li", {}, h("strong", {}, num(rv.ratings.red)), " not ready to start (red)"),
      rv.cost ? h("li", {}, h("strong", {}, "£" + num(rv.cost.total)), " estimated cost") : null));
    add(h("p", {},
      h("button", { type: "button", class: "rv-button", onclick: function () { download("review.csv", "text/csv;charset=utf-8", R.reviewCsv(rv)); } }, "Download the CSV"), " ",
      h("button", { type: "button", class: "rv-button", onclick: function () { download("review.json", "application/json", JSON.stringify(rv, null, 1)); } }, "Download the JSON")));
    if (!rv.clinics.length) {
      add(h("p", {}, "None of the files could be included; the reasons are listed below."));
    } else {
      // The ranking as a heat-map: sortable, filterable, paged (review-table.js, as the command's review.html).
      add(h("h2", { id: "rv-heatmap" }, "Clinics ranked by readiness"));
      add(h("p", { class: "rv-note" }, "Each row is a clinic, best prepared first; each cell its score out of 100 and rating. A ! beside a rating " +
        "means must-have gaps cap it, whatever the score: focus or point at it for which."));
      var ranking = window.ReadinessReviewTable.forReview(rv);
      add(ranking.element);
      ranking.start();
      add(h("h2", { id: "rv-red" }, "Domains most often red"));
      add(table("How many clinics are red in each domain", ["Domain", "Clinics red"], rv.red_domains.map(function (d) { return [d.title, d.red]; })));
      add(h("h2", { id: "rv-gaps" }, "Must-have gaps"));
      add(rv.must_have_gaps.length ? table("Safeguards not yet in place, most common first", ["Gap", "Clinics"],
        rv.must_have_gaps.map(function (g) { return [g.title, g.count]; })) : h("p", {}, "No clinic has a must-have gap."));
      add(h("h2", { id: "rv-templates" }, "Templates most clinics need"));
      add(table("Templates by number of clinics whose plan lists them", ["Template", "Clinics"], rv.templates.map(function (t) { return [t.title, t.clinics]; })));
      add(h("h2", { id: "rv-opportunities" }, "Partnership and hub-and-spoke opportunities"));
      if (!rv.opportunities.length) add(h("p", {}, "None found. Opportunities are found per area, so they need answer files that give the clinic's area."));
      rv.opportunities.forEach(function (o) {
        add(h("h3", {}, o.area + " (" + o.clinics + " clinics)"));
        var ul = add(h("ul", {}));
        if (o.without_partner.length) ul.appendChild(h("li", {}, "Without a partner organisation: " + o.without_partner.join(", ") +
          ". Already working with one: " + o.with_partner.map(function (w) { return w.clinic + (w.partner ? " (with " + w.partner + ")" : ""); }).join(", ") + "."));
        if (o.hub_and_spoke.length) ul.appendChild(h("li", {}, "Could share a regional hub: " + o.hub_and_spoke.join(", ") + "."));
      });
      add(h("h2", { id: "rv-raters" }, "Where raters disagree"));
      add(h("p", {}, rv.rule));
      var several = rv.clinics.filter(function (c) { return c.raters.length > 1; });
      if (!several.length) add(h("p", {}, "Every clinic has one rater in its latest round."));
      several.forEach(function (c) {
        add(h("h3", {}, c.name + ": " + plural(c.raters.length, "rater") + ", " + plural(c.disagreements.length, "disagreement")));
        add(table("Overall rating by rater, and combined", ["Rater", "Overall"],
          c.raters.map(function (r) { return [r.respondent, h("span", {}, r.overall.score + " ", rating(r.overall.rating))]; })
            .concat([["Combined", h("span", {}, c.overall.score + " ", rating(c.overall.rating))]])));
        if (c.disagreements.length) {
          add(table("Answers where the raters disagree", ["Question"].concat(c.raters.map(function (r) { return r.respondent; })).concat(["Combined"]),
            c.disagreements.map(function (d) { return [d.title].concat(d.answers.map(function (a) { return a.answer; })).concat([d.combined]); })));
        }
      });
      var earlier = rv.clinics.filter(function (c) { return c.earlier; });
      add(h("h2", { id: "rv-progress" }, "Progress since the last assessment"));
      if (!earlier.length) add(h("p", {}, "No clinic has more than one assessment date yet."));
      earlier.forEach(function (c) {
        var cmp = c.earlier.comparison;
        add(h("h3", {}, c.name + ": " + (c.earlier.assessed_on || "not dated") + " to " + (c.assessed_on || "not dated")));
        add(table("Score before and after", ["Domain", "Before", "After", "Change"],
          [["Overall", cmp.overall.before, cmp.overall.after, (cmp.overall.change > 0 ? "+" : "") + cmp.overall.change]].concat(
            cmp.domains.map(function (d) { return [d.title, d.before, d.after, (d.change > 0 ? "+" : "") + d.change]; }))));
        add(h("p", {}, "Must-haves met since: " + cmp.must_haves_met.length + "; new gaps: " + cmp.new_gaps.length +
          "; actions done: " + cmp.actions_done.length + "; new actions: " + cmp.new_actions.length + "."));
      });
    }
    if (rv.identity_conflicts && rv.identity_conflicts.length) {  // as templates/review.html.j2 shows them
      add(h("h2", { id: "rv-identity-conflicts" }, "Clinic ids given by more than one organisation"));
      add(h("p", {}, "Files that give the same clinic id but different organisations are not merged: each organisation's files are reviewed as a clinic of their own, so a file that borrows a clinic's id cannot replace its answers. Check which files are genuine."));
      var clashRows = [];
      rv.identity_conflicts.forEach(function (clash) {
        clash.clinics.forEach(function (c) { clashRows.push([clash.clinic_id, c.name, c.organisation || "", String(c.rank)]); });
      });
      add(table("Clinic ids that files of different organisations give", ["Clinic id", "Clinic", "Organisation", "Rank"], clashRows));
    }
    if (rv.lookalike_names && rv.lookalike_names.length) {  // as templates/review.html.j2 shows them
      add(h("h2", { id: "rv-lookalike-names" }, "Names that look alike"));
      add(h("p", {}, "These clinics' names look the same on screen but are written with different characters (such as a Cyrillic letter for a Latin one), so they are reviewed apart. Check whether they are one clinic."));
      var alikeRows = [];
      rv.lookalike_names.forEach(function (cluster, i) {
        cluster.clinics.forEach(function (c) { alikeRows.push([String(i + 1), c.name, c.organisation || "", String(c.rank)]); });
      });
      add(table("Clinics whose names and organisations look alike", ["Group", "Clinic", "Organisation", "Rank"], alikeRows));
    }
    add(h("h2", { id: "rv-not-included" }, "Not included"));
    // file:line, as the wizard and the command line report a broken file.
    add(rv.not_included.length ? table("Files left out, and why", ["File", "Reason"], rv.not_included.map(function (e) { return [e.line ? e.file + ":" + e.line : e.file, e.reason]; }))
      : h("p", {}, "Every file was included."));
  }
})();
