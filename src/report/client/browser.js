// The item browser: filters, search, pagination; texts shown with textContent only.
/* eslint-disable */
'use strict';
var RM = window.RM;

var OUTCOMES = { right: 'right', wrong: 'wrong', partial: 'partial credit', failed: 'failed' };

RM.outcome = function (v) {
  if (v === null || v === undefined) return 'absent';
  if (v === -1) return 'failed';
  if (v >= 1) return 'right';
  if (v <= 0) return 'wrong';
  return 'partial';
};

RM.itemBrowser = function (data) {
  var it = data.items;
  var models = data.models;
  var PAGE = 25;
  var state = { suite: -1, subset: -1, model: -1, outcome: '', disagree: false, q: '', page: 0 };
  var texts = null;
  var lowered = null;
  var opened = {};

  var s = RM.section('items', 'Items',
    'Every item of every suite with each model\'s result. Filter by suite, subset, outcome or disagreement between models, or search the prompt and answers; ' +
    'click an item to see the prompt, every answer and every model\'s score. ✓ right, ✗ wrong, ½ partial credit (tie at the top), ! failed (error).');
  if (it.truncatedTexts) s.appendChild(RM.explain(it.truncatedTexts + ' long texts are cut short in this page (marked "[truncated]"); the run directories keep them whole.'));

  var suiteSel = RM.el('select', { id: 'f-suite', 'aria-label': 'suite' }, RM.el('option', { value: '-1', text: 'all suites' }),
    data.suites.map(function (su, i) { return RM.el('option', { value: String(i), text: su.name }); }));
  var subsetSel = RM.el('select', { id: 'f-subset', 'aria-label': 'subset' });
  var modelSel = RM.el('select', { id: 'f-model', 'aria-label': 'model' }, RM.el('option', { value: '-1', text: 'any model' }),
    models.map(function (m, i) { return RM.el('option', { value: String(i), text: m.label }); }));
  var outSel = RM.el('select', { id: 'f-outcome', 'aria-label': 'outcome' }, RM.el('option', { value: '', text: 'any outcome' }),
    Object.keys(OUTCOMES).map(function (k) { return RM.el('option', { value: k, text: OUTCOMES[k] }); }));
  var disagree = RM.el('input', { type: 'checkbox', id: 'f-disagree' });
  var search = RM.el('input', { type: 'search', id: 'f-search', placeholder: 'search key, prompt, answers… (=key: exact key)', 'aria-label': 'search' });
  var status = RM.el('span', { class: 'muted', id: 'f-status' });
  var list = RM.el('div', { id: 'item-list' });
  var prev = RM.el('button', { type: 'button', text: '← previous' });
  var next = RM.el('button', { type: 'button', text: 'next →' });
  var pageInfo = RM.el('span', { id: 'page-info' });

  s.appendChild(RM.el('div', { class: 'filters' },
    RM.el('label', null, 'Suite ', suiteSel), RM.el('label', null, 'Subset ', subsetSel),
    RM.el('label', null, 'Model ', modelSel), RM.el('label', null, 'Outcome ', outSel),
    models.length > 1 ? RM.el('label', null, disagree, ' models disagree') : null,
    search, status));
  s.appendChild(list);
  s.appendChild(RM.el('div', { class: 'pager' }, prev, pageInfo, next));

  function fillSubsets() {
    while (subsetSel.firstChild) subsetSel.removeChild(subsetSel.firstChild);
    subsetSel.appendChild(RM.el('option', { value: '-1', text: 'all subsets' }));
    var seen = {};
    for (var i = 0; i < it.n; i++) {
      if (state.suite >= 0 && it.suite[i] !== state.suite) continue;
      seen[it.subset[i]] = true;
    }
    Object.keys(seen).map(Number).sort(function (a, b) { return it.labels[a] < it.labels[b] ? -1 : 1; }).forEach(function (k) {
      subsetSel.appendChild(RM.el('option', { value: String(k), text: it.labels[k] }));
    });
  }

  function disagrees(i) {
    var first, n = 0;
    for (var m = 0; m < models.length; m++) {
      var v = it.result[m][i];
      if (v === null || v === -1) continue;
      if (n++ === 0) first = v;
      else if (v !== first) return true;
    }
    return false;
  }

  function matchesText(i, q) {
    if (it.key[i].toLowerCase().indexOf(q) >= 0) return true;
    if (!lowered) return false;
    if (it.prompt[i] >= 0 && lowered[it.prompt[i]].indexOf(q) >= 0) return true;
    var cs = it.completions[i];
    for (var c = 0; c < cs.length; c++) if (lowered[cs[c]].indexOf(q) >= 0) return true;
    return false;
  }

  function filtered() {
    var out = [];
    var q = state.q.trim().toLowerCase();
    for (var i = 0; i < it.n; i++) {
      if (state.suite >= 0 && it.suite[i] !== state.suite) continue;
      if (state.subset >= 0 && it.subset[i] !== state.subset) continue;
      if (state.outcome) {
        var ok = false;
        for (var m = 0; m < models.length; m++) {
          if (state.model >= 0 && m !== state.model) continue;
          if (RM.outcome(it.result[m][i]) === state.outcome) { ok = true; break; }
        }
        if (!ok) continue;
      } else if (state.model >= 0 && it.result[state.model][i] === null) continue;
      if (state.disagree && !disagrees(i)) continue;
      // "=key" matches one item key exactly (the ensemble section's "show" buttons use it).
      if (q.charAt(0) === '=' ? it.key[i].toLowerCase() !== q.slice(1) : q && !matchesText(i, q)) continue;
      out.push(i);
    }
    return out;
  }

  function badge(m, v) {
    var o = RM.outcome(v);
    var sym = { right: '✓', wrong: '✗', partial: '½', failed: '!', absent: '·' }[o];
    return RM.el('span', { class: 'badge ' + o, title: models[m].label + ': ' + o + (RM.isNum(v) && v >= 0 ? ' (' + v + ')' : '') },
      RM.el('span', { class: 'swatch', style: 'background:' + RM.color(m) }), sym);
  }

  function textBlock(idx) {
    if (idx < 0) return RM.el('div', { class: 'text muted', text: '(no text recorded)' });
    if (!texts) return RM.el('div', { class: 'text muted', text: '(loading texts…)' });
    return RM.el('div', { class: 'text', text: texts[idx] });
  }

  function detail(i) {
    var box = RM.el('div', { class: 'item-detail' });
    box.appendChild(RM.el('h4', { text: 'Prompt' }));
    box.appendChild(textBlock(it.prompt[i]));
    var nc = it.numCorrect[i];
    var cs = it.completions[i];
    var nScores = cs.length;
    models.forEach(function (_, m) { var sc = it.scores[m][i]; if (sc && sc.length > nScores) nScores = sc.length; });
    for (var c = 0; c < nScores; c++) {
      var correct = nc >= 0 ? c < nc : null;
      var head = RM.el('h4', null, 'Answer ' + (c + 1) + ' ', correct === null ? null : RM.el('span', { class: correct ? 'tag good' : 'tag bad', text: correct ? 'correct' : 'incorrect' }));
      var scores = RM.el('span', { class: 'scores' });
      models.forEach(function (m, mi) {
        var sc = it.scores[mi][i];
        if (sc && RM.isNum(sc[c])) {
          var best = Math.max.apply(null, sc);
          scores.appendChild(RM.el('span', { class: 'score-chip' + (sc[c] === best ? ' best' : '') },
            RM.el('span', { class: 'swatch', style: 'background:' + RM.color(mi) }), m.label + ': ' + sc[c]));
        }
      });
      box.appendChild(RM.el('div', { class: 'answer-head' }, head, scores));
      box.appendChild(c < cs.length ? textBlock(cs[c]) : RM.el('div', { class: 'text muted', text: '(text not recorded)' }));
    }
    models.forEach(function (m, mi) {
      var e = it.errors[mi][i];
      if (e !== undefined) box.appendChild(RM.el('p', { class: 'warn' }, m.label + ' failed: ', texts ? texts[e] : '(loading…)'));
      var x = it.extra[mi][i];
      if (x !== undefined) box.appendChild(RM.el('details', null, RM.el('summary', { text: m.label + ': verdicts and details' }), RM.el('pre', { class: 'json', text: texts ? texts[x] : '(loading…)' })));
    });
    return box;
  }

  function row(i) {
    var su = data.suites[it.suite[i]];
    var header = RM.el('button', { type: 'button', class: 'item-head', 'aria-expanded': 'false' },
      RM.el('span', { class: 'badges' }, models.map(function (_, m) { return badge(m, it.result[m][i]); })),
      RM.el('code', { text: it.key[i] }),
      RM.el('span', { class: 'muted', text: (su ? su.name : '?') + ' / ' + it.labels[it.subset[i]] + (it.lang[i] >= 0 ? ' / ' + it.labels[it.lang[i]] : '') }));
    if (texts && it.prompt[i] >= 0) {
      var p = texts[it.prompt[i]];
      header.appendChild(RM.el('span', { class: 'preview', text: p.length > 140 ? p.slice(0, 140) + '…' : p }));
    }
    var wrap = RM.el('div', { class: 'item', 'data-item': String(i) }, header);
    var show = function () { wrap.appendChild(detail(i)); header.setAttribute('aria-expanded', 'true'); };
    header.addEventListener('click', function () {
      var open = wrap.querySelector('.item-detail');
      if (open) { wrap.removeChild(open); header.setAttribute('aria-expanded', 'false'); delete opened[i]; return; }
      opened[i] = true;
      show();
    });
    if (opened[i]) show();
    return wrap;
  }

  var current = [];
  function render(recompute) {
    if (recompute) current = filtered();
    var pages = Math.max(1, Math.ceil(current.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    while (list.firstChild) list.removeChild(list.firstChild);
    var start = state.page * PAGE;
    current.slice(start, start + PAGE).forEach(function (i) { list.appendChild(row(i)); });
    if (!current.length) list.appendChild(RM.el('p', { class: 'muted', text: 'No item matches these filters.' }));
    pageInfo.textContent = current.length ? (start + 1) + '–' + Math.min(start + PAGE, current.length) + ' of ' + current.length + ' items (page ' + (state.page + 1) + ' of ' + pages + ')' : '0 items';
    prev.disabled = state.page === 0;
    next.disabled = state.page >= pages - 1;
    status.textContent = state.q && !lowered ? 'searching keys only until the texts are loaded…' : '';
  }

  var timer = null;
  function onChange() {
    state.suite = Number(suiteSel.value);
    state.model = Number(modelSel.value);
    state.outcome = outSel.value;
    state.disagree = disagree.checked;
    state.q = search.value;
    state.page = 0;
    render(true);
  }
  suiteSel.addEventListener('change', function () { state.subset = -1; state.suite = Number(suiteSel.value); fillSubsets(); onChange(); });
  subsetSel.addEventListener('change', function () { state.subset = Number(subsetSel.value); onChange(); });
  [modelSel, outSel, disagree].forEach(function (e) { e.addEventListener('change', onChange); });
  search.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(onChange, 150); });
  prev.addEventListener('click', function () { state.page--; render(false); });
  next.addEventListener('click', function () { state.page++; render(false); });

  RM.textsReady = function () {
    RM.texts().then(function (t) {
      texts = t;
      lowered = t.map(function (x) { return x.toLowerCase(); });
      // Redraw with the texts (open items stay open).
      render(!!state.q);
      document.body.setAttribute('data-texts', 'ready');
    }, function (err) { status.textContent = String(err && err.message || err); });
  };

  fillSubsets();
  render(true);
  return s;
};
