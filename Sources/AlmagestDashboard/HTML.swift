import AlmagestPlot
import AlmagestTracking
import Foundation

/// HTML building blocks of the dashboard: escaping, the page frame, tables, inline SVG.
///
/// Every string that comes from a user or a run (ids, names, parameters, file names, query
/// values) goes through `HTML.escape` (the same escaping the SVG writer uses: `& < > " '`, and
/// characters XML forbids are dropped), so a run named `<script>` is shown, never executed.
///
/// ```swift
/// let body = "<h1>\(HTML.escape(run.experiment))</h1>"
/// let page = HTML.page(title: "Runs", body: body)
/// ```
public enum HTML {
    /// Escapes text for HTML text and attribute values.
    public static func escape(_ text: String) -> String { SVGFormat.escape(text) }

    /// A complete page: head with the dashboard's stylesheet, the navigation bar, `body`, the
    /// element scripts report errors into, and the dashboard's script.
    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)) · Almagest</title>
        <link rel="stylesheet" href="/assets/dashboard.css">
        </head><body>
        <header class="top"><a class="brand" href="/">Almagest runs</a><span class="title">\(escape(title))</span></header>
        <main>
        \(body)
        </main>
        <pre id="js-errors" data-count="0" hidden></pre>
        <script src="/assets/dashboard.js"></script>
        </body></html>
        """
    }

    /// A table; `cells` are already HTML (escape text before passing it). `classes` gives each
    /// cell's class attribute (same shape as `cells`, "" for none).
    static func table(
        header: [String], rows: [[String]], classes: [[String]]? = nil, id: String? = nil
    ) -> String {
        var out = "<div class=\"scroll\"><table class=\"data\"\(id.map { " id=\"\(escape($0))\"" } ?? "")><thead><tr>"
        for h in header { out += "<th>\(h)</th>" }
        out += "</tr></thead><tbody>"
        for (r, row) in rows.enumerated() {
            out += "<tr>"
            for (c, cell) in row.enumerated() {
                let cls = classes?[r][c] ?? ""
                out += cls.isEmpty ? "<td>\(cell)</td>" : "<td class=\"\(cls)\">\(cell)</td>"
            }
            out += "</tr>"
        }
        return out + "</tbody></table></div>"
    }

    /// A chart's SVG inside a figure, or the chart's error as a message (a bad artifact never
    /// breaks the whole page).
    static func figure(_ chart: any Chart, caption: String, id: String? = nil) -> String {
        let idAttribute = id.map { " id=\"\(escape($0))\"" } ?? ""
        do {
            return "<figure class=\"chart\"\(idAttribute)>\(try chart.svg())<figcaption>\(escape(caption))</figcaption></figure>"
        } catch {
            return "<figure class=\"chart missing\"\(idAttribute)><p>\(escape(caption)): \(escape("\(error)"))</p></figure>"
        }
    }

    /// Headline figures as a row of cards, `<dl class="headline">`, one `<div data-metric="KEY">`
    /// per item with its label (`<dt>`, escaped here) and value (`<dd>`, already HTML).
    static func headline(_ items: [(key: String, label: String, value: String)], id: String) -> String {
        guard !items.isEmpty else { return "" }
        let cards = items.map { "<div data-metric=\"\(escape($0.key))\"><dt>\(escape($0.label))</dt><dd>\($0.value)</dd></div>" }
        return "<dl class=\"headline\" id=\"\(escape(id))\">\(cards.joined())</dl>"
    }

    /// Alternative views of one figure with radio buttons `name=key` to choose between them: the
    /// first view shows, the others are hidden until the shared script's `almagest.switcher(root,
    /// key)` (or `#key=VALUE` in the address) shows them. `views` hold a value, a label (escaped
    /// here) and their HTML.
    static func switcher(id: String, key: String, views: [(value: String, label: String, html: String)]) -> String {
        var out = "<div class=\"switcher\" id=\"\(escape(id))\" data-shown=\"\(escape(views.first?.value ?? ""))\">"
        out += "<div class=\"switch\">"
        for (k, v) in views.enumerated() {
            out += "<label><input type=\"radio\" name=\"\(escape(key))\" value=\"\(escape(v.value))\"\(k == 0 ? " checked" : "")> "
                + "\(escape(v.label))</label>"
        }
        out += "</div>"
        for (k, v) in views.enumerated() {
            out += "<div data-view=\"\(escape(v.value))\"\(k == 0 ? "" : " hidden")>\(v.html)</div>"
        }
        return out + "</div>"
    }

    /// A metric value for a table cell.
    static func number(_ value: Double?) -> String {
        guard let value else { return "—" }
        if value.rounded() == value && abs(value) < 1e9 { return String(Int(value)) }
        return abs(value) >= 1000 ? String(format: "%.2f", value) : String(format: "%.4f", value)
    }

    /// A link to a run's page.
    static func runLink(_ id: String, text: String? = nil) -> String {
        "<a href=\"/run/\(escape(Query.encode(id)))\">\(escape(text ?? id))</a>"
    }

    /// A UTC date for tables.
    static func date(_ date: Date) -> String {
        UTCTimestamp.readable(date)
    }
}
