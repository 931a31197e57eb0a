import AlmagestCore
import Foundation

/// `activation_views.json` of an image-classification run: what the network looks at, as the
/// PNG files the run wrote beside it — for some test images the image and its Grad-CAM overlay
/// with the true and predicted class, the feature maps of every convolution for one test image,
/// and the filters of the first convolution. The dashboard's image page draws these files; the
/// file names are relative to the run directory.
///
/// ```swift
/// let views = try ActivationViewsArtifact.read(from: runDirectory)
/// for example in views.gradCAM { print(example.file, example.trueClass, example.predictedClass) }
/// ```
public struct ActivationViewsArtifact: RunArtifact, Codable, Equatable {
    public static let fileName = "activation_views.json"

    /// One test image with its Grad-CAM map.
    public struct GradCAMExample: Codable, Equatable, Sendable {
        /// The image's path inside the data folder (`class/file.png`).
        public var file: String
        public var trueClass: String
        public var predictedClass: String
        /// The predicted class's probability.
        public var probability: Double
        /// The image as the network saw it (after resizing), grey.
        public var image: String
        /// The image blended with the map (viridis).
        public var overlay: String

        public init(file: String, trueClass: String, predictedClass: String, probability: Double, image: String, overlay: String) {
            (self.file, self.trueClass, self.predictedClass) = (file, trueClass, predictedClass)
            (self.probability, self.image, self.overlay) = (probability, image, overlay)
        }
    }

    /// The feature maps of one convolution.
    public struct FeatureMaps: Codable, Equatable, Sendable {
        /// The convolution's parameter prefix (`features.3`).
        public var layer: String
        /// Channels of the layer and how many the grid shows.
        public var channels: Int, shown: Int
        /// Height and width of each map.
        public var height: Int, width: Int
        /// The grid of maps (each stretched over its own range).
        public var grid: String

        public init(layer: String, channels: Int, shown: Int, height: Int, width: Int, grid: String) {
            (self.layer, self.channels, self.shown, self.height, self.width, self.grid) = (layer, channels, shown, height, width, grid)
        }
    }

    /// The convolution whose Grad-CAM maps are drawn (`features.N`).
    public var gradCAMLayer: String
    public var gradCAM: [GradCAMExample]
    /// The test image whose feature maps are drawn.
    public var featureMapImage: String?
    /// One entry per convolution, input side first.
    public var featureMaps: [FeatureMaps]
    /// The first convolution's filters as a grid (`filters.png`), its layer and filter count.
    public var filters: String?
    public var filterLayer: String?
    public var filterCount: Int

    public init(gradCAMLayer: String, gradCAM: [GradCAMExample], featureMapImage: String?, featureMaps: [FeatureMaps],
                filters: String?, filterLayer: String?, filterCount: Int) {
        (self.gradCAMLayer, self.gradCAM, self.featureMapImage, self.featureMaps) = (gradCAMLayer, gradCAM, featureMapImage, featureMaps)
        (self.filters, self.filterLayer, self.filterCount) = (filters, filterLayer, filterCount)
    }

    /// Every PNG file the artifact names.
    public var files: [String] {
        gradCAM.flatMap { [$0.image, $0.overlay] } + featureMaps.map(\.grid) + (filters.map { [$0] } ?? [])
    }
}
