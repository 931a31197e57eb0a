import AlmagestCore
import AlmagestData
import AlmagestNeural
import Foundation

/// What a trained image classifier needs besides its weights: the network's shape, the class
/// names and how images are prepared (size, grey or RGB, normalisation). Stored as `model.json`
/// in an image-classification run and as the metadata entry `almagest_image_model` of the run's
/// safetensors files, so `almagest predict-images` works from either a run or one file.
///
/// ```swift
/// let (card, net) = try ImageModelCard.load(URL(fileURLWithPath: "runs/images/0001"))
/// let predictions = try card.predict(net, files: urls)      // class probabilities per file
/// ```
public struct ImageModelCard: Codable, Sendable, Equatable {
    public static let metadataKey = "almagest_image_model"

    /// The model's name as given (small, vgg11, ..., vgg19).
    public var model: String
    public var configuration: VGGConfiguration
    public var classes: [String]
    /// The image preparation (size, colour, normalisation); `cacheBytes` does not matter here.
    public var preparation: ImageFolder.Options

    public init(model: String, configuration: VGGConfiguration, classes: [String], preparation: ImageFolder.Options) {
        (self.model, self.configuration, self.classes, self.preparation) = (model, configuration, classes, preparation)
    }

    /// The safetensors metadata that carries this card.
    public func metadata() throws -> [String: String] {
        [Self.metadataKey: String(decoding: try JSONEncoder().encode(self), as: UTF8.self), "classes": classes.joined(separator: ",")]
    }

    /// The card of a safetensors file written by Almagest, nil for another file (e.g. torchvision's).
    public static func card(inSafetensors data: Data) throws -> ImageModelCard? {
        let metadata = try Safetensors.decodeWithMetadata(data, skipping: { _ in true }).metadata
        guard let text = metadata[metadataKey] else { return nil }
        return try JSONDecoder().decode(ImageModelCard.self, from: Data(text.utf8))
    }

    /// The card and the network of a run directory (its `best.safetensors`) or of a safetensors
    /// file written by Almagest. Throws `DataError` when the card is missing.
    public static func load(_ location: URL) throws -> (ImageModelCard, VGG) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: location.path, isDirectory: &isDirectory) else {
            throw DataError.io(path: location.path, reason: "no such run directory or safetensors file")
        }
        let file = isDirectory.boolValue ? location.appendingPathComponent("best.safetensors") : location
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw DataError.io(path: file.path, reason: "cannot read the weights (\(error.localizedDescription))")
        }
        guard let card = try card(inSafetensors: data) else {
            throw DataError.malformed(source: file.path, reason: "no \(metadataKey) metadata: not an image model written by almagest train-images")
        }
        let net = try VGG(card.configuration, seed: 0)
        try net.loadWeights(data: data)
        net.setTraining(false)
        return (card, net)
    }

    /// Class probabilities of each file (softmax of the logits), in batches of 32.
    public func predict(_ net: VGG, files: [URL]) throws -> [[Double]] {
        net.setTraining(false)
        let images = try ImageDecoder.readAll(files)
        var out: [[Double]] = []
        var start = 0
        while start < images.count {
            let part = Array(images[start..<min(start + 32, images.count)])
            start += 32
            let prepared = try part.map { try ImageFolder.prepared($0, options: preparation) }
            out += try probabilities(net, prepared)
        }
        return out
    }

    /// Class probabilities of prepared images.
    func probabilities(_ net: VGG, _ images: [Image]) throws -> [[Double]] {
        guard let first = images.first else { return [] }
        let values = images.flatMap { ImageFolder.planar($0, options: preparation) }
        let x = try Tensor(shape: [images.count, first.channels, first.height, first.width], values: values)
        let p = try Tensor.withoutGradient { try net(x).softmax(axis: 1) }
        let k = classes.count
        return (0..<images.count).map { n in (0..<k).map { Double(p.data[n * k + $0]) } }
    }
}
