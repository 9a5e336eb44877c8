// Tables: leaderboard, per-suite detail, language heatmap, suite tables, agreement, metadata.
/* eslint-disable */
'use strict';
var RM = window.RM;

/** A score cell: the value, its 95% interval underneath, and the baseline delta when present. */
RM.scoreCell = function (cell, scale, raw) {
  var td = RM.el('td', { class: 'num' });
  if (!cell) { td.appendChild(RM.el('span', { class: 'muted', text: 'not run' })); return td; }
  var fmt = function (v) { return raw ? RM.fmtRaw(v) : RM.fmt(v, scale); };
  td.appendChild(RM.el('span', { class: 'score', text: fmt(cell.score) }));
  if (cell.score === null && cell.reason) td.setAttribute('title', cell.reason);
  if (RM.isNum(cell.lo) && RM.isNum(cell.hi)) {
    td.appendChild(RM.el('span', { class: 'ci', text: '[' + fmt(cell.lo) + ', ' + fmt(cell.hi) + ']' }));
  }
  if (RM.isNum(cell.delta)) {
    var cls = 'delta';
    // Raw metrics have no known good direction: their deltas stay uncoloured.
    if (raw) cls += '';
    else if (RM.isNum(cell.dlo) && cell.dlo > 0) cls += ' up';
    else if (RM.isNum(cell.dhi) && cell.dhi < 0) cls += ' down';
    var f = function (v) { return raw ? (v > 0 ? '+' : '') + RM.fmtRaw(v) : RM.fmtSigned(v, scale); };
    var text = 'Δ ' + f(cell.delta);
    if (RM.isNum(cell.dlo)) text += ' [' + f(cell.dlo) + ', ' + f(cell.dhi) + ']';
    td.appendChild(RM.el('span', { class: cls, text: text }));
  }
  if (cell.errors) td.appendChild(RM.el('span', { class: 'warn', text: cell.errors + ' failed' }));
  return td;
};

RM.leaderboard = function (data) {
  var s = RM.section('leaderboard', 'Leaderboard',
    'Each cell is the suite\'s overall score (higher is better, 100 = every item right) with its 95% bootstrap confidence interval in brackets: ' +
    'items were resampled ' + data.resamples + ' times (seed ' + data.seed + ') and the score recomputed with the suite\'s own formula. ' +
    'Two models whose intervals overlap heavily may not really differ.');
  var head = RM.el('tr', null, RM.el('th', { text: 'Model' }));
  data.suites.forEach(function (su) { head.appendChild(RM.el('th', null, RM.el('a', { href: '#suite-' + su.name, text: su.name }))); });
  var body = RM.el('tbody');
  var base = data.suites.some(function (su) { return su.baseline; });
  if (base) {
    var tr = RM.el('tr', { class: 'baseline-row' }, RM.el('td', { text: 'baseline: ' + data.baselines.map(function (b) { return b.label; }).join(', ') }));
    data.suites.forEach(function (su) {
      var row = su.rows.find(function (r) { return r.name === 'score'; });
      tr.appendChild(RM.scoreCell(row && row.baseline ? row.baseline : null, su.scale));
    });
    body.appendChild(tr);
  }
  data.models.forEach(function (m, mi) {
    var tr = RM.el('tr', null, RM.el('td', { class: 'model' }, RM.el('span', { class: 'swatch', style: 'background:' + RM.color(mi) }), m.label));
    data.suites.forEach(function (su) {
      var row = su.rows.find(function (r) { return r.name === 'score'; });
      tr.appendChild(RM.scoreCell(row ? row.cells[mi] : null, su.scale));
    });
    body.appendChild(tr);
  });
  var table = RM.el('div', { class: 'scroll' }, RM.el('table', { class: 'grid' }, RM.el('thead', null, head), body));
  var charts = RM.chartsFor(data, 'leaderboard');
  s.appendChild(table);
  if (charts.length) s.appendChild(RM.el('div', { class: 'two charts' }, charts));
  if (base) s.appendChild(RM.explain('Δ is the paired difference model − baseline on the items both runs scored, with its 95% interval (same resampled items for both). ' +
    'Green: the whole interval is above 0 (a real improvement at this confidence); red: below 0; grey: not distinguishable.'));
  return s;
};

var GROUP_TITLES = {
  overall: null,
  section: 'Sections (as the suite defines them: weighted groups of subsets, master keys, difficulty levels…)',
  subset: 'Subsets',
  language: 'Languages',
  metric: 'Other numbers the suite reports (raw values, not ×100)',
};

RM.suiteTable = function (data, su) {
  var head = RM.el('tr', null, RM.el('th', { text: '' }));
  var hasBase = su.rows.some(function (r) { return r.baseline; });
  if (hasBase) head.appendChild(RM.el('th', { text: 'baseline' }));
  data.models.forEach(function (m, mi) {
    head.appendChild(RM.el('th', null, RM.el('span', { class: 'swatch', style: 'background:' + RM.color(mi) }), m.label));
  });
  var body = RM.el('tbody');
  var last = null;
  su.rows.forEach(function (r) {
    if (r.group !== last && GROUP_TITLES[r.group]) {
      body.appendChild(RM.el('tr', { class: 'group' }, RM.el('td', { colspan: data.models.length + 1 + (hasBase ? 1 : 0), text: GROUP_TITLES[r.group] })));
    }
    last = r.group;
    var raw = r.group === 'metric';
    var tr = RM.el('tr', { class: r.group === 'overall' ? 'overall' : '' }, RM.el('td', { class: 'rowname', text: r.label }));
    if (hasBase) tr.appendChild(RM.scoreCell(r.baseline, su.scale, raw));
    r.cells.forEach(function (c) { tr.appendChild(RM.scoreCell(c, su.scale, raw)); });
    body.appendChild(tr);
  });
  return RM.el('div', { class: 'scroll' }, RM.el('table', { class: 'grid' }, RM.el('thead', null, head), body));
};

/** Language × model heatmap from the rows naming languages. */
RM.languageHeatmap = function (data, su) {
  var rows = su.rows.filter(function (r) { return su.languageRows && su.languageRows.indexOf(r.name) >= 0; });
  if (rows.length < 2) return null;
  var head = RM.el('tr', null, RM.el('th', { text: 'language' }));
  data.models.forEach(function (m) { head.appendChild(RM.el('th', { text: m.label })); });
  var body = RM.el('tbody');
  rows.forEach(function (r) {
    var tr = RM.el('tr', null, RM.el('td', { class: 'rowname', text: r.label }));
    r.cells.forEach(function (c) {
      var v = c ? c.score : null;
      var v01 = RM.isNum(v) ? v * su.scale / 100 : null;
      var td = RM.el('td', { class: 'num heat', style: 'background:' + RM.heat(v01), text: RM.fmt(v, su.scale) });
      if (c && RM.isNum(c.lo)) td.setAttribute('title', '95% CI ' + RM.fmt(c.lo, su.scale) + ' – ' + RM.fmt(c.hi, su.scale));
      tr.appendChild(td);
    });
    body.appendChild(tr);
  });
  return RM.el('div', { class: 'heatmap' },
    RM.el('h3', { text: 'Language × model heatmap' }),
    RM.explain('Score per language (green = high, red = low); hover a cell for its 95% interval.'),
    RM.el('div', { class: 'scroll' }, RM.el('table', { class: 'grid compact' }, RM.el('thead', null, head), body)));
};

RM.isResultTable = function (t) {
  return t && typeof t === 'object' && Array.isArray(t.columns) && Array.isArray(t.rows);
};

/** One of a suite's own tables (results.<suite>.tables.<name>), all models in one table. */
RM.resultTable = function (data, su, name) {
  var per = su.tables.map(function (t) { return t ? t[name] : null; });
  var first = per.find(function (t) { return t; });
  if (!first) return null;
  var box = RM.el('div', { class: 'result-table' });
  box.appendChild(RM.el('h4', { text: RM.isResultTable(first) && first.title ? first.title : name }));
  if (!RM.isResultTable(first)) {
    var json = JSON.stringify(first, null, 1);
    box.appendChild(RM.el('pre', { class: 'json', text: json.length > 20000 ? json.slice(0, 20000) + '\n… [truncated]' : json }));
    return box;
  }
  var multi = data.models.length > 1;
  var head = RM.el('tr', null, RM.el('th', { text: first.columns[0] }));
  if (multi) head.appendChild(RM.el('th', { text: 'model' }));
  first.columns.slice(1).forEach(function (c) { head.appendChild(RM.el('th', { text: c })); });
  var body = RM.el('tbody');
  // Rows grouped by their label, one line per model.
  var labels = [];
  per.forEach(function (t) { if (RM.isResultTable(t)) t.rows.forEach(function (r) { if (labels.indexOf(String(r[0])) < 0) labels.push(String(r[0])); }); });
  labels.slice(0, 500).forEach(function (label) {
    per.forEach(function (t, mi) {
      if (!RM.isResultTable(t)) return;
      var r = t.rows.find(function (x) { return String(x[0]) === label; });
      if (!r) return;
      var tr = RM.el('tr', null, RM.el('td', { class: 'rowname', text: label }));
      if (multi) tr.appendChild(RM.el('td', null, RM.el('span', { class: 'swatch', style: 'background:' + RM.color(mi) }), data.models[mi].label));
      r.slice(1).forEach(function (v) { tr.appendChild(RM.el('td', { class: typeof v === 'number' ? 'num' : '', text: RM.fmtRaw(v) })); });
      body.appendChild(tr);
    });
  });
  box.appendChild(RM.el('div', { class: 'scroll' }, RM.el('table', { class: 'grid compact' }, RM.el('thead', null, head), body)));
  (first.notes || []).forEach(function (n) { box.appendChild(RM.explain(String(n))); });
  return box;
};

RM.agreementTable = function (data, matrix) {
  var head = RM.el('tr', null, RM.el('th', { text: '' }));
  data.models.forEach(function (m) { head.appendChild(RM.el('th', { text: m.label })); });
  var body = RM.el('tbody');
  data.models.forEach(function (m, a) {
    var tr = RM.el('tr', null, RM.el('td', { class: 'rowname', text: m.label }));
    data.models.forEach(function (_, b) {
      var v = matrix[a][b];
      tr.appendChild(RM.el('td', { class: 'num heat', style: 'background:' + RM.heat(v), text: RM.isNum(v) ? (v * 100).toFixed(1) + '%' : '—' }));
    });
    body.appendChild(tr);
  });
  return RM.el('div', { class: 'scroll' }, RM.el('table', { class: 'grid compact' }, RM.el('thead', null, head), body));
};

function kv(rows) {
  var body = RM.el('tbody');
  rows.forEach(function (r) {
    if (r[1] === undefined) return;
    var v = typeof r[1] === 'object' && r[1] !== null ? JSON.stringify(r[1], null, 1) : String(r[1]);
    body.appendChild(RM.el('tr', null, RM.el('th', { text: r[0] }), RM.el('td', null, v.length > 80 || v.indexOf('\n') >= 0 ? RM.el('pre', { class: 'json', text: v }) : v)));
  });
  return RM.el('table', { class: 'kv' }, body);
}

RM.metadata = function (data) {
  var s = RM.section('metadata', 'Run metadata',
    'Where each number came from: the harness version, the exact model and data files (hashes), the seed, how long it took, what it cost, and what failed.');
  data.models.concat(data.baselines).forEach(function (m, i) {
    var meta = m.meta || {};
    var cfg = meta.config || {};
    var h = meta.harness || {};
    var counts = meta.counts || {};
    var ds = [];
    var datasets = meta.datasets || {};
    Object.keys(datasets).forEach(function (k) {
      var d = datasets[k] || {};
      (d.files || []).forEach(function (f) { ds.push(k + ': ' + d.id + '@' + (d.revision || '?') + ' ' + f.path + ' (' + f.source + ') sha256 ' + String(f.sha256 || '').slice(0, 16)); });
    });
    var timings = meta.timings || {};
    var perSuite = Object.keys(timings.suites || {}).map(function (k) {
      var t = timings.suites[k];
      return k + ': ' + RM.fmtRaw(t.seconds) + ' s, ' + t.items + ' items, ' + RM.fmtRaw(t.items_per_s) + ' items/s';
    });
    var failed = counts.failed || 0;
    var det = RM.el('details', { open: i === 0 ? 'open' : null },
      RM.el('summary', null, (i >= data.models.length ? 'baseline: ' : '') + m.label + '  ', RM.el('span', { class: failed ? 'warn' : 'muted', text: (counts.records || 0) + ' items, ' + failed + ' failed' })),
      kv([
        ['model spec', m.spec], ['kind', m.kind], ['fingerprint', m.fingerprint], ['run directory', m.dir],
        ['run id', meta.run_id], ['status', meta.status], ['started', meta.created_at], ['finished', meta.finished_at],
        ['rmgauge', (h.version || '?') + (h.git_commit ? ' (commit ' + h.git_commit + ')' : '') + ', node ' + (h.node || '?')],
        ['seed', meta.seed], ['suites', (cfg.suites || []).join(', ')], ['data', cfg.data === null ? 'default datasets' : cfg.data],
        ['limit', cfg.limit === null ? 'none' : cfg.limit], ['concurrency', cfg.concurrency],
        ['options', cfg.options && Object.keys(cfg.options).length ? cfg.options : undefined],
        ['model details', meta.model && meta.model.details ? meta.model.details : undefined],
        ['datasets', ds.length ? ds.join('\n') : undefined],
        ['total time', RM.isNum(timings.total_s) ? timings.total_s.toFixed(1) + ' s' : undefined],
        ['time per suite', perSuite.length ? perSuite.join('\n') : undefined],
        ['scorer counters (cache, truncation, cost, parse failures...)', meta.scorer_stats],
        ['judge verdicts not parsed', counts.verdict_parse_failures ? counts.verdict_parse_failures : undefined],
        ['most frequent errors', counts.top_errors && counts.top_errors.length ? counts.top_errors.map(function (e) { return e.n + '× ' + e.message; }).join('\n') : undefined],
      ]));
    s.appendChild(det);
  });
  return s;
};
