import AlmagestDashboard
import AlmagestPlot
import AlmagestTracking
import Foundation
import Testing

/// The image-classification page on a real `train-images` run of the pipeline fixture: the
/// classification parts, every Grad-CAM example with its image and overlay, the misclassified
/// view, one feature-map view per convolution, and the files it points to served as PNG.
@Suite struct ImageClassificationRunPageTests {
    @Test func pageShowsGradCAMFeatureMapsAndTheClassificationParts() throws {
        let f = try PipelineFixture.get()
        let id = f.imagesID
        let record = try #require(try f.store.index.run(id: id))
        #expect(RunPageRegistry.standard.page(for: record).name == "images")
        let binary = try #require(try f.store.index.run(id: f.binaryID))
        #expect(RunPageRegistry.standard.page(for: binary).name == "classification")

        let views = try f.json(id, ActivationViewsArtifact.fileName, as: ActivationViewsArtifact.self)
        #expect(views.gradCAM.count == 6)
        // One feature-map grid per convolution of the small net, input side first.
        let layers = views.featureMaps.map(\.layer)
        #expect(layers.count >= 2 && layers == layers.sorted { Int($0.dropFirst(9))! < Int($1.dropFirst(9))! })
        #expect(views.gradCAMLayer == layers.last)

        // The examples agree with predictions.csv (same files, same classes).
        let predictions = try String(decoding: f.file(id, "predictions.csv"), as: UTF8.self)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        for (e, row) in zip(views.gradCAM, predictions) {
            #expect([e.file, e.trueClass, e.predictedClass] == Array(row.prefix(3)))
        }

        let (status, html) = f.page("/run/\(id)")
        #expect(status == 200)
        #expect(html.contains("data-page-kind=\"images\"") && html.contains("id=\"per-class\"") && html.contains("id=\"confusion\""))
        #expect(html.contains("id=\"training-curve\""))
        let wrong = views.gradCAM.filter { $0.trueClass != $0.predictedClass }.count
        #expect(count("class=\"gradcam-example ", in: html) == views.gradCAM.count + wrong)
        #expect(count("class=\"gradcam-example wrong\"", in: html) == 2 * wrong)
        #expect(count("<div data-view=\"features\\.[0-9]+\"", in: html) == layers.count)

        // Every file the page shows is served, as a PNG of the size the artifact says.
        for file in views.files {
            #expect(html.contains("/files/\(record.directory)/\(file)"), "\(file) not on the page")
            let served = f.site.respond(path: "/files/\(record.directory)/\(file)", query: nil)
            #expect(served.status == 200 && served.body.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(file)")
        }
        let first = try #require(views.featureMaps.first)
        let grid = try PNGPixels(try f.file(id, first.grid))
        #expect(grid.width > first.width && grid.height > first.height)

        // The overlay is the image blended with the map: different pixels, same size.
        let image = try PNGPixels(try f.file(id, views.gradCAM[0].image))
        let overlay = try PNGPixels(try f.file(id, views.gradCAM[0].overlay))
        #expect(image.width == 16 && image.height == 16 && overlay.width == 16 && overlay.height == 16)
        #expect(image.rgba != overlay.rgba)
    }
}
