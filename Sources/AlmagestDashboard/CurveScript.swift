/// The interactive curves shared by every run page: `almagest.curves(root)` makes each
/// `LineChart` SVG below `root` answer the pointer with a readout (the nearest logged x and every
/// visible series' value there, plus a vertical guide line) and hide or show a series when its
/// legend entry is clicked. Part of the dashboard's shared script (`Assets.javascript`).
///
/// It reads only what `LineChart` writes: the plot rectangle and x range on the root `<svg>`
/// (`data-plot-x`, `data-plot-width`, `data-x-min`, `data-x-max`), each series' points
/// (`<g class="series" data-index data-name data-x data-y>`) and the legend entries
/// (`<g class="legend-entry" data-series>`). The readout goes into a `<p class="curve-readout">`
/// after the SVG, with `data-x` set to the x shown; a hidden series gets the class `off` (so does
/// its legend entry) and the SVG lists the hidden names in `data-hidden`. When an element around
/// the SVG has `data-point-links` (JSON: for each series, one URL per point), clicking a point's
/// marker follows its link (the sweep page links each point to its run). Elements marked
/// `data-curves="auto"` get their curves made interactive when the script loads (pages without a
/// script of their own, like the sweep page).
///
/// As a pointer cannot be driven from a test, the address does it too: `#x=12` shows the readout
/// at x = 12 on every curve, `#hide=NAME` hides the series NAME (repeatable). The same functions
/// are on each SVG as `svg.almagestCurve.show(x)` and `.toggle(index)`. Cost: O(points) per
/// readout.
///
/// ```swift
/// PageAssets(javascript: "var page = document.querySelector('.nmf-page'); if (page) { almagest.curves(page); }")
/// ```
enum CurveScript {
    static let css = """
        svg.lines g.legend-entry[data-series] { cursor: pointer; }
        svg.lines g.legend-entry.off { opacity: 0.35; }
        svg.lines g.series.off { display: none; }
        svg.lines.linked g.series circle[data-point] { cursor: pointer; }
        svg.lines line.hover-line { stroke: #57606a; stroke-width: 1; stroke-dasharray: 3 3; pointer-events: none; }
        p.curve-readout { margin: 2px 0 0; min-height: 1.4em; font-size: 12px; font-variant-numeric: tabular-nums; }
        """

    static let javascript = """
        almagest.curves = (function () {
          'use strict';
          return function (root) {
            if (!root) { return 0; }
            var charts = Array.prototype.slice.call(root.querySelectorAll('svg.lines'))
              .filter(function (svg) { return svg.dataset.plotX !== undefined && !svg.almagestCurve; });
            charts.forEach(function (svg) { svg.almagestCurve = curve(svg); });
            function applyHash() {
              charts.forEach(function (svg) {
                var c = svg.almagestCurve;
                almagest.hash('hide').forEach(function (name) { c.toggle(c.indexOf(name), true); });
                almagest.hash('x').forEach(function (x) { c.show(Number(x)); });
              });
            }
            applyHash();
            window.addEventListener('hashchange', applyHash);
            return charts.length;
          };

          function curve(svg) {
            var ds = svg.dataset;
            var plotX = Number(ds.plotX), plotW = Number(ds.plotWidth), xMin = Number(ds.xMin), xMax = Number(ds.xMax);
            var series = Array.prototype.slice.call(svg.querySelectorAll('g.series')).map(function (g) {
              var num = function (t) { return t ? t.split(' ').map(Number) : []; };
              return { el: g, name: g.dataset.name, xs: num(g.dataset.x), ys: num(g.dataset.y), off: false };
            });
            var xs = [];
            series.forEach(function (s) { xs = xs.concat(s.xs); });
            xs = xs.sort(function (a, b) { return a - b; }).filter(function (v, i, a) { return i === 0 || v !== a[i - 1]; });
            var readout = document.createElement('p');
            readout.className = 'curve-readout';
            svg.parentNode.insertBefore(readout, svg.nextSibling);
            var guide = document.createElementNS('http://www.w3.org/2000/svg', 'line');
            guide.setAttribute('class', 'hover-line');
            guide.setAttribute('y1', ds.plotY);
            guide.setAttribute('y2', String(Number(ds.plotY) + Number(ds.plotHeight)));
            guide.style.display = 'none';
            svg.appendChild(guide);
            var shown = null;

            function nearest(values, x) {
              var best = -1;
              values.forEach(function (v, i) { if (best < 0 || Math.abs(v - x) < Math.abs(values[best] - x)) { best = i; } });
              return best;
            }
            function format(v) { return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(Number(v.toPrecision(4))); }
            function show(x) {
              if (!xs.length || !isFinite(x)) { return; }
              var at = xs[nearest(xs, x)];
              var parts = ['x = ' + format(at)];
              series.forEach(function (s) {
                if (s.off || !s.xs.length) { return; }
                var i = nearest(s.xs, at);
                parts.push(s.name + ': ' + format(s.ys[i]));
              });
              readout.textContent = parts.join(' · ');
              readout.setAttribute('data-x', String(at));
              var px = xMax > xMin ? plotX + (at - xMin) / (xMax - xMin) * plotW : plotX + plotW / 2;
              guide.setAttribute('x1', px.toFixed(2));
              guide.setAttribute('x2', px.toFixed(2));
              guide.style.display = '';
              shown = at;
            }
            function toggle(index, hide) {
              var s = series[index];
              if (!s) { return; }
              s.off = hide === undefined ? !s.off : hide;
              s.el.classList.toggle('off', s.off);
              svg.querySelectorAll('g.legend-entry[data-series="' + index + '"]').forEach(function (e) { e.classList.toggle('off', s.off); });
              svg.setAttribute('data-hidden', series.filter(function (t) { return t.off; }).map(function (t) { return t.name; }).join(','));
              if (shown !== null) { show(shown); }
            }
            function indexOf(name) {
              for (var i = 0; i < series.length; i++) { if (series[i].name === name) { return i; } }
              return -1;
            }
            svg.addEventListener('pointermove', function (ev) {
              var ctm = svg.getScreenCTM();
              if (!ctm) { return; }
              var p = svg.createSVGPoint();
              p.x = ev.clientX;
              p.y = ev.clientY;
              var local = p.matrixTransform(ctm.inverse());
              if (local.x < plotX || local.x > plotX + plotW) { return; }
              show(xMin + (local.x - plotX) / plotW * (xMax - xMin));
            });
            svg.addEventListener('pointerleave', function () { guide.style.display = 'none'; });
            svg.querySelectorAll('g.legend-entry[data-series]').forEach(function (e) {
              e.addEventListener('click', function () { toggle(Number(e.dataset.series)); });
            });
            var holder = svg.closest('[data-point-links]');
            var links = holder ? JSON.parse(holder.dataset.pointLinks) : null;
            if (links) {
              svg.classList.add('linked');
              svg.addEventListener('click', function (ev) {
                var dot = ev.target.closest('circle[data-point]'), g = dot && dot.closest('g.series');
                var url = g && (links[Number(g.dataset.index)] || [])[Number(dot.dataset.point)];
                if (url) { location.href = url; }
              });
            }
            return { show: show, toggle: toggle, indexOf: indexOf };
          }
        })();
        document.querySelectorAll('[data-curves="auto"]').forEach(function (root) { almagest.curves(root); });
        """
}
