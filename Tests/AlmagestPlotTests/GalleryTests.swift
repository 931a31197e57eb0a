import AlmagestCore
import AlmagestPlot
import Foundation
import Testing

/// Renders one figure of every kind to /tmp/almagest-plot/ (SVG and PNG) and checks that each
/// SVG is well-formed and each PNG decodes to the figure's size; the files are there to be looked at.
@Suite struct GalleryTests {
    static let directory = URL(fileURLWithPath: "/tmp/almagest-plot")

    static func blobs(_ n: Int) -> (x: [Double], y: [Double], z: [Double], labels: [Int]) {
        var x: [Double] = [], y: [Double] = [], z: [Double] = [], labels: [Int] = []
        for i in 0..<n {
            let c = i % 5
            let t = Double(i) * 0.7
            x.append(Double(c) * 2 + sin(t * 1.3) * 0.8)
            y.append(Double(c % 3) * 1.5 + cos(t * 0.9) * 0.7)
            z.append(Double(c) * 0.5 + sin(t * 2.1) * 0.6)
            labels.append(c)
        }
        return (x, y, z, labels)
    }

    static var charts: [(String, any Chart)] {
        let b = blobs(200)
        let steps = (0..<300).map { Double($0) }
        let error = steps.map { 0.9 * exp(-$0 / 60) + 0.02 }
        let rank = steps.map { $0 < 80 ? 2.0 : $0 < 180 ? 4.0 + 0.01 * ($0 - 80) / 10 : 7.0 }
        let w = Matrix<Double>(rows: 12, columns: 8) { r, c in sin(Double(r) * 0.5) * cos(Double(c) * 0.7) + 1 }
        let big = Matrix<Double>(rows: 10, columns: 784) { r, c in
            let x = Double(c % 28) - 13.5, y = Double(c / 28) - 13.5
            return max(0, 1 - abs(x * cos(Double(r)) + y * sin(Double(r))) / 4)
        }
        let digits = (0..<10).map { d in
            (0..<784).map { p -> Double in
                let x = Double(p % 28) - 13.5, y = Double(p / 28) - 13.5
                let r = (x * x + y * y).squareRoot()
                return abs(r - 6 - Double(d % 3)) < 1.6 ? 1 : 0
            }
        }
        let truth = (0..<300).map { $0 % 4 }
        let predicted = truth.enumerated().map { i, t in i % 7 == 0 ? (t + 1) % 4 : t }
        let fpr = [0, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 1.0]
        let tprA = [0, 0.4, 0.62, 0.78, 0.88, 0.93, 0.96, 0.99, 1.0]
        let tprB = [0, 0.2, 0.33, 0.5, 0.66, 0.78, 0.86, 0.94, 1.0]
        let sil = b.labels.enumerated().map { i, c in max(-0.3, min(0.95, 0.7 - Double(c) * 0.1 + sin(Double(i)) * 0.3)) }
        return [
            ("scatter", ScatterChart(x: b.x, y: b.y, labels: b.labels, labelNames: [0: "zero", 1: "one"], highlight: 3,
                                     titles: ChartTitles("Clusters (cluster 3 highlighted)", x: "t-SNE 1", y: "t-SNE 2"))),
            ("scatter3d", Scatter3DChart(x: b.x, y: b.y, z: b.z, labels: b.labels, highlight: 1, titles: "3-D projection")),
            ("bars", BarChart(categories: ["HOG", "pixels", "PCA-50", "grey hist"],
                              series: [BarSeries("k-means", values: [0.81, 0.62, 0.7, 0.31]),
                                       BarSeries("GMM", values: [0.78, 0.66, 0.74, 0.28])],
                              titles: ChartTitles("AMI per descriptor", y: "AMI"), showValues: true)),
            ("lines", LineChart(series: [LineSeries("relative error", x: steps, y: error),
                                         LineSeries("effective rank / 10", x: steps, y: rank.map { $0 / 10 }, isDashed: true)],
                                yScale: .logarithmic,
                                intervals: [MarkedInterval(from: 20, to: 80, label: "rank 2"), MarkedInterval(from: 180, to: 299, label: "rank 7")],
                                markers: [VerticalMarker(x: 250, label: "stop")],
                                titles: ChartTitles("Training curves", x: "iteration", y: "value (log)"))),
            ("bars-long-names", BarChart(
                categories: ["HOG (9 orientations, 8x8 cells)", "raw pixels", "PCA, 50 components, whitened", "grey histogram",
                             "t-SNE 2-D", "HOG + PCA"],
                series: [BarSeries("AMI", values: [0.81, 0.62, 0.7, 0.31, 0.88, 0.84])],
                titles: ChartTitles("AMI per descriptor", y: "AMI"))),
            ("confusion-long-names", ConfusionMatrixChart(
                counts: [[40, 3, 1], [2, 35, 9], [0, 4, 44]], classNames: ["T-shirt/top", "Pullover", "Ankle boot"],
                titles: "Fashion")),
            ("heatmap", Heatmap(values: w, annotate: true, titles: ChartTitles("W", x: "component", y: "sample"))),
            ("heatmap-big", Heatmap(values: big, titles: ChartTitles("H (10 x 784)", x: "pixel", y: "component"))),
            ("confusion", try! ConfusionMatrixChart(truth: truth, predicted: predicted, titles: "Confusion matrix")),
            ("confusion-normalised", try! ConfusionMatrixChart(truth: truth, predicted: predicted, normalization: .byTrueClass,
                                                               titles: "Recall per class")),
            ("roc", ROCChart(curves: [ROCCurve("MLP", falsePositiveRates: fpr, truePositiveRates: tprA),
                                      ROCCurve("logistic", falsePositiveRates: fpr, truePositiveRates: tprB)], titles: "ROC")),
            ("silhouette", SilhouettePlot(values: sil, labels: b.labels, titles: "Silhouette, k = 5")),
            ("sankey", SankeyDiagram(left: b.labels, right: b.labels.enumerated().map { i, c in i % 9 == 0 ? (c + 2) % 4 : c % 4 },
                                     rightNames: [0: "class a", 1: "class b", 2: "class c", 3: "class d"],
                                     leftTitle: "k-means", rightTitle: "truth", titles: "Clusters vs classes")),
            ("reconstructions", ReconstructionGrid(
                originals: Array(digits.prefix(3)),
                reconstructions: digits.prefix(3).enumerated().map { k, d in d.enumerated().map { p, v in max(0, v * 0.8 + 0.15 * sin(Double(p + k) * 0.3)) } },
                imageWidth: 28, imageHeight: 28, rowLabels: ["#0", "#1", "#2"], titles: "NMF reconstructions")),
            ("grid", ChartGrid(charts: [
                LineChart(series: [LineSeries("relative error", x: steps, y: error)], yScale: .logarithmic,
                          intervals: [MarkedInterval(from: 20, to: 80)], titles: ChartTitles("Relative error", x: "iteration"),
                          style: ChartStyle(width: 420, height: 300)),
                LineChart(series: [LineSeries("effective rank", x: steps, y: rank)],
                          intervals: [MarkedInterval(from: 20, to: 80)], titles: ChartTitles("Effective rank", x: "iteration"),
                          style: ChartStyle(width: 420, height: 300)),
            ], columns: 2, titles: "Training")),
            ("images", ImageGrid(images: digits, imageWidth: 28, imageHeight: 28, columns: 5,
                                 captions: (0..<10).map { "sig \($0)" }, titles: "Signatures")),
        ]
    }

    @Test func everyChartRendersToWellFormedSVGAndDecodablePNG() throws {
        try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
        for (name, chart) in Self.charts {
            let scene = try chart.scene()
            let svg = scene.svg()
            #expect(XMLCheck.parse(svg) != nil, "\(name) SVG is not well-formed")
            let png = try chart.png()
            let decoded = try DecodedPNG(png)
            #expect(decoded.width == Int((scene.width * 2).rounded(.up)), "\(name) PNG width")
            #expect(decoded.height == Int((scene.height * 2).rounded(.up)), "\(name) PNG height")
            try Data(svg.utf8).write(to: Self.directory.appendingPathComponent(name + ".svg"))
            try png.write(to: Self.directory.appendingPathComponent(name + ".png"))
        }
    }
}
