import AlmagestCore
import AlmagestLearn

/// The image descriptors the clustering experiment extracts before k-means.
public enum FeatureDescriptor: String, Codable, Sendable, CaseIterable {
    /// Histogram of oriented gradients (Dalal & Triggs, 2005), scikit-image's algorithm.
    case hog
    /// Grey-level histogram of the image quantised to 8 bits (OpenCV's calcHist).
    case histogram
    /// The raw columns, unchanged.
    case none
}

/// How the descriptors are computed: image geometry and the parameters of each descriptor.
public struct FeatureSettings: Codable, Sendable, Equatable {
    /// Image height and width in pixels (rows of the data are images in row-major order).
    public var imageHeight: Int
    public var imageWidth: Int
    /// Largest pixel value (16 for the digits, 255 for 8-bit images).
    public var maxPixelValue: Double
    public var hog: HOG
    public var histogramBins: Int

    /// The seed experiment's settings for 8 x 8 digits: HOG with 9 orientations, 4 x 4 pixels per
    /// cell, 2 x 2 cells per block, L2-Hys (36 values); 256-bin histograms of 8-bit codes.
    public static func digits() throws -> FeatureSettings {
        FeatureSettings(
            imageHeight: 8, imageWidth: 8, maxPixelValue: 16,
            hog: try HOG(orientations: 9, pixelsPerCell: .init(4), cellsPerBlock: .init(2), blockNorm: .l2Hys),
            histogramBins: 256)
    }

    public init(imageHeight: Int, imageWidth: Int, maxPixelValue: Double, hog: HOG, histogramBins: Int) {
        self.imageHeight = imageHeight
        self.imageWidth = imageWidth
        self.maxPixelValue = maxPixelValue
        self.hog = hog
        self.histogramBins = histogramBins
    }

    /// The descriptor's features for every row of `images`.
    public func features(_ descriptor: FeatureDescriptor, of images: Matrix<Double>) throws -> Matrix<Double> {
        switch descriptor {
        case .none:
            return images
        case .hog:
            try checkGeometry(images)
            return try hog.features(of: images, height: imageHeight, width: imageWidth)
        case .histogram:
            try checkGeometry(images)
            let histogram = try GreyHistogram(
                bins: histogramBins, lower: 0, upper: 256, quantisation: .uint8(maxValue: maxPixelValue))
            return try histogram.features(of: images)
        }
    }

    /// Parameters for the run log: these settings flattened (`EstimatorOptions.flatten`: snake_case,
    /// nested keys joined by dots, such as `hog.orientations`), keeping what the descriptor uses.
    public func parameters(for descriptor: FeatureDescriptor) throws -> [String: ParameterValue] {
        let all = try EstimatorOptions.flatten(self)
        let used: (String) -> Bool
        switch descriptor {
        case .none: return [:]
        case .hog: used = { $0.hasPrefix("hog.") || $0.hasPrefix("image_") }
        case .histogram: used = { !$0.hasPrefix("hog.") }
        }
        return all.filter { used($0.key) }
    }

    // MARK: - Private

    private func checkGeometry(_ images: Matrix<Double>) throws {
        guard images.columns == imageHeight * imageWidth else {
            throw FitError.invalidParameter(
                name: "image size", value: "\(imageHeight)x\(imageWidth)",
                expected: "height x width equal to the \(images.columns) columns of the data")
        }
    }
}
