import AlmagestTracking
import Foundation

/// The page of an image-classification run (`almagest train-images`; any run that wrote
/// `activation_views.json`): everything the classification page shows — headline scores,
/// confusion matrix (counts or recall), training curves, per-class precision, recall and F1 —
/// plus what the network looks at, from `ActivationViewsArtifact`: the test images beside their
/// Grad-CAM overlays with true and predicted class (all, or only the misclassified ones:
/// `#gradcam=wrong`), the feature maps of the convolution chosen on the page (`#layer=features.N`),
/// the first convolution's filters as a grid, the one-vs-rest ROC curves per class, the
/// misclassified test images and a few augmented training images.
///
/// The figures are the PNG and SVG files of the run, served as they are. The page's script marks
/// its root with `data-images-loaded` and `data-images-broken` once the window has loaded (what the
/// browser tests read). Cost: the classification page's, plus O(images) markup.
///
/// ```swift
/// var pages = RunPageRegistry.standard     // holds it already, before the classification page
/// ```
public struct ImageClassificationRunPage: RunPage {
    public let name = "images"

    public init() {}

    public var assets: PageAssets { PageAssets(css: Self.css, javascript: Self.javascript) }

    public func canRender(_ run: RunRecord) -> Bool {
        run.artifacts.contains(ActivationViewsArtifact.fileName) && run.artifacts.contains(ConfusionArtifact.fileName)
    }

    public func render(_ run: RunArtifacts, context: PageContext) throws -> PageContent {
        let r = run.record
        let views = try run.artifact(ActivationViewsArtifact.self)
        var figures = ""
        if run.has("roc_per_class.svg") {
            figures += GenericRunPage.artifactFigure(r, "roc_per_class.svg", caption: "ROC curve of each class against the others (test part)")
        }
        var sections = "<div class=\"image-page\" data-gradcam=\"\(views.gradCAM.count)\" data-layers=\"\(views.featureMaps.count)\">"
        sections += "<h2>What the network looks at</h2>"
        if !views.gradCAM.isEmpty { sections += gradCAMGallery(views, record: r) }
        if !views.featureMaps.isEmpty { sections += featureMaps(views, record: r) }
        sections += "<section class=\"figures\">"
        if let filters = views.filters {
            sections += GenericRunPage.artifactFigure(r, filters, caption: "the \(views.filterCount) filters of \(views.filterLayer ?? "the first convolution") "
                + "(red, green, blue weights; grey is zero)")
        }
        if run.has("misclassified.png") {
            sections += GenericRunPage.artifactFigure(r, "misclassified.png", caption: "misclassified test images, true > predicted (misclassified.csv)")
        }
        if run.has("augmentation.png") {
            sections += GenericRunPage.artifactFigure(r, "augmentation.png", caption: "one training image under the run's augmentation")
        }
        sections += "</section></div>"
        return try ClassificationRunPage().render(run, context: context, kind: name, extras: (figures: figures, sections: sections))
    }

    // MARK: - Private

    /// Test images and their Grad-CAM overlays, as two views: all of them and the misclassified ones.
    private func gradCAMGallery(_ views: ActivationViewsArtifact, record r: RunRecord) -> String {
        func cards(_ examples: [ActivationViewsArtifact.GradCAMExample]) -> String {
            guard !examples.isEmpty else { return "<p class=\"missing\">every image drawn here was classified correctly.</p>" }
            return "<div class=\"gradcam-gallery\">" + examples.map { e in
                let correct = e.trueClass == e.predictedClass
                return "<figure class=\"gradcam-example \(correct ? "correct" : "wrong")\" data-true=\"\(HTML.escape(e.trueClass))\" "
                    + "data-predicted=\"\(HTML.escape(e.predictedClass))\">"
                    + "<img src=\"\(GenericRunPage.fileURL(r, e.image))\" alt=\"\(HTML.escape(e.file))\">"
                    + "<img src=\"\(GenericRunPage.fileURL(r, e.overlay))\" alt=\"Grad-CAM of \(HTML.escape(e.file))\">"
                    + "<figcaption><span class=\"file\">\(HTML.escape(e.file))</span><br>true <b>\(HTML.escape(e.trueClass))</b> · "
                    + "predicted <b>\(HTML.escape(e.predictedClass))</b> (\(HTML.number(e.probability)))</figcaption></figure>"
            }.joined() + "</div>"
        }
        let wrong = views.gradCAM.filter { $0.trueClass != $0.predictedClass }
        let switcher = HTML.switcher(id: "gradcam", key: "gradcam", views: [
            (value: "all", label: "all \(views.gradCAM.count)", html: cards(views.gradCAM)),
            (value: "wrong", label: "misclassified (\(wrong.count))", html: cards(wrong)),
        ])
        return "<section class=\"gradcam\"><h3>Grad-CAM of \(HTML.escape(views.gradCAMLayer)) for the predicted class</h3>"
            + "<p class=\"hint\">each test image beside its map (yellow: the regions that raise the predicted class's score most)</p>"
            + switcher + "</section>"
    }

    /// The feature maps of each convolution, one shown at a time.
    private func featureMaps(_ views: ActivationViewsArtifact, record r: RunRecord) -> String {
        let switcher = HTML.switcher(id: "feature-maps", key: "layer", views: views.featureMaps.map { m in
            (value: m.layer, label: m.layer,
             html: "<img class=\"artifact-figure\" src=\"\(GenericRunPage.fileURL(r, m.grid))\" alt=\"feature maps of \(HTML.escape(m.layer))\">"
                + "<p class=\"hint\">\(m.shown) of \(m.channels) channels, \(m.height) x \(m.width), each stretched over its own range</p>")
        })
        return "<section class=\"feature-maps\"><h3>Feature maps of \(HTML.escape(views.featureMapImage ?? "a test image"))</h3>"
            + switcher + "</section>"
    }

    private static let css = """
        .image-page .gradcam-gallery { display: flex; flex-wrap: wrap; gap: 10px; }
        .image-page figure.gradcam-example { margin: 0; padding: 6px; background: #fff; border: 1px solid var(--line); }
        .image-page figure.gradcam-example.wrong { border-color: #cf222e; }
        .image-page figure.gradcam-example img { width: 128px; height: 128px; image-rendering: pixelated; margin-right: 4px; }
        .image-page figure.gradcam-example figcaption { font-size: 12px; max-width: 264px; }
        .image-page img.artifact-figure { max-width: 100%; height: auto; }
        """

    private static let javascript = """
        var root = document.querySelector('.image-page');
        if (!root) { return; }
        almagest.switcher(root.querySelector('#gradcam'), 'gradcam');
        almagest.switcher(root.querySelector('#feature-maps'), 'layer');
        function count() {
          var images = Array.prototype.slice.call(document.querySelectorAll('main img'));
          var loaded = images.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
          root.setAttribute('data-images-loaded', String(loaded));
          root.setAttribute('data-images-broken', String(images.length - loaded));
        }
        if (document.readyState === 'complete') { count(); } else { window.addEventListener('load', count); }
        """
}
