import AlmagestCore
import AlmagestData
import Foundation

/// The MAGIC gamma telescope rows (UCI; 19,020 x 10, classes g = 0 and h = 1) from the shared
/// data directory (`ALMAGEST_SHARED`, default ../shared), or seeded synthetic rows of the same
/// size when the file is missing; `source` says which.
///
/// ```swift
/// let (x, y, source) = magicGammaRows()
/// ```
func magicGammaRows() -> (features: Matrix<Double>, labels: [Int], source: String) {
    let shared = ProcessInfo.processInfo.environment["ALMAGEST_SHARED"] ?? "../shared"
    let url = URL(fileURLWithPath: shared + "/datasets/magic-gamma/magic04.data")
    if let magic = try? CSVReader.read(from: url, options: CSVOptions(header: .absent), target: -1), let y = magic.labels {
        return (magic.features, y, "magic04.data")
    }
    var rng = RandomStream(seed: 1)
    let labels = (0..<19_020).map { _ in rng.nextInt(below: 2) }
    let features = Matrix<Double>(rows: 19_020, columns: 10) { _, _ in rng.nextNormal() }
    return (features, labels, "synthetic")
}
