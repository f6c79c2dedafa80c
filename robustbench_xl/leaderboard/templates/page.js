"use strict";
// The leaderboard page: filters, sorting, charts and examples, all from the embedded JSON.
// Every piece of data reaches the page through textContent or createTextNode, never innerHTML.
(function () {
  var DATA = JSON.parse(document.getElementById("leaderboard-data").textContent);
  var LOW = DATA.low_resource_languages || [];
  // Display order from the language registry, embedded by render_html as DATA.languages.
  var LANG_ORDER = (DATA.languages || []).map(function (l) { return l.code; });
  var SVG = "http://www.w3.org/2000/svg";
  var state = { lang: "", recipe: "", regime: "", model: "", sortKey: "accuracy_under_attack", sortDir: "desc" };

  function el(tag, className, children) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function isNum(x) { return typeof x === "number" && isFinite(x); }
  function fixed(x, digits) { var t = x.toFixed(digits); return /^-0(\.0*)?$/.test(t) ? t.slice(1) : t; }
  function pct(x, digits) { return isNum(x) ? fixed(100 * x, digits === undefined ? 1 : digits) : "–"; }
  function fmtP(p) { return !isNum(p) ? "–" : (p < 0.001 ? p.toExponential(1) : p.toFixed(3)); }
  function langIndex(lang) { var i = LANG_ORDER.indexOf(lang); return i < 0 ? LANG_ORDER.length : i; }
  function langLabel(lang) { return LOW.indexOf(lang) >= 0 ? lang + " †" : lang; }
  function regimeLabel(regime, task) { return regime === "stilts" ? "STILTs" + (task ? " · " + task : "") : String(regime); }
  function uniq(values) { return values.filter(function (v, i) { return values.indexOf(v) === i; }); }

  function matches(row) {
    if (state.lang && row.lang !== state.lang) return false;
    if (state.recipe && row.recipe !== state.recipe) return false;
    if (state.regime && row.regime !== undefined && row.regime !== state.regime) return false;
    if (state.model) {
      var hay = ((row.display_name || "") + " " + (row.model || "")).toLowerCase();
      if (hay.indexOf(state.model.toLowerCase()) < 0) return false;
    }
    return true;
  }

  function fillSelect(id, values, label) {
    var select = document.getElementById(id);
    values.forEach(function (value) {
      var option = el("option", null, [label ? label(value) : value]);
      option.value = value;
      select.appendChild(option);
    });
  }

  function metricCell(metric, scale, digits) {
    var td = el("td", "num");
    if (!metric || !isNum(metric.value)) { td.textContent = "–"; return td; }
    var f = function (x) { return isNum(x) ? fixed(scale * x, digits) : "–"; };
    td.appendChild(document.createTextNode(f(metric.value)));
    td.appendChild(el("span", "ci", ["[" + f(metric.low) + ", " + f(metric.high) + "]"]));
    return td;
  }

  function validAttackCell(validity) {
    // accuracy under attack where a flip judged label-breaking counts as robust (rbx audit --import)
    var td = el("td", "num");
    var judged = validity ? validity.judged_successes : 0;
    if (!judged || !isNum(validity.accuracy_under_valid_attack.value)) { td.textContent = "–"; return td; }
    td.appendChild(document.createTextNode(fixed(100 * validity.accuracy_under_valid_attack.value, 1)));
    td.appendChild(el("span", "ci", [judged + "/" + validity.successes + " judged"]));
    return td;
  }

  function sortValue(cell, key) {
    if (cell.metrics && cell.metrics[key]) return cell.metrics[key].value;
    if (key === "lang") return ("000" + langIndex(cell.lang)).slice(-3) + cell.lang; // padded: sorts as text
    var v = cell[key];
    return v === null || v === undefined ? "" : v;
  }
  function compare(a, b) {
    var x = sortValue(a, state.sortKey), y = sortValue(b, state.sortKey);
    var missingX = x === "" || x === null, missingY = y === "" || y === null;
    if (missingX !== missingY) return missingX ? 1 : -1; // missing values last either way
    var order = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y));
    return state.sortDir === "asc" ? order : -order;
  }

  function renderCells() {
    var rows = DATA.cells.filter(matches).sort(compare);
    var tbody = document.querySelector("#cells-table tbody");
    clear(tbody);
    rows.forEach(function (cell) {
      var tr = el("tr");
      tr.dataset.lang = cell.lang; tr.dataset.recipe = cell.recipe; tr.dataset.regime = cell.regime;
      tr.dataset.model = cell.model;
      var name = el("td", null, [cell.display_name, el("span", "sub", [cell.model + " · " + cell.base_model])]);
      if (!cell.complete) name.appendChild(el("span", "badge warn", ["incomplete"]));
      if (cell.learned === false) name.appendChild(el("span", "badge warn", ["not learned"]));
      tr.appendChild(name);
      tr.appendChild(el("td", null, [el("span", "badge " + cell.regime, [regimeLabel(cell.regime, cell.intermediate_task)])]));
      tr.appendChild(el("td", "num", [cell.seed === null ? "–" : String(cell.seed)]));
      tr.appendChild(el("td", null, [langLabel(cell.lang)]));
      tr.appendChild(el("td", null, [cell.recipe, el("span", "sub", ["v" + cell.recipe_version])]));
      tr.appendChild(el("td", "num", [String(cell.n_examples)]));
      tr.appendChild(metricCell(cell.metrics.clean_accuracy, 100, 1));
      var robust = metricCell(cell.metrics.accuracy_under_attack, 100, 1);
      var bar = el("span", "bar");
      bar.style.width = Math.round(60 * (cell.metrics.accuracy_under_attack.value || 0)) + "px";
      robust.insertBefore(bar, robust.firstChild);
      tr.appendChild(robust);
      tr.appendChild(metricCell(cell.metrics.attack_success_rate, 100, 1));
      tr.appendChild(metricCell(cell.metrics.mean_perturbed_share, 100, 1));
      tr.appendChild(metricCell(cell.metrics.mean_queries, 1, 0));
      tr.appendChild(metricCell(cell.metrics.coverage || {}, 100, 1));
      tr.appendChild(validAttackCell(cell.validity));
      tbody.appendChild(tr);
    });
    if (!rows.length) tbody.appendChild(el("tr", null, [emptyCell(13, "No results match the filters.")]));
    document.getElementById("row-count").textContent = "Showing " + rows.length + " of " + DATA.cells.length + " results";
    document.querySelectorAll("#cells-table th.sortable").forEach(function (th) {
      th.setAttribute("aria-sort", th.dataset.sort === state.sortKey ? (state.sortDir === "asc" ? "ascending" : "descending") : "none");
    });
  }

  function emptyCell(span, text) { var td = el("td", "empty", [text]); td.colSpan = span; return td; }

  var comparisons = rbxComparisons(DATA, { el: el, clear: clear, pct: pct, fmtP: fmtP, isNum: isNum,
    langLabel: langLabel, emptyCell: emptyCell });

  function renderCharts() {
    var host = document.getElementById("charts");
    clear(host);
    var recipes = uniq(DATA.arms.map(function (a) { return a.recipe; })).filter(function (r) { return !state.recipe || r === state.recipe; });
    recipes.forEach(function (recipe) {
      var arms = DATA.arms.filter(function (a) { return a.recipe === recipe && (!state.regime || a.regime === state.regime) && (!state.lang || a.lang === state.lang); });
      if (!arms.length) return;
      host.appendChild(chart(recipe, arms));
    });
    if (!host.firstChild) host.appendChild(el("p", "empty", ["No arms match the filters."]));
  }

  // One marker shape per base model, one colour family per regime: readable in print and for
  // colour-blind readers alike.
  function marker(shape, x, yy, color) {
    var common = { fill: color, stroke: "#fff", "stroke-width": 1 };
    if (shape === 1) return svg("rect", Object.assign({ x: x - 4.5, y: yy - 4.5, width: 9, height: 9 }, common));
    if (shape === 2) return svg("path", Object.assign({ d: "M" + x + " " + (yy - 6) + "L" + (x + 6) + " " + yy + "L" + x + " " + (yy + 6) + "L" + (x - 6) + " " + yy + "Z" }, common));
    if (shape === 3) return svg("path", Object.assign({ d: "M" + x + " " + (yy - 6) + "L" + (x + 5.5) + " " + (yy + 4) + "L" + (x - 5.5) + " " + (yy + 4) + "Z" }, common));
    return svg("circle", Object.assign({ cx: x, cy: yy, r: 4.8 }, common));
  }

  function chart(recipe, arms) {
    var langs = uniq(arms.map(function (a) { return a.lang; })).sort(function (a, b) { return langIndex(a) - langIndex(b); });
    var byLabel = {};
    arms.forEach(function (a) { byLabel[a.label] = a; });
    var bases = uniq(arms.map(function (a) { return a.base_model; })).sort();
    var series = Object.keys(byLabel).sort(function (a, b) {
      var x = byLabel[a], y = byLabel[b];
      // Each base model's standard arm next to its STILTs arm(s): the pairs the research question compares.
      return x.base_model.localeCompare(y.base_model) || (x.regime === "standard" ? 0 : 1) - (y.regime === "standard" ? 0 : 1) ||
        a.localeCompare(b);
    });
    var used = { standard: 0, stilts: 0, unregistered: 0 };
    var palette = { standard: ["#2563eb", "#1e3a8a", "#60a5fa"], stilts: ["#dd6b20", "#9c4221", "#f6ad55"],
      unregistered: ["#52606d", "#9aa5b1", "#1f2933"] };
    var colors = {}, shapes = {};
    series.forEach(function (label) {
      var arm = byLabel[label], list = palette[arm.regime] || ["#52606d"];
      colors[label] = list[used[arm.regime]++ % list.length];
      shapes[label] = bases.indexOf(arm.base_model) % 4;
    });
    var highest = Math.max.apply(null, arms.map(function (a) { return isNum(a.ci_high) ? a.ci_high : (a.mean || 0); }));
    var yMax = Math.min(1, Math.ceil((highest + 0.06) * 5) / 5);  // next 20% step above the data
    var W = 640, H = 300, left = 46, right = 12, top = 16, bottom = 40;
    var plotW = W - left - right, plotH = H - top - bottom, groupW = plotW / langs.length;
    var y = function (v) { return top + plotH * (1 - v / yMax); };
    var root = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "Accuracy under attack by language, recipe " + recipe });
    root.appendChild(svg("title", {}, "Accuracy under attack by language (" + recipe + ")"));
    langs.forEach(function (lang, i) {
      if (LOW.indexOf(lang) >= 0) root.appendChild(svg("rect", { x: left + i * groupW, y: top, width: groupW, height: plotH, fill: "#fdf6ec" }));
    });
    for (var t = 0; t <= Math.round(yMax * 100); t += (yMax > 0.6 ? 20 : 10)) {
      root.appendChild(svg("line", { x1: left, x2: W - right, y1: y(t / 100), y2: y(t / 100), stroke: t === 0 ? "#9aa5b1" : "#e4e7eb" }));
      root.appendChild(svg("text", { x: left - 6, y: y(t / 100) + 4, "text-anchor": "end", "font-size": 11, fill: "#616e7c" }, t + "%"));
    }
    root.appendChild(svg("text", { x: 12, y: top + plotH / 2, transform: "rotate(-90 12 " + (top + plotH / 2) + ")", "text-anchor": "middle", "font-size": 11, fill: "#616e7c" }, "accuracy under attack"));
    langs.forEach(function (lang, i) {
      var cx = left + (i + 0.5) * groupW;
      root.appendChild(svg("text", { x: cx, y: H - bottom + 18, "text-anchor": "middle", "font-size": 12, fill: "#1f2933", "font-weight": LOW.indexOf(lang) >= 0 ? 600 : 400 }, langLabel(lang)));
      var step = Math.min(18, (groupW * 0.75) / Math.max(1, series.length));
      series.forEach(function (label, k) {
        var arm = arms.filter(function (a) { return a.lang === lang && a.label === label; })[0];
        if (!arm || !isNum(arm.mean)) return;
        var x = cx + (k - (series.length - 1) / 2) * step;
        var g = svg("g", { "class": "point", "data-lang": lang, "data-regime": arm.regime });
        g.appendChild(svg("title", {}, label + " · " + lang + ": " + pct(arm.mean) + "%" +
          (isNum(arm.ci_low) ? " [" + pct(arm.ci_low) + ", " + pct(arm.ci_high) + "]" : "") +
          " · " + arm.seeds.length + " seed(s)" + (isNum(arm.std) ? ", std " + pct(arm.std) : "")));
        if (isNum(arm.ci_low) && isNum(arm.ci_high)) {
          g.appendChild(svg("line", { x1: x, x2: x, y1: y(arm.ci_low), y2: y(arm.ci_high), stroke: colors[label], "stroke-width": 1.6 }));
          [arm.ci_low, arm.ci_high].forEach(function (v) {
            g.appendChild(svg("line", { x1: x - 4, x2: x + 4, y1: y(v), y2: y(v), stroke: colors[label], "stroke-width": 1.6 }));
          });
        }
        g.appendChild(marker(shapes[label], x, y(arm.mean), colors[label]));
        root.appendChild(g);
        var significant = arm.regime === "stilts" && DATA.comparisons.some(function (c) {
          return c.lang === lang && c.recipe === recipe && c.base_model === arm.base_model &&
            c.intermediate_task === arm.intermediate_task && c.significant;
        });
        var top_ = isNum(arm.ci_high) ? arm.ci_high : arm.mean;
        if (significant) root.appendChild(svg("text", { "class": "sig-mark", x: x, y: y(top_) - 4, "text-anchor": "middle", "font-size": 14, "font-weight": 700, fill: colors[label] }, "*"));
      });
    });
    var legend = el("div", "legend");
    series.forEach(function (label) {
      var icon = svg("svg", { width: 12, height: 12, viewBox: "0 0 12 12", "class": "swatch" });
      icon.appendChild(marker(shapes[label], 6, 6, colors[label]));
      legend.appendChild(el("span", null, [icon, label]));
    });
    return el("div", "chart", [el("h3", null, ["Recipe: " + recipe]), legend, root]);
  }

  // Word-level diff (one token per CJK character) so only what the attack changed is marked.
  var TOKEN = /\s+|[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]|[^\s\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]+/g;
  function tokens(text) { return String(text || "").match(TOKEN) || []; }
  function changedFlags(a, b) {
    var n = a.length, m = b.length, i, j, lcs = [];
    for (i = 0; i <= n; i++) { lcs.push(new Array(m + 1).fill(0)); }
    for (i = n - 1; i >= 0; i--) for (j = m - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    var inA = new Array(n).fill(true), inB = new Array(m).fill(true);
    i = 0; j = 0;
    while (i < n && j < m) {
      if (a[i] === b[j]) { inA[i] = inB[j] = false; i++; j++; }
      else if (lcs[i + 1][j] >= lcs[i][j + 1]) i++; else j++;
    }
    return [inA, inB];
  }
  function diffParagraph(parts, flags) {
    var p = el("p");
    parts.forEach(function (part, k) {
      var changed = flags[k] && /\S/.test(part);
      p.appendChild(changed ? el("mark", null, [part]) : document.createTextNode(part));
    });
    return p;
  }
  function diffPair(before, after) {
    var a = tokens(before), b = tokens(after);
    var flags = (a.length * b.length <= 250000) ? changedFlags(a, b)
      : [a.map(function () { return false; }), b.map(function () { return false; })];
    return [diffParagraph(a, flags[0]), diffParagraph(b, flags[1])];
  }
  function labelName(v) { return v === 1 ? "paraphrase" : v === 0 ? "not paraphrase" : "–"; }

  function renderExamples() {
    var host = document.getElementById("examples");
    clear(host);
    var limit = 12, shown = 0, total = 0;
    DATA.cells.filter(matches).forEach(function (cell) {
      (cell.examples || []).forEach(function (ex) {
        total++;
        if (shown >= limit) return;
        shown++;
        var original = ex.original || {}, perturbed = ex.perturbed || {};
        var first = diffPair(original.sentence1, perturbed.sentence1), second = diffPair(original.sentence2, perturbed.sentence2);
        var edits = el("div", "edits", ["Edits: "]);
        (ex.edits || []).forEach(function (e, i) {
          if (i) edits.appendChild(document.createTextNode(", "));
          edits.appendChild(el("code", null, [String(e[0])]));
          edits.appendChild(document.createTextNode(" → "));
          edits.appendChild(el("code", null, [String(e[1])]));
        });
        host.appendChild(el("article", "example", [
          el("h3", null, [cell.display_name + " · " + langLabel(cell.lang) + " · " + cell.recipe + " · id " + ex.id]),
          el("div", "pairs", [
            el("div", null, [el("h4", null, ["Original"]), first[0], second[0]]),
            el("div", null, [el("h4", null, ["Perturbed"]), first[1], second[1]])
          ]),
          edits,
          el("div", "edits", ["Gold: " + labelName(ex.label) + " · prediction " + labelName(ex.pred_before) + " → " + labelName(ex.pred_after)])
        ]));
      });
    });
    document.getElementById("examples-note").textContent = total
      ? "Original versus perturbed pairs (changed words highlighted); showing " + shown + " of " + total + " for the current filters."
      : "No successful attacks match the filters.";
  }

  function renderIssues() {
    var host = document.getElementById("issues");
    clear(host);
    var items = DATA.not_comparable.filter(function (x) { return matches({ lang: x.lang, recipe: x.recipe }); });
    if (items.length) {
      var table = el("table", "data", [el("thead", null, [el("tr", null, ["Model", "Language", "Recipe", "Folder", "Reason"].map(function (h) { return el("th", null, [h]); }))])]);
      var tbody = el("tbody");
      items.forEach(function (x) {
        tbody.appendChild(el("tr", null, [x.model, langLabel(x.lang), x.recipe + " v" + x.recipe_version, x.path, x.reason].map(function (v) { return el("td", null, [String(v)]); })));
      });
      table.appendChild(tbody);
      host.appendChild(el("div", "table-scroll", [table]));
    } else {
      host.appendChild(el("p", "note", ["Every run matching the filters is comparable."]));
    }
    var warnings = DATA.warnings || [];
    host.appendChild(el("h3", null, ["Warnings (" + warnings.length + ")"]));
    var list = el("ul", "issues-list");
    warnings.forEach(function (w) { list.appendChild(el("li", null, [w])); });
    if (!warnings.length) list.appendChild(el("li", null, ["None."]));
    host.appendChild(list);
  }

  function renderMethod() {
    var s = DATA.settings;
    var host = document.getElementById("method");
    [DATA.generated_by + ". Confidence intervals: " + Math.round(100 * s.confidence) + "% bootstrap over examples (" + s.bootstrap_method +
      ", " + s.n_resamples + " resamples, seed " + s.bootstrap_seed + ").",
     "Paired test: " + s.paired_test + ". Seed pairs: " + s.seed_pairing + ". Differences: " + s.seed_pooling + ".",
     "p-values " + s.correction + "-adjusted, alpha " + s.alpha + "; families: " + s.holm_families + ".",
     "Runs are compared only when they share the examples fingerprint and the recipe version. † low-resource language (" + LOW.join(", ") + ")."
    ].forEach(function (line) { host.appendChild(el("p", null, [line])); });
    var models = uniq(DATA.cells.map(function (c) { return c.model; })).length;
    document.getElementById("subtitle").textContent = DATA.cells.length + " results · " + models + " models · " +
      uniq(DATA.cells.map(function (c) { return c.lang; })).length + " languages · " +
      uniq(DATA.cells.map(function (c) { return c.recipe; })).length + " recipes · " + DATA.comparisons.length + " STILTs/standard comparisons" +
      ((DATA.pooled || []).length ? " · " + DATA.pooled.length + " pooled" : "");
  }

  function update() { renderCharts(); comparisons.render(state); renderCells(); renderExamples(); renderIssues(); }

  var langs = uniq(DATA.cells.map(function (c) { return c.lang; })).sort(function (a, b) { return langIndex(a) - langIndex(b); });
  fillSelect("filter-lang", langs, function (l) { return LOW.indexOf(l) >= 0 ? l + " (low-resource)" : l; });
  fillSelect("filter-recipe", uniq(DATA.cells.map(function (c) { return c.recipe; })).sort());
  [["filter-lang", "lang"], ["filter-recipe", "recipe"], ["filter-regime", "regime"]].forEach(function (pair) {
    document.getElementById(pair[0]).addEventListener("change", function (e) { state[pair[1]] = e.target.value; update(); });
  });
  document.getElementById("filter-model").addEventListener("input", function (e) { state.model = e.target.value; update(); });
  document.getElementById("filter-reset").addEventListener("click", function () {
    state.lang = state.recipe = state.regime = state.model = "";
    ["filter-lang", "filter-recipe", "filter-regime", "filter-model"].forEach(function (id) { document.getElementById(id).value = ""; });
    update();
  });
  document.querySelectorAll("#cells-table th.sortable").forEach(function (th) {
    th.addEventListener("click", function () {
      var key = th.dataset.sort;
      if (state.sortKey === key) state.sortDir = state.sortDir === "asc" ? "desc" : "asc";
      else { state.sortKey = key; state.sortDir = th.classList.contains("num") ? "desc" : "asc"; }
      update();
    });
  });
  renderMethod();
  update();
  document.body.dataset.ready = "true";
})();
