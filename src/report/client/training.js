// The training side: preference-data curation summaries and ensemble-vs-members tables. Every
// value reaches the DOM through textContent (RM.el), never through innerHTML.
/* eslint-disable */
'use strict';
var RM = window.RM;

function pct(v) { return RM.isNum(v) ? RM.fmt(v, 100) + '%' : '—'; }
function n(v) { return RM.isNum(v) ? String(v) : '—'; }
function share(k, total) { return RM.isNum(k) && RM.isNum(total) && total > 0 ? RM.fmt(k / total, 100) + '%' : '—'; }

function table(cls, heads, rows) {
  return RM.el('div', { class: 'scroll' }, RM.el('table', { class: 'grid compact ' + (cls || '') },
    RM.el('thead', null, RM.el('tr', null, heads.map(function (h) { return RM.el('th', { text: h }); }))),
    RM.el('tbody', null, rows)));
}

function td(v, num) { return RM.el('td', { class: num ? 'num' : null, text: v }); }

/** Label / value / one-sentence meaning, as a three-column table. */
function factTable(facts) {
  return table('facts', ['', 'value', 'what it means'], facts.filter(function (f) { return f; }).map(function (f) {
    return RM.el('tr', null, RM.el('th', { text: f[0] }), td(f[1], true), RM.el('td', { class: 'explain-cell', text: f[2] }));
  }));
}

RM.curationSection = function (data, c, i) {
  var s = RM.section('curation-' + i, 'Preference-data curation: ' + c.source, c.bestOfN ?
    'rmgauge curate --best-of-n scored every candidate answer of each prompt and kept the best one (sft), or the best and the worst as a chosen/rejected pair (dpo).' :
    'rmgauge curate scored both answers of every preference pair with each member model. The preference strength of a pair is how much higher a member ' +
    'scores the "chosen" answer than the "rejected" one (μ: the mean over members, σ: how much the members disagree); pairs are then sorted into bands by μ.');
  s.setAttribute('data-curation', String(i));
  s.appendChild(RM.explain('Model: ' + (c.model || '—') + (c.members.length ? ' · members: ' + c.members.join(', ') : '') +
    ' · input: ' + (c.data || '—') + ' · output: ' + (c.out || '—') + (c.cutoffs ? ' · band cut-offs: ' + c.cutoffs : '') + ' · mode: ' + c.mode + '.'));

  var facts = [
    ['rows read', n(c.rows), 'Lines (or rows) read from the input file.'],
    c.bestOfN ? null : ['pairs scored', n(c.scored), 'Pairs that every member scored; only these are banded and written.'],
    c.bestOfN ? ['candidate lists', n(c.bestOfN.lists), 'Prompts with a list of candidate answers that were scored.'] : null,
    ['rows written', n(c.written), 'Rows in the training-ready output file.'],
    c.bestOfN ? null : ['pairs flipped', n(c.flipped), 'Pairs whose "chosen" and "rejected" were swapped because their band\'s action is flip.'],
    c.bestOfN ? null : ['pairs dropped', n(c.dropped), 'Pairs left out of the output because their band\'s action is drop.'],
    c.bestOfN ? ['below the floor', n(c.bestOfN.belowFloor), 'Prompts skipped because even their best answer scored under --floor' + (RM.isNum(c.bestOfN.floor) ? ' (' + c.bestOfN.floor + ')' : '') + '.'] : null,
    c.bestOfN ? ['tied', n(c.bestOfN.tied), 'Prompts whose candidates all scored the same, so no chosen/rejected pair could be made (dpo mode).'] : null,
    c.bestOfN ? ['mean best score', RM.fmtRaw(c.bestOfN.meanBestScore), 'The average score of the answer picked for each prompt.'] : null,
    ['malformed rows', n(c.malformed), 'Rows that could not be read (bad JSON, a missing or invalid field); they were skipped and are listed below.'],
    ['failed rows', n(c.failed), 'Rows the model could not score (an error from the scorer); skipped too.'],
  ];
  s.appendChild(factTable(facts));

  if (c.bands.length) {
    s.appendChild(RM.el('h3', { text: 'Bands' }));
    s.appendChild(RM.explain('Each pair lands in exactly one band; the action (keep, flip or drop) is what curate did with the pairs of that band. μ range: the lowest and highest preference strength seen in the band.'));
    var total = c.bands.reduce(function (a, b) { return a + b.count; }, 0);
    s.appendChild(table('bands', ['band', 'pairs', 'share', 'μ range', 'action', 'written', 'meaning'], c.bands.map(function (b) {
      return RM.el('tr', { 'data-band': b.key }, RM.el('td', { class: 'rowname', text: b.label }), td(String(b.count), true), td(share(b.count, total), true),
        td(RM.isNum(b.muMin) ? RM.fmtRaw(b.muMin) + ' … ' + RM.fmtRaw(b.muMax) : '—', true), td(b.action), td(n(b.written), true),
        RM.el('td', { class: 'explain-cell', text: b.explain }));
    })));
    var charts = RM.chartsFor(data, 'curation:' + i);
    if (charts.length) s.appendChild(RM.el('div', { class: 'two charts' }, charts));
  }

  var ag = c.agreement;
  if (ag) {
    s.appendChild(RM.el('h3', { text: 'Agreement between members' }));
    s.appendChild(RM.explain('Whether the members agree with the dataset\'s label, pair by pair. Many split pairs mean the members see the data differently, so their average is less certain.'));
    s.appendChild(factTable([
      ['pairs', n(ag.pairs), 'Pairs scored by every member.'],
      ['all prefer "chosen"', pct(ag.allChosen), 'Every member scores the chosen answer higher: the label looks right.'],
      ['all prefer "rejected"', pct(ag.allRejected), 'Every member scores the rejected answer higher: the label is likely wrong.'],
      ['members split', pct(ag.split), 'The members disagree with each other on which answer is better.'],
      ['mean σ', RM.fmtRaw(ag.meanSigma), 'The average spread of the members\' preference strengths (0 with a single member).'],
    ]));
    if (ag.perMember.length) {
      s.appendChild(table('members', ['member', 'prefers "chosen"'], ag.perMember.map(function (m) {
        return RM.el('tr', null, td(m.member), td(pct(m.prefersChosen), true));
      })));
    }
    if (ag.pairwise.length) {
      s.appendChild(RM.explain('Pairwise: the share of pairs on which two members prefer the same answer.'));
      s.appendChild(table('pairwise', ['members', 'same preference'], ag.pairwise.map(function (p) {
        return RM.el('tr', null, td(p.pair), td(pct(p.agreement), true));
      })));
    }
  }

  if (c.problems.length) {
    var det = RM.el('details', { class: 'tables' }, RM.el('summary', { text: 'Malformed and failed rows (' + (c.malformed + c.failed) + ')' + (c.problemsTruncated ? ': the first ' + c.problems.length + ' shown' : '') }));
    det.appendChild(table('problems', ['line / row', 'kind', 'field', 'problem'], c.problems.map(function (p) {
      return RM.el('tr', null, td(n(p.pos), true), td(p.kind), td(p.field), RM.el('td', { class: 'rowname', text: p.problem }));
    })));
    s.appendChild(det);
  }
  return s;
};

function result(v, who) {
  var o = RM.outcome(v);
  return RM.el('span', { class: 'badge ' + o, title: who + ': ' + o, text: o === 'right' ? '✓' : o === 'wrong' ? '✗' : o === 'partial' ? '½' : o === 'failed' ? '!' : '·' });
}

/** Filters the item browser to one item (suite + key search) and scrolls to it. */
RM.showItem = function (data, suite, key) {
  var si = data.suites.map(function (su) { return su.name; }).indexOf(suite);
  var sel = document.getElementById('f-suite');
  var search = document.getElementById('f-search');
  if (!sel || !search) return;
  // Clear the other filters so the item cannot be hidden by them.
  var model = document.getElementById('f-model');
  var outcome = document.getElementById('f-outcome');
  var disagree = document.getElementById('f-disagree');
  if (model) model.value = '-1';
  if (outcome) outcome.value = '';
  if (disagree) disagree.checked = false;
  sel.value = String(si);
  sel.dispatchEvent(new Event('change'));
  search.value = '=' + key;
  search.dispatchEvent(new Event('input'));
  var items = document.getElementById('items');
  if (items && items.scrollIntoView) items.scrollIntoView();
};

RM.ensembleSection = function (data, e, i) {
  var s = RM.section('ensemble-' + i, 'Ensemble and members: ' + e.label,
    'The ensemble combines its members\' rewards into one; here it is compared with each member run on its own. Items where all members are wrong are errors the ensemble can only fix if its normalisation or aggregation changes the ranking.');
  s.setAttribute('data-ensemble', String(i));
  var run = data.models[e.model];
  if (run) s.appendChild(RM.explain('The ensemble\'s run: ' + run.label + ' (' + run.dir + '). Members: ' + e.members.join(', ') +
    ' (their runs were written beside it by rmgauge bench; add them to this report to see them in the leaderboard). Scores ×100; ✓ right, ✗ wrong, ½ tie.'));
  e.suites.forEach(function (su) {
    s.appendChild(RM.el('h3', { text: su.suite }));
    var heads = ['', 'ensemble'].concat(e.members);
    s.appendChild(table('ens-scores', heads, [RM.el('tr', null, RM.el('th', { text: 'score ×100' }), td(RM.fmt(su.ensembleScore, 100), true),
      su.memberScores.map(function (v) { return td(RM.fmt(v, 100), true); }))]));
    s.appendChild(factTable([
      ['items compared', String(su.items), 'Items with a result from the ensemble and from every member.'],
      ['members agree', pct(su.membersAgree), 'Items on which every member has the same result (all right or all wrong).'],
      ['all members right', String(su.allRight), 'Items every member gets right.'],
      ['all members wrong', String(su.allWrong), 'Items every member gets wrong: listed below.'],
      ['… ensemble right anyway', String(su.allWrongEnsembleRight), 'Of those, items the ensemble still gets right.'],
      ['ensemble wrong, a member right', String(su.ensembleWrongMemberRight), 'Items the ensemble gets wrong although at least one member is right.'],
    ]));
    if (su.pairwise.length) {
      s.appendChild(table('pairwise', ['members', 'same result'], su.pairwise.map(function (p) { return RM.el('tr', null, td(p.pair), td(pct(p.agreement), true)); })));
    }
    if (su.allWrongItems.length) {
      var canShow = !!(data.items && data.items.n > 0);
      var det = RM.el('details', { class: 'tables' }, RM.el('summary', { text: 'Items where all members are wrong (' + su.allWrong + (su.allWrong > su.allWrongItems.length ? ', first ' + su.allWrongItems.length + ' listed' : '') + ')' }));
      det.appendChild(table('all-wrong', ['item', 'subset', 'ensemble'].concat(e.members, ['prompt', '']), su.allWrongItems.map(function (it) {
        return RM.el('tr', null, RM.el('td', null, RM.el('code', { text: it.key })), td(it.subset), RM.el('td', null, result(it.ensemble, 'ensemble')),
          it.members.map(function (v, mi) { return RM.el('td', null, result(v, e.members[mi])); }),
          RM.el('td', { class: 'preview-cell', text: it.preview || '—' }),
          RM.el('td', null, canShow ? RM.el('button', { type: 'button', class: 'show-item', text: 'show', onclick: function () { RM.showItem(data, su.suite, it.key); } }) : null));
      })));
      s.appendChild(det);
    }
  });
  return s;
};

/** The standalone page of `rmgauge curate --html`: header, the curation sections, footer. */
RM.curationPage = function (data, app) {
  var main = RM.el('main');
  app.appendChild(main);
  main.appendChild(RM.el('header', null, RM.el('h1', { text: data.title }),
    RM.el('p', { class: 'intro', text: 'Summary of a preference-data curation run. Generated ' + data.generatedAt + '.' }),
    data.notes.map(function (t) { return RM.el('p', { class: 'warn', text: t }); })));
  data.curation.forEach(function (c, i) { main.appendChild(RM.curationSection(data, c, i)); });
  main.appendChild(RM.el('footer', { text: 'rmgauge curate · self-contained, no network access.' }));
};
