// The page: header, leaderboard, one section per suite, calibration, agreement, items, metadata.
/* eslint-disable */
'use strict';
(function () {
  var RM = window.RM;
  var data = RM.data();
  var app = document.getElementById('app');
  if (data.page === 'curation') {
    RM.curationPage(data, app);
    RM.drawCharts();
    document.body.setAttribute('data-rendered', 'true');
    return;
  }

  var nav = RM.el('nav', { class: 'topnav' }, RM.el('strong', { text: 'rmgauge' }));
  var links = [['leaderboard', 'Leaderboard']];
  data.suites.forEach(function (su) { links.push(['suite-' + su.name, su.name]); });
  if (data.suites.some(function (su) { return su.calibration; })) links.push(['calibration', 'Margins & calibration']);
  if (data.models.length > 1) links.push(['agreement', 'Agreement']);
  (data.ensembles || []).forEach(function (e, i) { links.push(['ensemble-' + i, 'Ensemble']); });
  (data.curation || []).forEach(function (c, i) { links.push(['curation-' + i, 'Curation']); });
  links.push(['items', 'Items'], ['metadata', 'Run metadata']);
  links.forEach(function (l) { nav.appendChild(RM.el('a', { href: '#' + l[0], text: l[1] })); });
  app.appendChild(nav);

  var main = RM.el('main');
  app.appendChild(main);
  main.appendChild(RM.el('header', null,
    RM.el('h1', { text: data.title }),
    RM.el('p', { class: 'intro', text: 'Compares ' + data.models.length + ' model' + (data.models.length === 1 ? '' : 's') + ' (' +
      data.models.map(function (m) { return m.label; }).join(', ') + ') on ' + data.suites.length + ' suite' + (data.suites.length === 1 ? '' : 's') +
      '. Generated ' + data.generatedAt + '. Scores are shown ×100: the share of items the model got right, unless a row says otherwise.' }),
    data.notes.map(function (n) { return RM.el('p', { class: 'warn', text: n }); })));

  main.appendChild(RM.leaderboard(data));

  data.suites.forEach(function (su) {
    var s = RM.section('suite-' + su.name, 'Suite: ' + su.name, su.description || null);
    var n = su.items.map(function (k, i) { return data.models[i].label + ': ' + k; }).join(', ');
    s.appendChild(RM.explain('Items per model — ' + n + '. ' + (su.intervals ? 'Brackets: 95% bootstrap intervals' + (su.resamples.some(function (r) { return r && r < data.resamples; }) ?
      ' (from ' + su.resamples.join(' / ') + ' resamples: fewer than ' + data.resamples + ' because this suite\'s formula is slow to recompute).' : '.') : 'No intervals for this suite.') +
      (su.baseline ? ' Δ: paired difference to baseline ' + su.baseline.label + ' over ' + su.baseline.matched.join(' / ') + ' matched items.' : '')));
    if (su.note) s.appendChild(RM.el('p', { class: 'warn', text: su.note }));
    s.appendChild(RM.suiteTable(data, su));
    var charts = RM.chartsFor(data, 'suite:' + su.name).concat(RM.chartsFor(data, 'adversarial:' + su.name));
    var heat = RM.languageHeatmap(data, su);
    if (heat) charts.push(heat);
    if (charts.length) s.appendChild(RM.el('div', { class: 'two charts' }, charts));
    var tableNames = [];
    su.tables.forEach(function (t) { if (t) Object.keys(t).forEach(function (k) { if (tableNames.indexOf(k) < 0) tableNames.push(k); }); });
    if (tableNames.length) {
      var det = RM.el('details', { class: 'tables' }, RM.el('summary', { text: 'The suite\'s own tables (' + tableNames.join(', ') + ')' }));
      tableNames.forEach(function (k) { var t = RM.resultTable(data, su, k); if (t) det.appendChild(t); });
      s.appendChild(det);
    }
    main.appendChild(s);
  });

  var calSuites = data.suites.filter(function (su) { return su.calibration; });
  if (calSuites.length) {
    var cs = RM.section('calibration', 'Margins & calibration (scalar reward models)',
      'A reward model gives each answer a number; the margin is the correct answer\'s score minus the best wrong one. Read as a probability, σ(margin) ' +
      'says how sure the model is that the correct answer is better. ECE (expected calibration error) is the average gap between that confidence and the ' +
      'actual accuracy (0 = perfectly calibrated); Brier is the mean squared error of σ(margin) (0 is perfect, 0.25 is a coin flip). ' +
      '"ECE after T" rescales margins by a temperature T fitted on half of the pairs and measured on the other half.');
    calSuites.forEach(function (su) {
      cs.appendChild(RM.el('h3', { text: su.name }));
      var head = RM.el('tr', null, ['model', 'pairs', 'accuracy', 'ECE', 'Brier', 'T (fitted)', 'ECE after T', 'Brier after T'].map(function (h) { return RM.el('th', { text: h }); }));
      var body = RM.el('tbody');
      su.calibration.forEach(function (c, mi) {
        if (!c) return;
        body.appendChild(RM.el('tr', null,
          RM.el('td', null, RM.el('span', { class: 'swatch', style: 'background:' + RM.color(mi) }), data.models[mi].label),
          RM.el('td', { class: 'num', text: c.raw.n }),
          RM.el('td', { class: 'num', text: RM.fmt(c.raw.accuracy, 100) }),
          RM.el('td', { class: 'num', text: RM.fmt(c.raw.ece, 100) }),
          RM.el('td', { class: 'num', text: RM.fmt(c.raw.brier, 1, 3) }),
          RM.el('td', { class: 'num', text: c.fitted.temperature >= 999 ? '≥ 1000 (no signal)' : RM.fmt(c.fitted.temperature, 1, 2) }),
          RM.el('td', { class: 'num', text: RM.fmt(c.fitted.ece, 100) }),
          RM.el('td', { class: 'num', text: RM.fmt(c.fitted.brier, 1, 3) })));
      });
      cs.appendChild(RM.el('div', { class: 'scroll' }, RM.el('table', { class: 'grid compact' }, RM.el('thead', null, head), body)));
      cs.appendChild(RM.el('div', { class: 'two' }, RM.chartsFor(data, 'calibration:' + su.name)));
    });
    main.appendChild(cs);
  }

  if (data.models.length > 1) {
    var ag = RM.section('agreement', 'Agreement between models',
      'The share of items (scored by both models) on which two models got the same result. Low agreement between models with similar scores means they fail on different items: an ensemble may help, and the item browser below shows where (filter "models disagree").');
    ag.appendChild(RM.agreementTable(data, data.agreement));
    main.appendChild(ag);
  }

  (data.ensembles || []).forEach(function (e, i) { main.appendChild(RM.ensembleSection(data, e, i)); });
  (data.curation || []).forEach(function (c, i) { main.appendChild(RM.curationSection(data, c, i)); });

  main.appendChild(RM.itemBrowser(data));
  main.appendChild(RM.metadata(data));
  main.appendChild(RM.el('footer', { text: 'rmgauge report · seed ' + data.seed + ' · ' + data.resamples + ' bootstrap resamples · self-contained, no network access.' }));

  RM.drawCharts();
  document.body.setAttribute('data-render-ms', String(Math.round(performance.now())));
  document.body.setAttribute('data-rendered', 'true');
  // Decompress the item texts once the page is drawn, so searching is ready when needed.
  setTimeout(function () { RM.texts().then(function () { RM.textsReady && RM.textsReady(); }, function () {}); }, 50);
})();
