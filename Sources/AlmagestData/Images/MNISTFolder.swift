import AlmagestCore
import AlmagestPlot
import Foundation
import Synchronization

/// Writes MNIST digits (IDX files, gzip'd or not) as an image folder: `folder/<digit>/<index>.png`
/// (8-bit grey PNG through Plot's `PNGWriter`), the layout `ImageFolder` reads; for pretraining a
/// network on real images before fine-tuning it on another image folder. Uses `t10k-*` when its
/// images are there, otherwise `train-*`.
///
/// Cost: O(count x 784) plus the PNG encoding, parallel over images.
///
/// ```swift
/// let counts = try MNISTFolder.write(from: URL(fileURLWithPath: "shared/datasets/mnist"), to: out, count: 2_000)
/// ```
public enum MNISTFolder {
    /// Writes the first `count` images; returns the number of files per digit folder.
    @discardableResult
    public static func write(from source: URL, to folder: URL, count: Int) throws -> [String: Int] {
        guard count >= 1 else { throw DataError.invalidDataset(reason: "MNIST image count \(count): expected at least 1") }
        let names = try FileManager.default.contentsOfDirectory(atPath: source.path)
        func file(_ prefix: String, _ kind: String) -> URL? {
            names.filter { $0.hasPrefix("\(prefix)-\(kind)-idx") }.sorted().first.map { source.appendingPathComponent($0) }
        }
        guard let (images, labels) = ["t10k", "train"].lazy.compactMap({ p in file(p, "images").flatMap { i in file(p, "labels").map { (i, $0) } } }).first
        else {
            throw DataError.io(path: source.path, reason: "no t10k-images-idx3-ubyte[.gz] with its labels file (nor train-*)")
        }
        let y = try IDX.readLabels(from: labels)
        let n = min(count, y.count)
        let x = try IDX.readImages(from: images, rows: 0..<n)
        let side = Int(Double(x.columns).squareRoot())
        guard side * side == x.columns else { throw DataError.malformed(source: images.path, reason: "images of \(x.columns) pixels are not square") }
        for digit in Set(y.prefix(n)) {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(String(digit)), withIntermediateDirectories: true)
        }
        let failures = Mutex<[DataError]>([])
        Parallel.forEach(n) { i in
            var rgba = [UInt8](repeating: 255, count: x.columns * 4)
            for p in 0..<x.columns {
                let v = UInt8(max(0, min(255, x[i, p].rounded())))
                (rgba[p * 4], rgba[p * 4 + 1], rgba[p * 4 + 2]) = (v, v, v)
            }
            let path = folder.appendingPathComponent(String(y[i])).appendingPathComponent(String(format: "%05d.png", i))
            do { try PNGWriter.encode(width: side, height: side, rgba: rgba).write(to: path) } catch {
                failures.withLock { $0.append(DataError.io(path: path.path, reason: "\(error)")) }
            }
        }
        if let first = failures.withLock({ $0.first }) { throw first }
        var counts: [String: Int] = [:]
        for label in y.prefix(n) { counts[String(label), default: 0] += 1 }
        return counts
    }
}
