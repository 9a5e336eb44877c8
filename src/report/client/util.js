// Page helpers. Every piece of data reaches the DOM through textContent or setAttribute, never
// through innerHTML: dataset and model text is untrusted.
/* eslint-disable */
'use strict';
var RM = (window.RM = window.RM || {});

RM.el = function (tag, attrs) {
  var node = document.createElement(tag);
  if (attrs) {
    for (var k in attrs) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') node.textContent = String(v);
      else if (k === 'class') node.className = v;
      else if (k === 'style') node.setAttribute('style', v);
      else if (k.slice(0, 2) === 'on') node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, String(v));
    }
  }
  for (var i = 2; i < arguments.length; i++) RM.append(node, arguments[i]);
  return node;
};

RM.append = function (node, child) {
  if (child === undefined || child === null || child === false) return;
  if (Array.isArray(child)) child.forEach(function (c) { RM.append(node, c); });
  else if (typeof child === 'string' || typeof child === 'number') node.appendChild(document.createTextNode(String(child)));
  else node.appendChild(child);
};

RM.PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];
RM.color = function (i, alpha) {
  var c = RM.PALETTE[i % RM.PALETTE.length];
  if (alpha === undefined) return c;
  var n = parseInt(c.slice(1), 16);
  return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + alpha + ')';
};

RM.isNum = function (v) { return typeof v === 'number' && isFinite(v); };

/** A score for display: ×scale, one decimal. */
RM.fmt = function (v, scale, digits) {
  if (!RM.isNum(v)) return '—';
  return (v * (scale || 1)).toFixed(digits === undefined ? 1 : digits);
};
RM.fmtSigned = function (v, scale, digits) {
  if (!RM.isNum(v)) return '—';
  var s = (v * (scale || 1)).toFixed(digits === undefined ? 1 : digits);
  return v > 0 ? '+' + s : s.replace('-', '−');
};
/** A raw number from a table or metric: integers as is, fractions with 3 decimals. */
RM.fmtRaw = function (v) {
  if (v === null || v === undefined) return '—';
  if (typeof v !== 'number') return String(v);
  if (!isFinite(v)) return String(v);
  return Number.isInteger(v) ? String(v) : v.toFixed(3);
};

/** Background colour for a value in [0, 1]: red (low) through yellow to green (high). */
RM.heat = function (v) {
  if (!RM.isNum(v)) return '#f3f4f6';
  var x = Math.max(0, Math.min(1, v));
  return 'hsl(' + Math.round(x * 120) + ', 70%, ' + (88 - 20 * Math.abs(x - 0.5)) + '%)';
};

RM.section = function (id, title, intro) {
  var s = RM.el('section', { id: id, class: 'card' }, RM.el('h2', { text: title }));
  if (intro) s.appendChild(RM.el('p', { class: 'intro', text: intro }));
  return s;
};

RM.explain = function (text) { return RM.el('p', { class: 'explain', text: text }); };

RM.data = function () {
  if (!RM._data) RM._data = JSON.parse(document.getElementById('report-data').textContent);
  return RM._data;
};

/** The item texts: plain, or gzip + base64 decompressed once by the browser. */
RM.texts = function () {
  if (RM._texts) return RM._texts;
  var items = RM.data().items;
  if (items.texts) {
    RM._texts = Promise.resolve(items.texts);
    return RM._texts;
  }
  if (typeof DecompressionStream === 'undefined') {
    RM._texts = Promise.reject(new Error('this browser cannot decompress the item texts (no DecompressionStream)'));
    return RM._texts;
  }
  var bin = atob(items.textsGz);
  var bytes = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  RM._texts = new Response(stream).text().then(function (t) { return JSON.parse(t); });
  return RM._texts;
};
