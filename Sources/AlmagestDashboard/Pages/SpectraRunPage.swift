import AlmagestPlot
import AlmagestTracking
import Foundation

/// The page of a clustering run on spectra (GEMINI, FisherEM, k-means, ... on galaxy spectra):
/// everything the clustering page shows — clusters asked and found, the clusterer's score and
/// iterations, its training curve (GEMINI's score per epoch), the 3-D projection, the
/// per-cluster silhouette plot, the contingency with the true classes, and the Sankey diagram and
/// contingency against another run chosen on the page (`?against=ID`, e.g. FisherEM against
/// GEMINI) — plus, from `cluster_spectra.json` (`ClusterSpectraArtifact`), the mean spectrum of
/// every cluster over wavelength, and in the side panel the selected cluster's mean spectrum with
/// its spread (± one standard deviation) and its typical member spectra.
///
/// It claims runs that wrote `cluster_spectra.json`, before the clustering page. Cost: O(k p)
/// for k clusters of p wavelengths, plus the clustering page's.
///
/// ```swift
/// var pages = RunPageRegistry.standard     // holds it already
/// ```
public struct SpectraRunPage: RunPage {
    public let name = "spectra"

    public init() {}

    public var assets: PageAssets { PageAssets(css: Self.css) }

    public func canRender(_ run: RunRecord) -> Bool {
        run.artifacts.contains(ClusterSpectraArtifact.fileName)
    }

    public func render(_ run: RunArtifacts, context: PageContext) throws -> PageContent {
        let spectra = try run.artifact(ClusterSpectraArtifact.self)
        let selected = context.query["cluster"].flatMap(Int.init) ?? spectra.clusters.first?.label
        var side = "<h2>Spectra of the cluster</h2><div id=\"cluster-spectra-members\">"
        for c in spectra.clusters {
            let chart = run.memo(ClusterSpectraArtifact.fileName, "cluster-\(c.label)") {
                (try? spectra.clusterChart(label: c.label)?.svg()) ?? "<p class=\"missing\">cluster \(c.label) cannot be drawn</p>"
            }
            side += "<div class=\"examples spectra\" data-cluster=\"\(c.label)\" data-count=\"\(c.members.count)\""
            side += "\(c.label == selected ? "" : " hidden")>\(chart)<p class=\"hint\">mean ± one standard deviation of its \(c.size) "
            side += "spectra; dashed: the \(c.members.count) nearest the mean (rows \(c.members.map { String($0.row) }.joined(separator: ", ")))</p></div>"
        }
        side += "</div>"
        let figure = run.memo(ClusterSpectraArtifact.fileName, "means") {
            HTML.figure(
                spectra.meansChart(),
                caption: "mean spectrum of each cluster over \(spectra.wavelengths.count) wavelengths (cluster_spectra.json)",
                id: "cluster-spectra")
        }
        return try ClusteringRunPage().render(run, context: context, kind: name, panels: (side: side, figures: figure))
    }
    private static let css = """
        .cluster-page[data-page-kind="spectra"] .side { max-width: 800px; }
        .examples.spectra svg { max-width: 100%; height: auto; }
        """
}
