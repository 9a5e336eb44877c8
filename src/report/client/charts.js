// Charts: chart.js instances from the specifications built by the generator (charts.ts).
/* eslint-disable */
'use strict';
var RM = window.RM;

/** Draws `errorBars: [lo, hi][]` of bar datasets as whiskers (95% intervals). */
RM.errorBarsPlugin = {
  id: 'errorBars',
  afterDatasetsDraw: function (chart) {
    var ctx = chart.ctx;
    var y = chart.scales.y;
    chart.data.datasets.forEach(function (ds, i) {
      var meta = chart.getDatasetMeta(i);
      if (!ds.errorBars || meta.hidden) return;
      meta.data.forEach(function (bar, j) {
        var e = ds.errorBars[j];
        if (!e || !RM.isNum(e[0]) || !RM.isNum(e[1])) return;
        var top = y.getPixelForValue(e[1]);
        var bot = y.getPixelForValue(e[0]);
        var w = Math.min(4, (bar.width || 8) / 3);
        ctx.save();
        ctx.strokeStyle = '#111827';
        ctx.lineWidth = 1.2;
        ctx.beginPath();
        ctx.moveTo(bar.x, top); ctx.lineTo(bar.x, bot);
        ctx.moveTo(bar.x - w, top); ctx.lineTo(bar.x + w, top);
        ctx.moveTo(bar.x - w, bot); ctx.lineTo(bar.x + w, bot);
        ctx.stroke();
        ctx.restore();
      });
    });
  },
};

RM.charts = [];

/** A titled chart box; the chart is created when the box is attached (drawChart). */
RM.chartBox = function (spec) {
  var canvas = RM.el('canvas', { 'data-chart': spec.id, role: 'img', 'aria-label': spec.title });
  var box = RM.el('figure', { class: 'chart' },
    RM.el('figcaption', null, RM.el('strong', { text: spec.title }), RM.el('span', { class: 'explain', text: spec.explain })),
    RM.el('div', { class: 'chart-area' }, canvas));
  RM.charts.push({ spec: spec, canvas: canvas });
  return box;
};

RM.drawCharts = function () {
  if (typeof Chart === 'undefined') return;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  RM.charts.forEach(function (c) {
    if (c.chart) return;
    // The spec is data: clone so chart.js can annotate it freely.
    var cfg = JSON.parse(JSON.stringify(c.spec.config));
    cfg.plugins = [RM.errorBarsPlugin];
    c.chart = new Chart(c.canvas.getContext('2d'), cfg);
  });
};

RM.chartsFor = function (data, place) {
  return data.charts.filter(function (c) { return c.place === place; }).map(RM.chartBox);
};
