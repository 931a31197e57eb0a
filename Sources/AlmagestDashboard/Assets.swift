/// The dashboard's shared stylesheet and script, served from the binary (no CDN, no external
/// files); each `RunPage` appends its own through `PageAssets`.
///
/// The shared script defines `almagest.report(message)`, which records an error into
/// `#js-errors` (so tests and users see it), and routes uncaught errors there; and the pieces the
/// run pages share:
/// - `almagest.hash(key)`: the values of `key` in the address's `#a=1&b=2` part (decoded);
/// - `almagest.switcher(root, key)`: shows the one child `[data-view=V]` of `root` chosen by its
///   radio buttons `name=key` (or by `#key=V`), marking `root` with `data-view`;
/// - `almagest.curves(root)`: makes every `LineChart` SVG below `root` interactive (`CurveScript`);
/// - `almagest.page(selector, {id: key})`: the usual start of a run page's script — nothing when
///   `selector` matches no element, else a switcher per `id: key` pair and interactive curves
///   (their count in the root's `data-curves`); returns the root or null.
/// It also runs the home page's automatic-reload switch (`AutoRefreshScript`).
///
/// ```swift
/// PageAssets(javascript: "var page = almagest.page('.my-page', { 'loss-curve': 'scale' }); if (!page) { return; }")
/// ```
enum Assets {
    static let css = """
        :root { --ink: #1f2328; --muted: #656d76; --line: #d0d7de; --accent: #0969da; --best: #fff3b0; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "DejaVu Sans", sans-serif; color: var(--ink); background: #f6f8fa; }
        header.top { display: flex; gap: 16px; align-items: baseline; padding: 10px 20px; background: #24292f; color: #fff; }
        header.top a.brand { color: #fff; font-weight: 600; text-decoration: none; }
        header.top .title { color: #c9d1d9; }
        main { padding: 16px 20px; max-width: 1500px; }
        h1 { font-size: 20px; margin: 4px 0; } h2 { font-size: 16px; margin: 16px 0 6px; }
        a { color: var(--accent); }
        div.scroll { overflow-x: auto; max-width: 100%; }
        table.data { border-collapse: collapse; background: #fff; border: 1px solid var(--line); font-variant-numeric: tabular-nums; }
        table.data th, table.data td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
        table.data th { background: #eaeef2; position: sticky; top: 0; }
        table.data td.best { background: var(--best); font-weight: 700; }
        table.data tbody tr:hover { background: #f0f6ff; }
        .status.finished { color: #1a7f37; } .status.failed { color: #cf222e; } .status.running { color: #9a6700; }
        form.filters { display: flex; flex-wrap: wrap; gap: 8px; margin: 6px 0 10px; }
        input, select, button { font: inherit; padding: 3px 6px; }
        .meta, .hint, .count { color: var(--muted); }
        .error { color: #cf222e; font-weight: 600; }
        .tables { display: flex; flex-wrap: wrap; gap: 20px; align-items: flex-start; }
        aside.side { flex: 0 0 270px; background: #fff; border: 1px solid var(--line); padding: 10px; position: sticky; top: 8px; }
        aside.side select { width: 100%; }
        .figures { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
        figure.chart { margin: 0; background: #fff; border: 1px solid var(--line); padding: 6px; }
        figure.chart svg { display: block; max-width: 100%; height: auto; }
        figcaption { color: var(--muted); font-size: 12px; }
        nav.pager { display: flex; gap: 16px; margin: 10px 0; }
        ul.artifacts { margin: 0; padding-left: 18px; }
        dl.headline { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; }
        dl.headline > div { background: #fff; border: 1px solid var(--line); padding: 6px 12px; min-width: 120px; }
        dl.headline dt { color: var(--muted); font-size: 12px; } dl.headline dd { margin: 0; font-size: 20px; font-weight: 600; }
        .switcher { background: #fff; border: 1px solid var(--line); padding: 6px; }
        .switcher figure.chart { border: 0; padding: 0; }
        .switch { display: flex; gap: 12px; margin: 4px 0; color: var(--muted); }
        \(CurveScript.css)
        \(AutoRefreshScript.css)
        """

    static let javascript = """
        var almagest = (function () {
          'use strict';
          var errors = document.getElementById('js-errors');
          function report(message) {
            if (!errors) { return; }
            errors.hidden = false;
            errors.textContent += message + '\\n';
            errors.dataset.count = String(Number(errors.dataset.count || '0') + 1);
          }
          window.addEventListener('error', function (e) { report('error: ' + e.message); });
          window.addEventListener('unhandledrejection', function (e) { report('rejection: ' + e.reason); });
          function hash(key) {
            return location.hash.replace(/^#/, '').split('&').map(function (part) {
              var kv = part.split('=');
              return kv.length === 2 && decodeURIComponent(kv[0]) === key ? decodeURIComponent(kv[1]) : null;
            }).filter(function (v) { return v !== null; });
          }
          function switcher(root, key) {
            if (!root) { return; }
            var inputs = root.querySelectorAll('input[name="' + key + '"]');
            function choose(value) {
              var views = root.querySelectorAll('[data-view]');
              if (!Array.prototype.some.call(views, function (v) { return v.dataset.view === value; })) { return; }
              views.forEach(function (v) { v.hidden = v.dataset.view !== value; });
              inputs.forEach(function (i) { i.checked = i.value === value; });
              root.setAttribute('data-shown', value);
            }
            inputs.forEach(function (i) { i.addEventListener('change', function () { choose(i.value); }); });
            function fromHash() { hash(key).forEach(choose); }
            fromHash();
            window.addEventListener('hashchange', fromHash);
          }
          function page(selector, switches) {
            var root = document.querySelector(selector);
            if (!root) { return null; }
            Object.keys(switches || {}).forEach(function (id) { switcher(root.querySelector('#' + id), switches[id]); });
            root.setAttribute('data-curves', String(almagest.curves(root)));
            return root;
          }
          return { report: report, hash: hash, switcher: switcher, page: page };
        })();
        \(CurveScript.javascript)
        \(AutoRefreshScript.javascript)
        """
}
