/// The clustering page's stylesheet and script.
///
/// The script highlights the cluster chosen in `#cluster-select` (or given as `#cluster=K` in the
/// address) by toggling the `highlighted` class on the scatter's points and showing that cluster's
/// examples, and rotates the 3-D scatter when dragged by re-projecting each point from the
/// `data-x/y/z` coordinates and camera parameters `Scatter3DChart` embeds (`#rotate=DEGREES` in the
/// address turns it on load, as a drag would). Cost: O(n) per frame.
extension ClusteringRunPage {
    public var assets: PageAssets { PageAssets(css: Self.css, javascript: Self.javascript) }

    private static let css = """
        .cluster-page { display: flex; gap: 20px; align-items: flex-start; margin-top: 12px; }
        #scatter svg { cursor: grab; touch-action: none; }
        svg.scatter3d.has-selection circle.point:not(.highlighted) { fill-opacity: 0.12; stroke-opacity: 0.1; }
        svg.scatter3d circle.point.highlighted { stroke: #000; stroke-width: 0.9; }
        """

    private static let javascript = """
        var svg = document.querySelector('#scatter svg.scatter3d');
        var select = document.getElementById('cluster-select');
        var page = document.querySelector('.cluster-page');
        var points = svg ? Array.prototype.slice.call(svg.querySelectorAll('circle.point')) : [];

        function selectCluster(k) {
          if (!page) { return; }
          var lit = 0;
          points.forEach(function (c) {
            var on = c.getAttribute('data-label') === k;
            c.classList.toggle('highlighted', on);
            if (on) { lit += 1; }
          });
          if (svg) { svg.classList.toggle('has-selection', k !== ''); }
          document.querySelectorAll('.examples').forEach(function (d) { d.hidden = d.getAttribute('data-cluster') !== k; });
          if (select) { select.value = k; }
          page.setAttribute('data-selected', k);
          page.setAttribute('data-highlighted-points', String(lit));
        }

        if (page) {
          var fromHash = /(?:^#|&)cluster=(-?\\d+)/.exec(location.hash);
          var initial = fromHash ? fromHash[1] : (page.getAttribute('data-selected') || '');
          selectCluster(initial);
          if (select) {
            select.addEventListener('change', function () {
              selectCluster(select.value);
              history.replaceState(null, '', '#cluster=' + select.value);
            });
          }
          window.addEventListener('hashchange', function () {
            var m = /(?:^#|&)cluster=(-?\\d+)/.exec(location.hash);
            if (m) { selectCluster(m[1]); }
          });
        }

        if (svg && points.length) {
          var ds = svg.dataset;
          var az = Number(ds.azimuth), el = Number(ds.elevation), scale = Number(ds.scale);
          var cx = Number(ds.centerX), cy = Number(ds.centerY), cz = Number(ds.centerZ);
          var ox = Number(ds.originX), oy = Number(ds.originY);
          var xs = points.map(function (c) { return Number(c.getAttribute('data-x')) - cx; });
          var ys = points.map(function (c) { return Number(c.getAttribute('data-y')) - cy; });
          var zs = points.map(function (c) { return Number(c.getAttribute('data-z')) - cz; });
          var parent = points[0].parentNode, dragging = null, pending = false;
          function project(reorder) {
            var a = az * Math.PI / 180, e = el * Math.PI / 180;
            var ca = Math.cos(a), sa = Math.sin(a), ce = Math.cos(e), se = Math.sin(e);
            var depth = new Array(points.length);
            for (var i = 0; i < points.length; i++) {
              var u = xs[i] * ca - ys[i] * sa, d = xs[i] * sa + ys[i] * ca;
              var v = d * se + zs[i] * ce;
              depth[i] = -d * ce + zs[i] * se;
              points[i].setAttribute('cx', (ox + u * scale).toFixed(2));
              points[i].setAttribute('cy', (oy - v * scale).toFixed(2));
            }
            if (reorder) {
              var order = points.map(function (_, i) { return i; }).sort(function (p, q) { return depth[p] - depth[q]; });
              var fragment = document.createDocumentFragment();
              order.forEach(function (i) { fragment.appendChild(points[i]); });
              parent.appendChild(fragment);
            }
            svg.setAttribute('data-azimuth', az.toFixed(1));
            svg.setAttribute('data-elevation', el.toFixed(1));
          }
          svg.addEventListener('pointerdown', function (ev) {
            dragging = { x: ev.clientX, y: ev.clientY };
            svg.setPointerCapture(ev.pointerId);
            var cube = svg.querySelector('.cube');
            if (cube) { cube.style.display = 'none'; }
          });
          svg.addEventListener('pointermove', function (ev) {
            if (!dragging) { return; }
            az -= (ev.clientX - dragging.x) * 0.5;
            el = Math.max(-90, Math.min(90, el + (ev.clientY - dragging.y) * 0.5));
            dragging = { x: ev.clientX, y: ev.clientY };
            if (!pending) {
              pending = true;
              requestAnimationFrame(function () { pending = false; project(false); });
            }
          });
          svg.addEventListener('pointerup', function () { dragging = null; project(true); });
          window.almagestRotate = function (dAzimuth, dElevation) {
            az += dAzimuth;
            el = Math.max(-90, Math.min(90, el + dElevation));
            project(true);
          };
          var turn = /(?:^#|&)rotate=(-?\\d+(?:\\.\\d+)?)/.exec(location.hash);
          if (turn) { window.almagestRotate(Number(turn[1]), 0); }
        }
        """
}
