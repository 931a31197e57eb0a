/// A dense n-dimensional Float array whose first axis is the sample axis: the input of estimators
/// over tensors, such as a convolutional network over images `[N, C, H, W]`. Row-major, contiguous.
///
/// It is the `Input` of such estimators (`Classifier<SampleArray>`), so splits, cross-validation
/// and the registry treat a batch of images as they treat the rows of a matrix.
///
/// ```swift
/// let images = try SampleArray(shape: [2, 1, 8, 8], values: pixels)   // two 8 x 8 grey images
/// let first = images.samples(at: [0])                                   // shape [1, 1, 8, 8]
/// ```
public struct SampleArray: EstimatorInput, Codable, Equatable {
    /// The extent of each axis; `shape[0]` is the number of samples.
    public let shape: [Int]
    /// The values in row-major order.
    public let values: [Float]

    /// Throws `ShapeError.invalid` unless the shape has at least one axis, no negative extent, and
    /// as many values as the product of its extents.
    public init(shape: [Int], values: [Float]) throws {
        guard !shape.isEmpty, shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else {
            throw ShapeError.invalid(shape: shape, reason: "expected at least one axis, no negative extent and "
                + "\(shape.reduce(1, *)) values for it; got \(values.count)")
        }
        self.shape = shape
        self.values = values
    }

    /// Values per sample (the product of the extents after the first).
    public var sampleSize: Int { shape.dropFirst().reduce(1, *) }

    public var sampleCount: Int { shape[0] }

    public func samples(at indices: [Int]) -> SampleArray {
        let size = sampleSize
        var picked = [Float]()
        picked.reserveCapacity(indices.count * size)
        for i in indices { picked.append(contentsOf: values[(i * size)..<((i + 1) * size)]) }
        return SampleArray(uncheckedShape: [indices.count] + shape.dropFirst(), values: picked)
    }

    public func validateForFit(_ what: String) throws {
        guard sampleCount > 0, sampleSize > 0 else {
            throw FitError.emptyInput(what: what, rows: sampleCount, columns: sampleSize)
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw FitError.nonFinite(what: what, row: bad / sampleSize, column: bad % sampleSize, value: Double(values[bad]))
        }
    }

    /// The samples as rows of a matrix (each sample flattened).
    public func flattened() -> Matrix<Float> {
        Matrix(rows: sampleCount, columns: sampleSize) { buffer in
            for i in values.indices { buffer[i] = values[i] }
        }
    }

    // MARK: - Private

    private init(uncheckedShape: [Int], values: [Float]) {
        self.shape = uncheckedShape
        self.values = values
    }
}
