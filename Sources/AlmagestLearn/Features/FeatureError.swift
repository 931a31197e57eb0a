/// Errors of the image feature extractors (HOG, grey histograms) whose cause is the image itself
/// rather than a configuration value (those throw `FitError.invalidParameter`) or a NaN (those
/// throw `FitError.nonFinite`).
///
/// ```swift
/// do { _ = try HOG().features(of: pixels, height: 8, width: 9) }
/// catch let error as FeatureError { print(error) }   // "an image of 8 x 9 pixels needs 72 values, got 64"
/// ```
public enum FeatureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The number of pixel values is not `height * width`.
    case pixelCountMismatch(height: Int, width: Int, got: Int)
    /// The image has fewer pixels than the method needs (e.g. less than one HOG block).
    case imageTooSmall(method: String, height: Int, width: Int, needed: String)
    /// A pixel value outside the range the method accepts.
    case pixelOutOfRange(image: Int, pixel: Int, value: Double, expected: String)

    public var description: String {
        switch self {
        case let .pixelCountMismatch(height, width, got):
            return "an image of \(height) x \(width) pixels needs \(height * width) values, got \(got)"
        case let .imageTooSmall(method, height, width, needed):
            return "\(method): the image of \(height) x \(width) pixels is too small; expected \(needed)"
        case let .pixelOutOfRange(image, pixel, value, expected):
            return "pixel \(pixel) of image \(image) has the value \(value); expected \(expected)"
        }
    }
}
