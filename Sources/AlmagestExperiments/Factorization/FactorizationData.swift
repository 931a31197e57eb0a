import AlmagestCore
import AlmagestData
import Foundation

/// The matrix an NMF experiment factorises (rows are samples, e.g. images x 784 pixels in [0, 1]),
/// with the image geometry used by the plots and where it came from.
///
/// `mnist(directory:rows:)` reads the MNIST test images (IDX, gzip'd or not) scaled to [0, 1];
/// `file(_:rows:)` reads CSV, TSV, NPY or IDX through `Dataset.load`. Cost: O(rows x columns).
///
/// ```swift
/// let data = try FactorizationData.mnist(directory: URL(fileURLWithPath: "../shared/datasets/mnist"), rows: 100..<350)
/// data.matrix.rows   // 250
/// ```
public struct FactorizationData: Sendable {
    public let matrix: Matrix<Double>
    /// Image width and height when the rows are images (square, or 28 x 28 for MNIST); nil otherwise.
    public let imageSize: (width: Int, height: Int)?
    /// A human description: file and row range.
    public let source: String

    public init(matrix: Matrix<Double>, imageSize: (width: Int, height: Int)? = nil, source: String) {
        self.matrix = matrix
        self.imageSize = imageSize ?? Self.squareImage(columns: matrix.columns)
        self.source = source
    }

    /// MNIST test images `rows` from `directory/t10k-images-idx3-ubyte(.gz)`, scaled to [0, 1].
    public static func mnist(directory: URL, rows: Range<Int>?) throws -> FactorizationData {
        let candidates = ["t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte"].map { directory.appendingPathComponent($0) }
        guard let url = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw DataError.io(
                path: candidates[0].path,
                reason: "no MNIST test images there; pass --mnist-dir or set ALMAGEST_SHARED to the shared folder")
        }
        let x = try IDX.readImages(from: url, rows: rows, scaledToUnit: true)
        return FactorizationData(matrix: x, imageSize: (28, 28), source: describe(url, rows))
    }

    /// A CSV, TSV, NPY or IDX file, optionally only `rows`.
    public static func file(_ url: URL, rows: Range<Int>?) throws -> FactorizationData {
        let dataset = try Dataset.load(from: url)
        var x = dataset.features
        if let rows {
            guard rows.lowerBound >= 0, rows.upperBound <= x.rows, !rows.isEmpty else {
                throw DataError.rowsOutOfRange(source: url.path, requested: rows, available: x.rows)
            }
            x = x.rows(at: rows)
        }
        return FactorizationData(matrix: x, source: describe(url, rows))
    }

    /// Parses "100:350" (or "100..<350") into a row range.
    public static func parseRows(_ text: String) throws -> Range<Int> {
        let parts = text.replacingOccurrences(of: "..<", with: ":").split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]), low >= 0, high > low else {
            throw FitError.invalidParameter(name: "rows", value: text, expected: "START:END with 0 <= START < END, e.g. 100:350")
        }
        return low..<high
    }

    // MARK: - Private

    private static func squareImage(columns: Int) -> (width: Int, height: Int)? {
        let side = Int(Double(columns).squareRoot().rounded())
        return side * side == columns && side > 1 ? (side, side) : nil
    }

    private static func describe(_ url: URL, _ rows: Range<Int>?) -> String {
        url.lastPathComponent + (rows.map { " rows \($0.lowerBound):\($0.upperBound)" } ?? "")
    }
}
