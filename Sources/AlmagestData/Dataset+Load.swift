import AlmagestCore
import Foundation

/// Loading a user's file by its name: the extension picks the reader.
///
/// `.csv`, `.csv.gz`, `.txt`, `.data` → CSV (comma); `.tsv`, `.tsv.gz` → CSV with tabs; `.npy` →
/// NPY (a `target` index takes that column out as integer labels); names containing `-idx3-ubyte`
/// (optionally `.gz`) → IDX images, with the labels file beside it (`-idx1-ubyte` with `images`
/// replaced by `labels`) attached when it exists. Cost: that of the reader.
///
/// ```swift
/// let data = try Dataset.load(from: URL(fileURLWithPath: "measurements.csv"), target: .name("class"))
/// let mnist = try Dataset.load(from: URL(fileURLWithPath: "t10k-images-idx3-ubyte.gz"))
/// ```
extension Dataset {
    /// The file formats `load(from:)` recognises.
    public enum FileFormat: String, Sendable, CaseIterable {
        case csv, tsv, npy, idx

        /// The format a file name implies, or nil.
        public init?(url: URL) {
            var name = url.lastPathComponent.lowercased()
            if name.hasSuffix(".gz") { name.removeLast(3) }
            if name.hasSuffix("-idx3-ubyte") || name.hasSuffix(".idx3-ubyte") {
                self = .idx
            } else if name.hasSuffix(".npy") {
                self = .npy
            } else if name.hasSuffix(".tsv") || name.hasSuffix(".tab") {
                self = .tsv
            } else if name.hasSuffix(".csv") || name.hasSuffix(".data") || name.hasSuffix(".txt") {
                self = .csv
            } else {
                return nil
            }
        }
    }

    /// Reads `url` with the reader its name implies; `target` names the label column (CSV: by
    /// name or index; NPY: by index); `csvOptions` overrides the CSV defaults (the delimiter of a
    /// `.tsv` file is then the caller's); `categorical` CSV columns may hold text, read as the codes
    /// of their sorted distinct texts (`categories`; missing cells NaN).
    public static func load(
        from url: URL, target: ColumnSelector? = nil, csvOptions: CSVOptions? = nil, categorical: [ColumnSelector] = []
    ) throws -> Dataset {
        guard let format = FileFormat(url: url) else {
            throw DataError.unsupported(
                source: url.path,
                feature: "the file name \"\(url.lastPathComponent)\" (expected .csv, .tsv, .data or .txt, optionally .gz; .npy; or an MNIST-style -idx3-ubyte file)")
        }
        switch format {
        case .csv: return try CSVReader.read(from: url, options: csvOptions ?? .csv, target: target, categorical: categorical)
        case .tsv: return try CSVReader.read(from: url, options: csvOptions ?? .tsv, target: target, categorical: categorical)
        case .npy: return try loadNPY(url, target: target)
        case .idx:
            if let target {
                throw DataError.unsupported(source: url.path, feature: "a target column (\(target)) in an IDX images file; labels come from the -idx1-ubyte file beside it")
            }
            let labels = siblingLabels(of: url)
            return try IDX.readDataset(images: url, labels: labels)
        }
    }

    // MARK: - Private

    private static func loadNPY(_ url: URL, target: ColumnSelector?) throws -> Dataset {
        let x = try NPY.readMatrix(from: url)
        let provenance = Provenance(source: url.path)
        guard let target else { return try Dataset(features: x, provenance: provenance) }
        guard let column = target.resolve(names: nil, count: x.columns) else {
            throw DataError.noSuchColumn(
                source: url.path, column: target.description,
                available: "an NPY file has no column names; use an index in 0..<\(x.columns) or -\(x.columns)...-1")
        }
        var labels = [Int]()
        labels.reserveCapacity(x.rows)
        for i in 0..<x.rows {
            let value = x[i, column]
            guard value.isFinite, value == value.rounded(), abs(value) < 9.0e15 else {
                throw DataError.malformed(
                    source: url.path, reason: "row \(i + 1), column \(column + 1): label \(value) is not an integer")
            }
            labels.append(Int(value))
        }
        let kept = (0..<x.columns).filter { $0 != column }
        return try Dataset(
            features: x.columns(at: kept), labels: labels, featureNames: kept.map { "column_\($0 + 1)" }, provenance: provenance)
    }

    /// `…images-idx3-ubyte[.gz]` → `…labels-idx1-ubyte[.gz]` when that file exists.
    private static func siblingLabels(of url: URL) -> URL? {
        let name = url.lastPathComponent
        guard name.contains("images") else { return nil }
        let labelsName = name.replacingOccurrences(of: "images", with: "labels").replacingOccurrences(of: "idx3", with: "idx1")
        let candidate = url.deletingLastPathComponent().appendingPathComponent(labelsName)
        return FileManager.default.fileExists(atPath: candidate.path) ? candidate : nil
    }
}
