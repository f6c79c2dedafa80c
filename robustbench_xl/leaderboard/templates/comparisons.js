"use strict";
// The STILTs-minus-standard tables (per language and pooled), the seed pairs behind them and the
// model table. Loaded before page.js in the same <script>; page.js passes its DOM helpers in.
// Every piece of data reaches the page through textContent or createTextNode, never innerHTML.
function rbxComparisons(DATA, h) {
  var el = h.el, pct = h.pct, isNum = h.isNum;

  function armText(arm) {
    var text = pct(arm.mean);
    if (isNum(arm.std)) text += " ± " + pct(arm.std);
    return [text, el("span", "ci", [arm.seeds.length + " seed" + (arm.seeds.length === 1 ? "" : "s") +
      (isNum(arm.ci_low) ? " · [" + pct(arm.ci_low) + ", " + pct(arm.ci_high) + "]" : "")])];
  }

  function signed(x) { var t = pct(x); return isNum(x) && t !== "0.0" && x > 0 ? "+" + t : t; }

  function deltaCell(delta, extra) {
    var d = delta ? delta.value : null;
    var td = el("td", "num " + (isNum(d) && d > 0 ? "delta-pos" : isNum(d) && d < 0 ? "delta-neg" : ""), [signed(d)]);
    if (delta && isNum(delta.low) && isNum(delta.high)) td.appendChild(el("span", "ci", ["[" + pct(delta.low) + ", " + pct(delta.high) + "]"]));
    if (extra) td.appendChild(el("span", "ci", [extra]));
    return td;
  }

  function testLabel(method) { return !method || method === "no discordant pairs" ? "–" : (method.indexOf("exact") >= 0 ? "exact" : "χ²"); }

  function rowLabel(row) {
    return row.langs && row.langs.length > 1 ? row.langs.join(" ") + (row.low_resource ? " †" : "") : h.langLabel(row.lang);
  }

  function comparisonRow(row) {
    var tr = el("tr");
    tr.dataset.lang = row.lang; tr.dataset.recipe = row.recipe;
    var asr = row.deltas.attack_success_rate;
    tr.appendChild(el("td", null, [row.base_model, el("span", "sub", [row.intermediate_task || ""])]));
    tr.appendChild(el("td", null, [row.recipe]));
    tr.appendChild(el("td", null, [rowLabel(row)]));
    tr.appendChild(el("td", "num", [String(row.n_seed_pairs)]));
    tr.appendChild(el("td", "num", [String(row.n_paired)]));
    tr.appendChild(el("td", "num", armText(row.standard)));
    tr.appendChild(el("td", "num", armText(row.stilts)));
    tr.appendChild(deltaCell(row.deltas.clean_accuracy));
    tr.appendChild(deltaCell(row.deltas.accuracy_under_attack));
    tr.appendChild(deltaCell(asr, "n " + asr.n_standard + " / " + asr.n_stilts));
    tr.appendChild(el("td", "num", [isNum(row.stilts_only) ? row.stilts_only + " / " + row.standard_only : "–"]));
    tr.appendChild(el("td", null, [testLabel(row.test)]));
    tr.appendChild(el("td", "num", [h.fmtP(row.p_value)]));
    tr.appendChild(el("td", "num" + (row.significant ? " sig" : ""), [h.fmtP(row.p_holm) + (row.significant ? " *" : "")]));
    return tr;
  }

  function fill(selector, rows, empty) {
    var tbody = document.querySelector(selector + " tbody");
    h.clear(tbody);
    rows.forEach(function (row) { tbody.appendChild(comparisonRow(row)); });
    if (!rows.length) tbody.appendChild(el("tr", null, [h.emptyCell(14, empty)]));
  }

  function seedPairs(rows) {
    var tbody = document.querySelector("#seed-pairs-table tbody");
    h.clear(tbody);
    rows.forEach(function (row) {
      row.seed_pairs.forEach(function (pair) {
        var tr = el("tr");
        tr.dataset.lang = pair.lang; tr.dataset.recipe = row.recipe;
        [row.recipe, h.langLabel(pair.lang), pair.standard_model + " / " + pair.stilts_model].forEach(function (v) {
          tr.appendChild(el("td", null, [v]));
        });
        tr.appendChild(el("td", "num", [String(pair.n)]));
        ["clean_accuracy", "accuracy_under_attack", "attack_success_rate"].forEach(function (k) {
          tr.appendChild(el("td", "num", [signed(pair.deltas[k])]));
        });
        tr.appendChild(el("td", "num", [pair.mcnemar.first_only + " / " + pair.mcnemar.second_only]));
        tr.appendChild(el("td", null, [testLabel(pair.mcnemar.method)]));
        tr.appendChild(el("td", "num", [h.fmtP(pair.mcnemar.p_value)]));
        tbody.appendChild(tr);
      });
    });
  }

  function models() {
    var tbody = document.querySelector("#models-table tbody");
    h.clear(tbody);
    var compared = {};
    DATA.comparisons.forEach(function (c) { c.standard.models.concat(c.stilts.models).forEach(function (m) { compared[m] = true; }); });
    (DATA.models || []).forEach(function (m) {
      var tr = el("tr");
      tr.dataset.model = m.id; tr.dataset.learned = String(m.learned !== false);
      tr.appendChild(el("td", null, [m.display_name, el("span", "sub", [m.id])]));
      tr.appendChild(el("td", null, [el("span", "badge " + m.regime, [m.regime === "stilts" ? "STILTs · " + (m.intermediate_task || "") : m.regime])]));
      tr.appendChild(el("td", "num", [m.seed === null || m.seed === undefined ? "–" : String(m.seed)]));
      tr.appendChild(el("td", null, m.learned === false ? [el("span", "badge warn", ["not learned"]), " " + (m.learned_note || "")] : ["yes"]));
      tr.appendChild(el("td", null, [compared[m.id] ? "yes" : "no"]));
      tbody.appendChild(tr);
    });
  }

  function render(state) {
    // A comparison holds both regimes, so only the language and recipe filters apply to it.
    var keep = function (row) {
      var langs = row.langs || [row.lang];
      return (!state.lang || langs.indexOf(state.lang) >= 0) && (!state.recipe || row.recipe === state.recipe);
    };
    var rows = DATA.comparisons.filter(keep);
    fill("#rq-table", rows, "No STILTs/standard pair of the same base model matches the filters.");
    fill("#pooled-table", (DATA.pooled || []).filter(keep), "No pooled row matches the filters.");
    seedPairs(rows);
    models();
    var left = {}, lone = {};
    DATA.comparisons.forEach(function (c) {
      (c.not_learned || []).forEach(function (m) { left[m] = true; });
      (c.unpaired || []).forEach(function (m) { lone[m] = true; });
    });
    document.getElementById("rq-note").textContent = "Learned seeds only, paired by seed (standard seed k with STILTs seed k). " +
      "Standard / STILTs: accuracy under attack (%), mean ± std over seeds on the n example ids valid in every compared run. " +
      "Δ = STILTs − standard in points with a 95% bootstrap interval resampling examples with all their seed pairs: clean accuracy, " +
      "accuracy under attack, and attack success among the pairs each arm classified correctly (n standard / STILTs, over seeds). " +
      "S/T = matched pairs (example × seed pair) only STILTs / only standard kept correct. p: Cochran-Mantel-Haenszel over matched pairs " +
      "stratified by seed pair; * = Holm-adjusted p < " + DATA.settings.alpha + " over languages × recipes." +
      (Object.keys(left).length ? " Not learned, left out: " + Object.keys(left).sort().join(", ") + "." : "") +
      (Object.keys(lone).length ? " Without a partner seed, left out: " + Object.keys(lone).sort().join(", ") + "." : "");
  }

  return { render: render };
}
