/* The review page's ranking table (review.html from `readiness review`): every clinic's row comes from
   review-rows.js beside the page (window.READINESS_REVIEW_ROWS, written by builder/render/review.py
   review_rows_js), so the page stays small whatever the number of clinics. Shows one page of rows at a time;
   sorts by any column, filters by text, area, rating, route and must-have gap. Without script the page keeps
   the first page of rows it was written with. Builds cells with textContent only: no file text becomes markup. */
(function () {
  "use strict";

  var PAGE = 100;
  var RANK = {red: 0, amber: 1, green: 2};
  // Row layout (review_rows_js): rank, name, organisation, area, assessed_on, raters, score, rating, route,
  // must-have gap ids, actions, cost, [[domain score, domain rating], ...], lowest rater agreement r_wg(J) or null
  var I = {rank: 0, name: 1, org: 2, area: 3, date: 4, raters: 5, score: 6, rating: 7, route: 8, gaps: 9, actions: 10, cost: 11, domains: 12,
           agreement: 13};

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function plural(n, one, many) { return n.toLocaleString("en-GB") + " " + (n === 1 ? one : many); }

  function ratingCell(score, rating, gapTitles, label) {
    var td = el("td", {"class": "cell cell-" + rating, "data-label": label});
    td.appendChild(el("span", {}, score + " "));
    td.appendChild(el("span", {"class": "rating"}, rating.charAt(0).toUpperCase() + rating.slice(1)));
    if (gapTitles && gapTitles.length && rating !== "green") {
      // A red or amber on a high score is a must-have gap (a go-live gate): say so in the cell, reachable by keyboard.
      var why = "Capped by " + plural(gapTitles.length, "must-have gap", "must-have gaps") + ": " + gapTitles.join("; ");
      var mark = el("button", {"type": "button", "class": "gap-mark", "aria-label": why, "title": why}, "!");
      td.appendChild(mark);
    }
    return td;
  }

  function start(data, root) {
    var rows = data.rows.slice();
    var table = root.querySelector("table");
    var body = table.querySelector("tbody");
    var status = root.querySelector("[data-rt-status]");
    var controls = root.querySelector("[data-rt-controls]");
    var prev = root.querySelector("[data-rt-prev]");
    var next = root.querySelector("[data-rt-next]");
    var text = root.querySelector("[data-rt-text]");
    var selects = {area: root.querySelector("[data-rt-area]"), rating: root.querySelector("[data-rt-rating]"),
                   route: root.querySelector("[data-rt-route]"), gap: root.querySelector("[data-rt-gap]")};
    var state = {page: 0, key: I.rank, dir: 1, shown: rows};

    function fill(select, values, label) {
      values.forEach(function (v) { select.appendChild(el("option", {value: v[0]}, v[1] || label(v[0]))); });
    }
    function distinct(index) {
      var seen = {};
      rows.forEach(function (r) { if (r[index]) seen[r[index]] = true; });
      return Object.keys(seen).sort(function (a, b) { return a.localeCompare(b, "en-GB"); }).map(function (v) { return [v]; });
    }
    fill(selects.area, distinct(I.area), function (v) { return v; });
    fill(selects.route, distinct(I.route), function (v) { return v.replace(/_/g, " "); });
    fill(selects.gap, Object.keys(data.gaps).map(function (id) { return [id, data.gaps[id]]; }), String);

    function value(r, key) {
      if (typeof key === "number") return key === I.gaps ? r[I.gaps].length : key === I.rating ? RANK[r[I.rating]] : r[key];
      return r[I.domains][key[1]][0];
    }
    function compare(a, b) {
      var x = value(a, state.key), y = value(b, state.key);
      if (x === y) return a[I.rank] - b[I.rank];
      if (x === null || x === undefined || x === "") return 1;
      if (y === null || y === undefined || y === "") return -1;
      return (typeof x === "string" ? x.localeCompare(y, "en-GB") : x - y) * state.dir;
    }

    function apply() {
      var needle = text.value.trim().toLowerCase();
      var area = selects.area.value, rating = selects.rating.value, route = selects.route.value, gap = selects.gap.value;
      state.shown = rows.filter(function (r) {
        return (!needle || (r[I.name] + " " + (r[I.org] || "")).toLowerCase().indexOf(needle) >= 0) &&
          (!area || r[I.area] === area) && (!rating || r[I.rating] === rating) && (!route || r[I.route] === route) &&
          (!gap || r[I.gaps].indexOf(gap) >= 0);
      }).sort(compare);
      state.page = 0;
      draw();
    }

    function draw() {
      var shown = state.shown, from = state.page * PAGE, to = Math.min(from + PAGE, shown.length);
      var frag = document.createDocumentFragment();
      shown.slice(from, to).forEach(function (r) {
        var tr = el("tr");
        var titles = r[I.gaps].map(function (id) { return data.gaps[id] || id; });
        tr.appendChild(el("td", {"class": "num", "data-label": "Rank"}, r[I.rank]));
        var th = el("th", {scope: "row"}, r[I.name]);
        if (r[I.org]) { th.appendChild(el("br")); th.appendChild(el("span", {"class": "note"}, r[I.org])); }
        tr.appendChild(th);
        tr.appendChild(el("td", {"data-label": "Area"}, r[I.area] || ""));
        tr.appendChild(el("td", {"data-label": "Assessed"}, r[I.date] || "not dated"));
        tr.appendChild(el("td", {"class": "num", "data-label": "Raters"}, r[I.raters]));
        tr.appendChild(ratingCell(r[I.score], r[I.rating], titles, "Overall"));
        r[I.domains].forEach(function (d, i) { tr.appendChild(ratingCell(d[0], d[1], null, data.domains[i].title)); });
        tr.appendChild(el("td", {"data-label": "Route"}, r[I.route].replace(/_/g, " ")));
        tr.appendChild(el("td", {"class": "num", "data-label": "Must-have gaps"}, r[I.gaps].length));
        tr.appendChild(el("td", {"class": "num", "data-label": "Actions"}, r[I.actions]));
        var ag = r[I.agreement];
        tr.appendChild(el("td", {"class": "num", "data-label": "Rater agreement"}, ag === null ? "" : ag.toFixed(2) + (ag < data.threshold ? " (low)" : "")));
        if (data.cost) {
          tr.appendChild(el("td", {"class": "num", "data-label": "Estimated cost"},
            r[I.cost] === null ? "" : "£" + r[I.cost].toLocaleString("en-GB", {maximumFractionDigits: 0})));
        }
        frag.appendChild(tr);
      });
      body.replaceChildren(frag);
      status.textContent = shown.length ? "Showing " + (from + 1).toLocaleString("en-GB") + "–" + to.toLocaleString("en-GB") + " of " +
        plural(shown.length, "clinic", "clinics") + (shown.length < rows.length ? " (filtered from " + rows.length.toLocaleString("en-GB") + ")" : "") + "." :
        "No clinic matches these filters.";
      prev.disabled = state.page === 0;
      next.disabled = to >= shown.length;
    }

    table.querySelectorAll("thead th[data-rt-key]").forEach(function (th) {
      var raw = th.getAttribute("data-rt-key");
      var key = /^d\d+$/.test(raw) ? ["d", Number(raw.slice(1))] : I[raw];
      var button = el("button", {type: "button", "class": "sort"});
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var same = JSON.stringify(state.key) === JSON.stringify(key);
        state.key = key;
        // Scores and counts sort highest first on the first press; names, areas and ranks A to Z (1 first).
        state.dir = same ? -state.dir : (raw === "name" || raw === "area" || raw === "rank" || raw === "route" || raw === "date" ? 1 : -1);
        table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", state.dir === 1 ? "ascending" : "descending");
        apply();
      });
    });
    text.addEventListener("input", apply);
    Object.keys(selects).forEach(function (k) { selects[k].addEventListener("change", apply); });
    prev.addEventListener("click", function () { state.page -= 1; draw(); });
    next.addEventListener("click", function () { state.page += 1; draw(); });
    // The area roll-up's buttons show that area's clinics in the table.
    document.querySelectorAll("[data-rt-pick-area]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        selects.area.value = button.getAttribute("data-rt-pick-area");
        apply();
        root.scrollIntoView();
        selects.area.focus();
      });
    });
    controls.hidden = false;
    apply();
  }

  /** The rows file's data from a review made in the browser (review.js): builder/render/review.py review_rows_js. */
  function rowsOf(rv) {
    var gaps = {}, low = function (c) {
      var values = c.agreement ? Object.keys(c.agreement).map(function (k) { return c.agreement[k]; }).filter(function (v) { return v !== null; }) : [];
      return values.length ? Math.min.apply(null, values) : null;
    };
    var rows = rv.clinics.map(function (c) {
      c.must_haves.forEach(function (g) { if (!Object.prototype.hasOwnProperty.call(gaps, g.id)) gaps[g.id] = g.title; });
      return [c.rank, c.name, c.organisation, c.area, c.assessed_on, c.raters.length, c.overall.score, c.overall.rating, c.route,
        c.must_haves.map(function (g) { return g.id; }), c.actions.length, c.budget,
        rv.domains.map(function (d) { return [c.domains[d.id].score, c.domains[d.id].rating]; }), low(c)];
    });
    return {cost: !!rv.cost, threshold: rv.agreement.threshold, domains: rv.domains, gaps: gaps, rows: rows};
  }

  /** The controls and the empty table review.html is written with (templates/review.html.j2), for a page that has none. */
  function markup(data) {
    var root = el("div", {"class": "ranking"});
    var controls = el("div", {"data-rt-controls": "", "class": "rt-controls", hidden: ""});
    function label(text, control) { var l = el("label", {}, text + " "); l.appendChild(control); controls.appendChild(l); return control; }
    label("Clinic or organisation", el("input", {type: "search", "data-rt-text": ""}));
    label("Area", el("select", {"data-rt-area": ""})).appendChild(el("option", {value: ""}, "All areas"));
    var rating = label("Rating", el("select", {"data-rt-rating": ""}));
    [["", "All ratings"], ["green", "Green (ready)"], ["amber", "Amber (partly ready)"], ["red", "Red (not ready to start)"]].forEach(function (o) {
      rating.appendChild(el("option", {value: o[0]}, o[1]));
    });
    label("Route", el("select", {"data-rt-route": ""})).appendChild(el("option", {value: ""}, "All routes"));
    label("Must-have gap", el("select", {"data-rt-gap": ""})).appendChild(el("option", {value: ""}, "Any or none"));
    var pager = el("p", {"class": "rt-pager"});
    pager.appendChild(el("button", {type: "button", "data-rt-prev": ""}, "Previous " + PAGE));
    pager.appendChild(document.createTextNode(" "));
    pager.appendChild(el("button", {type: "button", "data-rt-next": ""}, "Next " + PAGE));
    pager.appendChild(document.createTextNode(" "));
    pager.appendChild(el("span", {"data-rt-status": "", role: "status"}));
    controls.appendChild(pager);
    root.appendChild(controls);
    var scroll = el("div", {"class": "table-scroll", tabindex: "0", role: "region", "aria-label": "Clinics ranked by readiness"});
    var table = el("table", {"class": "heat"});
    table.appendChild(el("caption", {}, "Clinics, best prepared first (select a column heading to sort)"));
    var tr = el("tr");
    var heads = [["rank", "Rank", "num"], ["name", "Clinic"], ["area", "Area"], ["date", "Assessed"], ["raters", "Raters", "num"], ["score", "Overall"]]
      .concat(data.domains.map(function (d, i) { return ["d" + i, d.title]; }))
      .concat([["route", "Route"], ["gaps", "Must-have gaps", "num"], ["actions", "Actions", "num"], ["agreement", "Rater agreement (lowest r_wg(J))", "num"]])
      .concat(data.cost ? [["cost", "Estimated cost", "num"]] : []);
    heads.forEach(function (x) { tr.appendChild(el("th", {scope: "col", "data-rt-key": x[0], "class": x[2] || ""}, x[1])); });
    var thead = el("thead");
    thead.appendChild(tr);
    table.appendChild(thead);
    table.appendChild(el("tbody"));
    scroll.appendChild(table);
    root.appendChild(scroll);
    return root;
  }

  /** A ranking for a review made in the browser: the element to put on the page, live once it is there. */
  function forReview(rv) {
    var data = rowsOf(rv), root = markup(data);
    return {element: root, start: function () { start(data, root); }};
  }
  window.ReadinessReviewTable = {forReview: forReview, rowsOf: rowsOf};

  function init() {
    var root = document.getElementById("ranking-table");
    var data = window.READINESS_REVIEW_ROWS;
    if (root && data) start(data, root);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
