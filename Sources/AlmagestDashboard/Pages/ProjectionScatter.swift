import AlmagestCore
import AlmagestPlot
import AlmagestTracking
import Foundation

/// The 3-D scatter of a clustering run's `projection.csv` (columns `x`, `y`, `z`, optionally
/// `cluster` and `true_label`) as the dashboard sends it: the points travel as compact binary
/// (base64 of little-endian integers: the coordinates normalised into the cube [-1, 1]³ around the
/// data centre and stored as Int16 multiples of 1/32767 — 3e-5 of the half range, far below a
/// pixel — and the cluster and true labels as Int8, Int16 or Int32, the narrowest that holds
/// them; each block names its type in `data-type`), and the clustering page's script draws them on a
/// canvas — depth-sorted, coloured by cluster with the palette of the SVG charts, the selected
/// cluster on top — rotates them when dragged and names the point under the pointer.
///
/// Drawing in the browser keeps a 50,000-point page at 0.69 MB (as SVG it was 13.5 MB) and its
/// first view cheap for the server: one pass over the points, no depth sort, no SVG text. The
/// same figure as a file is `Scatter3DChart` (SVG/PNG), which the CLI writes.
/// Cost: O(n) for n points.
///
/// ```swift
/// let html = ProjectionScatter(try run.table("projection.csv")).html()
/// ```
struct ProjectionScatter {
    let table: ArtifactTable
    /// The clusters (and true labels) to use when `projection.csv` has no such column, e.g. from
    /// `labels.csv`; used only when they have one entry per point.
    var clusters: [Int]?
    var truth: [Int]?
    var title = "PCA projection, coloured by cluster"
    var axisNames = ("PC1", "PC2", "PC3")
    /// Points drawn at most; a larger projection is drawn from a stratified sample.
    var maxPoints = 100_000

    init(_ table: ArtifactTable, clusters: [Int]? = nil, truth: [Int]? = nil) {
        self.table = table
        self.clusters = clusters
        self.truth = truth
    }

    /// The figure: canvas, legend, tooltip, data blocks; or a message naming what is wrong with
    /// the artifact.
    func html() -> String {
        let axes = ProjectionArtifact.axes
        guard let allX = table.column(axes[0]), let allY = table.column(axes[1]), let allZ = table.column(axes[2]) else {
            return "<p class=\"missing\">projection.csv has no x, y, z columns (it has: \(HTML.escape(table.names.joined(separator: ", "))).</p>"
        }
        if let bad = (0..<allX.count).first(where: { !(allX[$0].isFinite && allY[$0].isFinite && allZ[$0].isFinite) }) {
            return "<p class=\"missing\">projection.csv row \(bad + 1) has a missing or non-finite coordinate; the scatter is not drawn.</p>"
        }
        let allClusters = table.integers("cluster") ?? self.clusters.flatMap { $0.count == allX.count ? $0 : nil }
            ?? [Int](repeating: 0, count: allX.count)
        let allTruth = table.integers("true_label") ?? self.truth.flatMap { $0.count == allX.count ? $0 : nil }
        let sizes = Dictionary(allClusters.map { ($0, 1) }, uniquingKeysWith: +)
        // Past `maxPoints`, a seeded sample stratified by cluster (every point stays in projection.csv).
        let total = allX.count
        let shown = total > maxPoints ? StratifiedSample.rows(labels: allClusters, size: maxPoints, seed: 0) : nil
        let pick: ([Double]) -> [Double] = { values in shown.map { $0.map { values[$0] } } ?? values }
        let (x, y, z) = (pick(allX), pick(allY), pick(allZ))
        let clusters = shown.map { $0.map { allClusters[$0] } } ?? allClusters
        let truth = allTruth.map { all in shown.map { $0.map { all[$0] } } ?? all }

        let colors = Self.colors(for: clusters)
        var out = "<figure class=\"chart\" id=\"scatter\"><div class=\"scatter-title\">\(HTML.escape(title))</div>"
        out += "<div class=\"scatter3d\" data-points=\"\(x.count)\" data-total=\"\(total)\" data-azimuth=\"35\" data-elevation=\"25\""
        out += " data-axis-x=\"\(HTML.escape(axisNames.0))\" data-axis-y=\"\(HTML.escape(axisNames.1))\" data-axis-z=\"\(HTML.escape(axisNames.2))\""
        let colorJSON = "{" + colors.map { "\"\($0.label)\":\"\($0.color.hexString)\"" }.joined(separator: ",") + "}"
        out += " data-colors=\"\(HTML.escape(colorJSON))\">"
        out += "<canvas width=\"640\" height=\"540\" role=\"img\" aria-label=\"3-D scatter of \(x.count) points\"></canvas>"
        out += "<div class=\"scatter-mark\" hidden></div><div class=\"scatter-tip\" hidden></div></div>"
        if colors.count > 1 && colors.count <= 40 {
            out += "<ul class=\"scatter-legend\">"
            for (label, color) in colors {
                out += "<li><button type=\"button\" data-label=\"\(label)\"><span class=\"swatch\" style=\"background:\(color.hexString)\"></span>"
                out += "\(label < 0 ? "noise" : "cluster \(label)") <span class=\"count\">\(sizes[label] ?? 0)</span></button></li>"
            }
            out += "</ul>"
        }
        out += Self.dataBlock("xyz", type: "int16", Self.normalised(x, y, z))
        out += Self.labelBlock("labels", clusters)
        if let truth { out += Self.labelBlock("truth", truth) }
        out += "<noscript><p class=\"missing\">The scatter is drawn by the page's script; the points are in projection.csv.</p></noscript>"
        let count = shown == nil ? "\(total) points" : "a seeded sample of \(x.count) of \(total) points, stratified by cluster"
        out += "<figcaption>\(count); drag to rotate, hover a point for its cluster and label, click a legend entry to highlight a cluster</figcaption></figure>"
        return out
    }

    // MARK: - Private

    /// Each distinct label with its colour: the palette colour of its rank among the non-negative
    /// labels (as the SVG charts colour them), grey for negative labels (noise).
    private static func colors(for labels: [Int]) -> [(label: Int, color: Color)] {
        let distinct = Array(Set(labels)).sorted()
        var rank = 0
        return distinct.map { label in
            guard label >= 0 else { return (label, Palette.categorical.color(at: -1)) }
            defer { rank += 1 }
            return (label, Palette.categorical.color(at: rank))
        }
    }

    /// x, y, z interleaved, centred on the middle of their ranges, divided by the largest half
    /// range (proportions kept) and scaled to -32767...32767.
    private static func normalised(_ x: [Double], _ y: [Double], _ z: [Double]) -> [Int16] {
        let axes = [x, y, z]
        let lows = axes.map { $0.min() ?? 0 }, highs = axes.map { $0.max() ?? 0 }
        let centre = (0..<3).map { (lows[$0] + highs[$0]) / 2 }
        let half = max((0..<3).map { (highs[$0] - lows[$0]) / 2 }.max() ?? 1, 1e-12)
        let scale = 32767 / half
        var out = [Int16](repeating: 0, count: 3 * x.count)
        for i in x.indices {
            out[3 * i] = Int16(clamping: Int(((x[i] - centre[0]) * scale).rounded()))
            out[3 * i + 1] = Int16(clamping: Int(((y[i] - centre[1]) * scale).rounded()))
            out[3 * i + 2] = Int16(clamping: Int(((z[i] - centre[2]) * scale).rounded()))
        }
        return out
    }

    /// Integer labels in the narrowest of Int8, Int16, Int32 that holds them all.
    private static func labelBlock(_ name: String, _ labels: [Int]) -> String {
        let low = labels.min() ?? 0, high = labels.max() ?? 0
        if low >= Int(Int8.min) && high <= Int(Int8.max) { return dataBlock(name, type: "int8", labels.map { Int8($0) }) }
        if low >= Int(Int16.min) && high <= Int(Int16.max) { return dataBlock(name, type: "int16", labels.map { Int16($0) }) }
        return dataBlock(name, type: "int32", labels.map { Int32(clamping: $0) })
    }

    /// A non-executed `<script>` data block holding `values` as base64 of their little-endian bytes.
    private static func dataBlock<T: FixedWidthInteger>(_ name: String, type: String, _ values: [T]) -> String {
        let base64 = values.map { $0.littleEndian }.withUnsafeBytes { Data($0).base64EncodedString() }
        return "<script type=\"application/octet-stream\" class=\"scatter-data\" data-name=\"\(name)\" data-type=\"\(type)\">\(base64)</script>"
    }
}
