/// The home page's "reload every N seconds" switch, so runs of a sweep appear as they finish
/// without touching the page (the dashboard reads the store's index on every request).
///
/// The switch is `<input type="checkbox" id="auto-refresh" data-seconds="N">`; its state is kept
/// in the browser's local storage, and `#refresh=SECONDS` in the address turns it on with that
/// period. While it is on, the body carries `data-refresh-seconds` (empty when off). Part of the
/// dashboard's shared script (`Assets.javascript`).
///
/// ```swift
/// body += AutoRefreshScript.control(seconds: 10)
/// ```
enum AutoRefreshScript {
    /// The switch's HTML.
    static func control(seconds: Int) -> String {
        "<label class=\"refresh\"><input type=\"checkbox\" id=\"auto-refresh\" data-seconds=\"\(seconds)\"> "
            + "reload every \(seconds) s (new runs appear as they finish)</label>"
    }

    static let css = """
        label.refresh { color: var(--muted); margin-left: 12px; font-size: 13px; }
        """

    static let javascript = """
        (function () {
          'use strict';
          var box = document.getElementById('auto-refresh');
          if (!box) { return; }
          var asked = almagest.hash('refresh'), seconds = Number(asked[0] || box.dataset.seconds || 10), timer = null;
          if (!(seconds >= 1)) { seconds = Number(box.dataset.seconds) || 10; }
          function apply(on) {
            box.checked = on;
            try { localStorage.setItem('almagest-refresh', on ? '1' : '0'); } catch (e) { /* storage refused: this page only */ }
            if (timer) { clearTimeout(timer); timer = null; }
            if (on) { timer = setTimeout(function () { location.reload(); }, seconds * 1000); }
            document.body.setAttribute('data-refresh-seconds', on ? String(seconds) : '');
          }
          var stored = null;
          try { stored = localStorage.getItem('almagest-refresh'); } catch (e) { stored = null; }
          apply(asked.length > 0 || stored === '1');
          box.addEventListener('change', function () { apply(box.checked); });
        })();
        """
}
