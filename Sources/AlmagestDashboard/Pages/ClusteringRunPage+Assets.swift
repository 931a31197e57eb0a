/// The clustering page's stylesheet and script.
///
/// The script selects a cluster — from `#cluster-select`, a click on a legend entry, or
/// `#cluster=K` in the address — showing that cluster's example images and highlighting its
/// points. It draws the `ProjectionScatter` on its canvas: the points decoded from the page's
/// data blocks, projected orthographically from the azimuth and elevation, sorted back to front,
/// blended as small pre-drawn discs straight into the canvas's pixels (one canvas call per frame,
/// not per point), the selected cluster drawn last and opaque, the others faded; dragging rotates (re-sorting when
/// the drag ends), hovering names the nearest point (`#point=I` does so on load) and `#rotate=D`
/// turns the view by D degrees on load. What it drew is written back as attributes (drawn and
/// highlighted point counts, angles, the screen position of point 0, the hovered point), which
/// the browser tests read. Cost: O(n) per frame, O(n log n) per re-sort.
extension ClusteringRunPage {
    public var assets: PageAssets { PageAssets(css: Self.css, javascript: Self.javascript) }

    private static let css = """
        .cluster-page { display: flex; gap: 20px; align-items: flex-start; margin-top: 12px; }
        .scatter-title { font-weight: 600; text-align: center; margin: 2px 0 4px; }
        .scatter3d { position: relative; }
        .scatter3d canvas { display: block; max-width: 100%; cursor: grab; touch-action: none; }
        .scatter-tip { position: absolute; pointer-events: none; background: rgba(31, 35, 40, 0.92); color: #fff;
          font-size: 12px; padding: 2px 6px; border-radius: 3px; white-space: nowrap; }
        .scatter-mark { position: absolute; pointer-events: none; width: 14px; height: 14px; margin: -7px 0 0 -7px;
          border: 2px solid #cf222e; border-radius: 50%; }
        ul.scatter-legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px; margin: 6px 0 2px; padding: 0; max-width: 640px; }
        ul.scatter-legend button { border: 1px solid var(--line); background: #fff; border-radius: 3px; cursor: pointer; font-size: 12px; }
        ul.scatter-legend button.active { border-color: var(--ink); font-weight: 700; }
        ul.scatter-legend .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 4px; }
        """

    private static let javascript = """
        var page = document.querySelector('.cluster-page');
        if (!page) { return; }
        var select = document.getElementById('cluster-select');
        var root = document.querySelector('#scatter .scatter3d');
        var scatter = root ? makeScatter(root) : null;
        var legend = Array.prototype.slice.call(document.querySelectorAll('ul.scatter-legend button'));

        function hashValue(name) {
          var values = almagest.hash(name);
          return values.length ? values[values.length - 1] : null;
        }

        function selectCluster(k) {
          document.querySelectorAll('.examples').forEach(function (d) { d.hidden = d.getAttribute('data-cluster') !== k; });
          legend.forEach(function (b) { b.classList.toggle('active', b.getAttribute('data-label') === k); });
          if (select) { select.value = k; }
          page.setAttribute('data-selected', k);
          if (scatter) { page.setAttribute('data-highlighted-points', String(scatter.select(k))); }
        }

        function choose(k) {
          selectCluster(k);
          history.replaceState(null, '', '#cluster=' + k);
        }

        selectCluster(hashValue('cluster') || page.getAttribute('data-selected') || '');
        if (select) { select.addEventListener('change', function () { choose(select.value); }); }
        legend.forEach(function (b) { b.addEventListener('click', function () { choose(b.getAttribute('data-label')); }); });
        window.addEventListener('hashchange', function () {
          var k = hashValue('cluster');
          if (k !== null) { selectCluster(k); }
        });
        if (scatter) {
          var turn = hashValue('rotate');
          if (turn !== null && isFinite(Number(turn))) { scatter.rotate(Number(turn), 0); }
          var point = hashValue('point');
          if (point !== null) { scatter.showPoint(Number(point)); }
          window.almagestRotate = scatter.rotate;
        }

        function makeScatter(root) {
          var types = { int8: Int8Array, int16: Int16Array, int32: Int32Array };
          function block(name) {
            var el = root.parentNode.querySelector('script.scatter-data[data-name="' + name + '"]');
            if (!el) { return null; }
            var Type = types[el.getAttribute('data-type')];
            if (!Type) { throw new Error('scatter data ' + name + ': unknown type ' + el.getAttribute('data-type')); }
            var text = el.textContent.trim(), bytes;
            if (Uint8Array.fromBase64) {
              bytes = Uint8Array.fromBase64(text);
            } else {
              var binary = atob(text);
              bytes = new Uint8Array(binary.length);
              for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
            }
            return new Type(bytes.buffer, bytes.byteOffset, bytes.byteLength / Type.BYTES_PER_ELEMENT);
          }
          var xyz = block('xyz'), labels = block('labels'), truth = block('truth');
          var n = labels.length;
          if (xyz.length !== 3 * n) { throw new Error('scatter data: ' + xyz.length + ' coordinates for ' + n + ' points'); }
          var colors = JSON.parse(root.getAttribute('data-colors'));
          var axisNames = [root.dataset.axisX, root.dataset.axisY, root.dataset.axisZ];
          var canvas = root.querySelector('canvas'), tip = root.querySelector('.scatter-tip'), mark = root.querySelector('.scatter-mark');
          var ctx = canvas.getContext('2d'), ratio = window.devicePixelRatio || 1;
          var width = canvas.width, height = canvas.height;
          canvas.style.width = width + 'px';
          canvas.width = Math.round(width * ratio);
          canvas.height = Math.round(height * ratio);
          ctx.scale(ratio, ratio);
          var az = Number(root.dataset.azimuth), el = Number(root.dataset.elevation);
          var radius = Math.min(width, height) / 2 / Math.sqrt(3) * 0.96, ox = width / 2, oy = height / 2;
          var size = n > 5000 ? 2 : 3.5;
          var sx = new Float32Array(n), sy = new Float32Array(n), depth = new Float32Array(n), order = new Uint32Array(n);
          for (var i = 0; i < n; i++) { order[i] = i; }
          var selected = null, stamps = {}, dragging = null, pending = false;

          function camera() {
            var a = az * Math.PI / 180, e = el * Math.PI / 180;
            return { ca: Math.cos(a), sa: Math.sin(a), ce: Math.cos(e), se: Math.sin(e) };
          }
          function screen(c, x, y, z) {
            var u = x * c.ca - y * c.sa, d = x * c.sa + y * c.ca;  // x, y, z in [-1, 1]
            return [ox + u * radius, oy - (d * c.se + z * c.ce) * radius, -d * c.ce + z * c.se];
          }
          // Sorting packs each point's depth (quantised to 2^24 steps) and index into one number
          // (exact below 2^53), so the native numeric sort orders the points back to front.
          var keys = new Float64Array(n), unit = 1 / 32767;
          function project(sort) {
            var c = camera(), ca = c.ca, sa = c.sa, ce = c.ce, se = c.se;
            for (var i = 0; i < n; i++) {  // screen() inlined: no allocation per point
              var x = xyz[3 * i] * unit, y = xyz[3 * i + 1] * unit, z = xyz[3 * i + 2] * unit;
              var u = x * ca - y * sa, d = x * sa + y * ca;
              sx[i] = ox + u * radius;
              sy[i] = oy - (d * se + z * ce) * radius;
              depth[i] = -d * ce + z * se;
            }
            if (!sort) { return; }
            for (var j = 0; j < n; j++) { keys[j] = Math.floor((depth[j] + 2) * 4194304) * 67108864 + j; }
            keys.sort();
            for (var k = 0; k < n; k++) { order[k] = keys[k] % 67108864; }
          }
          // A point's look as pixels: a small canvas drawn once per cluster (and highlight), read
          // back as offsets and colours, then blended into the frame's pixel buffer for every point
          // (far faster than a canvas call per point).
          function stamp(label, lit) {
            var key = label + (lit ? '+' : '');
            if (stamps[key]) { return stamps[key]; }
            var r = size * (lit ? 1.3 : 1) * ratio, half = Math.ceil(r + 2), side = 2 * half, c = document.createElement('canvas');
            c.width = c.height = side;
            var g = c.getContext('2d');
            g.beginPath();
            g.arc(half, half, r, 0, 2 * Math.PI);
            g.fillStyle = colors[label] || '#9e9e9e';
            g.fill();
            g.lineWidth = (lit ? 1 : 0.5) * ratio;
            g.strokeStyle = lit ? '#000' : 'rgba(255,255,255,0.6)';
            g.stroke();
            var pixels = g.getImageData(0, 0, side, side).data, offsets = [], rgba = [];
            for (var y = 0; y < side; y++) {
              for (var x = 0; x < side; x++) {
                var p = 4 * (y * side + x);
                if (pixels[p + 3] === 0) { continue; }
                offsets.push(x - half, y - half);
                rgba.push(pixels[p], pixels[p + 1], pixels[p + 2], pixels[p + 3] / 255);
              }
            }
            stamps[key] = { offsets: new Int16Array(offsets), rgba: new Float32Array(rgba) };
            return stamps[key];
          }
          function splat(buffer, s, i, alpha) {
            var data = buffer.data, w = buffer.width, h = buffer.height;
            var px = Math.round(sx[i] * ratio), py = Math.round(sy[i] * ratio), o = s.offsets, c = s.rgba;
            for (var k = 0, m = 0; k < o.length; k += 2, m += 4) {
              var x = px + o[k], y = py + o[k + 1];
              if (x < 0 || y < 0 || x >= w || y >= h) { continue; }
              var q = 4 * (y * w + x), a = c[m + 3] * alpha;
              if (a >= 1) {
                data[q] = c[m]; data[q + 1] = c[m + 1]; data[q + 2] = c[m + 2];
              } else {
                data[q] += (c[m] - data[q]) * a;
                data[q + 1] += (c[m + 1] - data[q + 1]) * a;
                data[q + 2] += (c[m + 2] - data[q + 2]) * a;
              }
            }
          }
          // The cube's edges and axes (under the points); with `names`, only the axis names (over them).
          function drawCube(c, names) {
            var start = screen(c, -1, -1, -1), ends = [[1, -1, -1], [-1, 1, -1], [-1, -1, 1]];
            if (names) {
              ctx.fillStyle = '#555';
              ctx.font = '13px "DejaVu Sans", sans-serif';
              ctx.textAlign = 'center';
              ctx.textBaseline = 'middle';
              ends.forEach(function (end, k) {
                var e = screen(c, end[0], end[1], end[2]), dx = e[0] - start[0], dy = e[1] - start[1];
                var length = Math.max(Math.sqrt(dx * dx + dy * dy), 1e-9);
                ctx.fillText(axisNames[k] || '', e[0] + dx / length * 14, e[1] + dy / length * 14);
              });
              return;
            }
            var corners = [];
            [-1, 1].forEach(function (a) { [-1, 1].forEach(function (b) { [-1, 1].forEach(function (d) { corners.push([a, b, d]); }); }); });
            ctx.lineWidth = 1;
            ctx.strokeStyle = '#d0d0d0';
            corners.forEach(function (p, i) {
              corners.forEach(function (q, j) {
                if (j <= i || Math.abs(p[0] - q[0]) + Math.abs(p[1] - q[1]) + Math.abs(p[2] - q[2]) !== 2) { return; }
                var s = screen(c, p[0], p[1], p[2]), t = screen(c, q[0], q[1], q[2]);
                ctx.beginPath(); ctx.moveTo(s[0], s[1]); ctx.lineTo(t[0], t[1]); ctx.stroke();
              });
            });
            ctx.lineWidth = 1.5;
            ctx.strokeStyle = '#555';
            ends.forEach(function (end) {
              var e = screen(c, end[0], end[1], end[2]);
              ctx.beginPath(); ctx.moveTo(start[0], start[1]); ctx.lineTo(e[0], e[1]); ctx.stroke();
            });
          }
          function draw() {
            ctx.fillStyle = '#fff';
            ctx.fillRect(0, 0, width, height);
            var view = camera();
            drawCube(view, false);
            var buffer = ctx.getImageData(0, 0, canvas.width, canvas.height);
            var drawn = 0, lit = 0, fade = selected === null ? 0.85 : 0.22, faded = {};
            for (var k = 0; k < n; k++) {
              var i = order[k], label = labels[i];
              if (label === selected) { continue; }
              splat(buffer, faded[label] || (faded[label] = stamp(label, false)), i, fade);
              drawn += 1;
            }
            if (selected !== null) {
              var t = stamp(selected, true);
              for (var m = 0; m < n; m++) {
                var j = order[m];
                if (labels[j] !== selected) { continue; }
                splat(buffer, t, j, 1);
                drawn += 1;
                lit += 1;
              }
            }
            ctx.putImageData(buffer, 0, 0);
            drawCube(view, true);
            root.setAttribute('data-drawn-points', String(drawn));
            root.setAttribute('data-highlighted-points', String(lit));
            root.setAttribute('data-azimuth', az.toFixed(1));
            root.setAttribute('data-elevation', el.toFixed(1));
            if (n > 0) { root.setAttribute('data-point0', sx[0].toFixed(1) + ',' + sy[0].toFixed(1)); }
            return lit;
          }
          function showPoint(i) {
            if (!(i >= 0 && i < n)) { tip.hidden = mark.hidden = true; root.removeAttribute('data-hover'); return; }
            var text = 'point ' + i + ' · ' + (labels[i] < 0 ? 'noise' : 'cluster ' + labels[i]);
            if (truth) { text += ' · label ' + truth[i]; }
            tip.textContent = text;
            tip.hidden = false;
            var scale = canvas.getBoundingClientRect().width / width || 1;
            tip.style.left = (sx[i] * scale + 10) + 'px';
            tip.style.top = (sy[i] * scale - 26) + 'px';
            mark.style.left = (sx[i] * scale) + 'px';
            mark.style.top = (sy[i] * scale) + 'px';
            mark.hidden = false;
            root.setAttribute('data-hover', String(i));
          }
          function nearest(ev) {
            var rect = canvas.getBoundingClientRect(), scale = width / (rect.width || width);
            var px = (ev.clientX - rect.left) * scale, py = (ev.clientY - rect.top) * scale;
            var best = -1, limit = (size + 4) * (size + 4);
            for (var k = n - 1; k >= 0; k--) {
              var i = order[k], dx = sx[i] - px, dy = sy[i] - py, d = dx * dx + dy * dy;
              if (d < limit && (selected === null || labels[i] === selected || best < 0)) { best = i; limit = d; }
            }
            return best;
          }
          function rotate(dAzimuth, dElevation) {
            az += dAzimuth;
            el = Math.max(-90, Math.min(90, el + dElevation));
            project(true);
            draw();
          }
          canvas.addEventListener('pointerdown', function (ev) {
            dragging = { x: ev.clientX, y: ev.clientY };
            canvas.setPointerCapture(ev.pointerId);
            tip.hidden = mark.hidden = true;
          });
          canvas.addEventListener('pointermove', function (ev) {
            if (!dragging) { showPoint(nearest(ev)); return; }
            az -= (ev.clientX - dragging.x) * 0.5;
            el = Math.max(-90, Math.min(90, el + (ev.clientY - dragging.y) * 0.5));
            dragging = { x: ev.clientX, y: ev.clientY };
            if (!pending) {
              pending = true;
              requestAnimationFrame(function () { pending = false; project(false); draw(); });
            }
          });
          canvas.addEventListener('pointerup', function () { dragging = null; project(true); draw(); });
          canvas.addEventListener('pointerleave', function () { if (!dragging) { showPoint(-1); } });

          project(true);
          draw();
          return {
            select: function (k) { selected = k === '' || k === null ? null : Number(k); return draw(); },
            rotate: rotate,
            showPoint: showPoint
          };
        }
        """
}
