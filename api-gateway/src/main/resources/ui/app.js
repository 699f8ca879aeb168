// metrics-stream live view: plain JS over the gateway's own APIs (metrics.k8s.io for the tables, the History API
// for the charts). Relative URLs, so the page works directly, behind port-forward and under the service proxy.
(function () {
  'use strict';
  var METRICS = '../apis/metrics.k8s.io/v1beta1';
  var HISTORY = '../apis/history.metrics-stream.dev/v1alpha1';
  var MIN_REFRESH_MS = 5000;

  var state = {
    refreshMs: 15000, timer: null, namespaces: {}, sort: { nodes: ['cpu', -1], pods: ['cpu', -1] },
    rows: { nodes: [], pods: [] }, chart: null, plots: {}
  };
  var $ = function (id) { return document.getElementById(id); };

  // ---- quantities (Kubernetes canonical form) ----
  var SUFFIX = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 1024, Mi: Math.pow(1024, 2), Gi: Math.pow(1024, 3), Ti: Math.pow(1024, 4), Pi: Math.pow(1024, 5),
    Ei: Math.pow(1024, 6) };
  function parseQuantity(q) {
    var m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(q || '0');
    if (!m || !(m[2] in SUFFIX)) { return NaN; }
    return parseFloat(m[1]) * SUFFIX[m[2]];
  }
  function nanocores(q) { return Math.round(parseQuantity(q) * 1e9); }
  function bytes(q) { return Math.round(parseQuantity(q)); }
  // as kubectl top prints them: millicores rounded up, MiB rounded up
  function cpuText(n) { return Math.ceil(n / 1e6) + 'm'; }
  function memoryText(b) { return Math.ceil(b / 1048576) + 'Mi'; }

  // ---- fetching ----
  function getJson(url) {
    return fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) {
          var message = body && body.kind === 'Status' ? body.message : 'HTTP ' + r.status;
          throw new Error(message + ' (' + url.replace(/^\.\./, '') + ')');
        }
        return body;
      });
    });
  }
  function query(selector) {
    return selector ? '?labelSelector=' + encodeURIComponent(selector) : '';
  }
  function showError(message) {
    $('error').textContent = message || '';
    $('error').hidden = !message;
  }

  // ---- tables ----
  function refresh() {
    var ns = $('namespace').value;
    var podsUrl = (ns ? METRICS + '/namespaces/' + encodeURIComponent(ns) + '/pods' : METRICS + '/pods') +
      query($('podSelector').value.trim());
    var nodesUrl = METRICS + '/nodes' + query($('nodeSelector').value.trim());
    return Promise.all([getJson(nodesUrl), getJson(podsUrl)]).then(function (lists) {
      showError('');
      var now = Date.now();
      state.rows.nodes = (lists[0].items || []).map(function (n) {
        return { name: n.metadata.name, cpu: nanocores(n.usage.cpu), memory: bytes(n.usage.memory),
          age: Math.max(0, Math.round((now - Date.parse(n.timestamp)) / 1000)), window: n.window };
      });
      state.rows.pods = (lists[1].items || []).map(function (p) {
        var cpu = 0, memory = 0;
        (p.containers || []).forEach(function (c) { cpu += nanocores(c.usage.cpu); memory += bytes(c.usage.memory); });
        state.namespaces[p.metadata.namespace] = true;
        return { namespace: p.metadata.namespace, name: p.metadata.name, cpu: cpu, memory: memory,
          containers: (p.containers || []).length, window: p.window };
      });
      var first = state.rows.pods[0] || state.rows.nodes[0];
      if (first && first.window) {
        state.refreshMs = Math.max(MIN_REFRESH_MS, parseGoDuration(first.window));
      }
      renderNamespaces();
      render('nodes');
      render('pods');
      $('status').textContent = 'updated ' + new Date().toLocaleTimeString() + ' · every ' +
        Math.round(state.refreshMs / 1000) + ' s';
      document.body.dataset.refreshes = String((parseInt(document.body.dataset.refreshes || '0', 10)) + 1);
      if (state.chart) { drawChart(); }
    }).catch(function (e) { showError(e.message); }).then(schedule);
  }
  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(refresh, state.refreshMs);
  }
  function parseGoDuration(text) {
    var re = /([0-9.]+)(ms|s|m|h)/g, m, ms = 0;
    var unit = { ms: 1, s: 1000, m: 60000, h: 3600000 };
    while ((m = re.exec(text)) !== null) { ms += parseFloat(m[1]) * unit[m[2]]; }
    return ms || 15000;
  }
  function renderNamespaces() {
    var select = $('namespace'), current = select.value;
    var names = Object.keys(state.namespaces).sort();
    if (select.options.length - 1 === names.length) { return; }
    select.length = 1;
    names.forEach(function (n) { select.add(new Option(n, n)); });
    select.value = current;
  }
  function render(kind) {
    var table = $(kind), sort = state.sort[kind], key = sort[0], dir = sort[1];
    var rows = state.rows[kind].slice().sort(function (a, b) {
      var x = a[key], y = b[key];
      var c = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
      if (c === 0) { c = (a.namespace || '').localeCompare(b.namespace || '') || a.name.localeCompare(b.name); }
      return c * dir;
    });
    var body = document.createElement('tbody');
    rows.forEach(function (r) {
      var tr = document.createElement('tr');
      tr.dataset.kind = kind;
      tr.dataset.name = r.name;
      if (r.namespace) { tr.dataset.namespace = r.namespace; cell(tr, r.namespace); }
      cell(tr, r.name);
      cell(tr, cpuText(r.cpu), 'num cpu').dataset.nanocores = String(r.cpu);
      cell(tr, memoryText(r.memory), 'num memory').dataset.bytes = String(r.memory);
      cell(tr, kind === 'nodes' ? r.age + ' s' : String(r.containers), 'num');
      if (state.chart && state.chart.kind === kind && state.chart.name === r.name &&
          (state.chart.namespace || '') === (r.namespace || '')) { tr.className = 'selected'; }
      body.appendChild(tr);
    });
    table.replaceChild(body, table.tBodies[0]);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.className = (th.classList.contains('num') ? 'num ' : '') +
        (th.dataset.key === key ? (dir > 0 ? 'sorted-asc' : 'sorted-desc') : '');
    });
    $(kind === 'nodes' ? 'nodeCount' : 'podCount').textContent = '(' + rows.length + ')';
  }
  function cell(tr, text, cls) {
    var td = document.createElement('td');
    td.textContent = text;
    if (cls) { td.className = cls; }
    tr.appendChild(td);
    return td;
  }

  // ---- charts ----
  function openChart(target) {
    state.chart = target;
    $('chart').hidden = false;
    render('nodes');
    render('pods');
    drawChart();
  }
  function historyUrl(t) {
    var base = t.kind === 'nodes' ? HISTORY + '/nodes/' + encodeURIComponent(t.name)
      : t.kind === 'namespace' ? HISTORY + '/namespaces/' + encodeURIComponent(t.name)
        : HISTORY + '/namespaces/' + encodeURIComponent(t.namespace) + '/pods/' + encodeURIComponent(t.name);
    return base + '?window=' + encodeURIComponent($('window').value);
  }
  function drawChart() {
    var t = state.chart;
    $('chartTitle').textContent = (t.kind === 'nodes' ? 'node ' : t.kind === 'namespace' ? 'namespace ' : 'pod ' +
      t.namespace + '/') + t.name;
    return getJson(historyUrl(t)).then(function (list) {
      if (state.chart !== t) { return; }
      var items = list.items || [];
      var x = items.map(function (i) { return Date.parse(i.timestamp) / 1000; });
      var series = function (group, field, scale) {
        return items.map(function (i) { return parseQuantity(i[group][field]) / scale; });
      };
      $('chartInfo').textContent = items.length + ' closed ' + list.window + ' windows, ' +
        list.start + ' … ' + list.end;
      plot('cpuChart', 'CPU (cores)', [x, series('cpu', 'avg', 1), series('cpu', 'p95', 1), series('cpu', 'max', 1)],
        function (v) { return v == null ? '' : v.toFixed(3); });
      plot('memoryChart', 'memory (MiB)', [x, series('memory', 'avg', 1048576), series('memory', 'p95', 1048576),
        series('memory', 'max', 1048576)], function (v) { return v == null ? '' : v.toFixed(1); });
      $('cpuChart').dataset.points = String(items.length);
      $('memoryChart').dataset.points = String(items.length);
      showError('');
    }).catch(function (e) {
      $('cpuChart').dataset.points = '0';
      showError(e.message);
    });
  }
  function plot(id, title, data, format) {
    var el = $(id);
    var width = Math.max(400, el.clientWidth || document.body.clientWidth - 60);
    var opts = {
      title: title, width: width, height: 220,
      series: [{}, line('avg', '#2f6fdf', format), line('p95', '#e08a1e', format), line('max', '#c8334a', format)],
      axes: [{}, { size: 60 }],
      scales: { y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } } }
    };
    var existing = state.plots[id];
    if (existing) { existing.destroy(); }
    el.textContent = '';
    state.plots[id] = new uPlot(opts, data, el);
  }
  function line(label, color, format) {
    return { label: label, stroke: color, width: 1.5, points: { show: true, size: 5 }, value: function (u, v) {
      return format(v);
    } };
  }

  // ---- events ----
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable th'), function (th) {
    th.addEventListener('click', function () {
      var kind = th.closest('table').id, sort = state.sort[kind];
      state.sort[kind] = [th.dataset.key, sort[0] === th.dataset.key ? -sort[1] : (th.classList.contains('num') ? -1 : 1)];
      render(kind);
    });
  });
  ['nodes', 'pods'].forEach(function (kind) {
    $(kind).addEventListener('click', function (e) {
      var tr = e.target.closest('tbody tr');
      if (tr) { openChart({ kind: kind, name: tr.dataset.name, namespace: tr.dataset.namespace }); }
    });
  });
  $('filters').addEventListener('submit', function (e) { e.preventDefault(); refresh(); });
  $('namespace').addEventListener('change', function () {
    $('namespaceChart').disabled = !$('namespace').value;
    refresh();
  });
  $('namespaceChart').addEventListener('click', function () {
    openChart({ kind: 'namespace', name: $('namespace').value });
  });
  $('window').addEventListener('change', function () { if (state.chart) { drawChart(); } });
  $('closeChart').addEventListener('click', function () {
    state.chart = null;
    $('chart').hidden = true;
    render('nodes');
    render('pods');
  });
  refresh();
})();
