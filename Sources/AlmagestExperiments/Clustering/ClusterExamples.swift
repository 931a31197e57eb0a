import AlmagestCore
import Foundation

/// A few example images of each cluster, written by the clustering experiment as `examples.json`
/// when its rows are images, so the dashboard can show what a cluster looks like without the data
/// set or any recomputation. Examples are the first `perCluster` rows of each cluster, in row
/// order. Cost: O(n) to group, O(k · perCluster · pixels) to copy.
///
/// ```swift
/// let examples = ClusterExamples(images: digits.features, height: 8, width: 8, clusters: model.labels,
///                                truth: digits.labels, perCluster: 12)
/// try run.writeJSON("examples.json", examples)
/// ```
public struct ClusterExamples: Codable, Sendable, Equatable {
    public var imageHeight: Int
    public var imageWidth: Int
    public var examples: [Example]

    /// One image: its row in the data, its cluster, its true label when known, its pixels (row-major).
    public struct Example: Codable, Sendable, Equatable {
        public var row: Int
        public var cluster: Int
        public var trueLabel: Int?
        public var pixels: [Double]
    }

    public init(images: Matrix<Double>, height: Int, width: Int, clusters: [Int], truth: [Int]?, perCluster: Int = 12) {
        imageHeight = height
        imageWidth = width
        var taken = [Int: Int]()
        examples = []
        for (row, cluster) in clusters.enumerated() where row < images.rows && taken[cluster, default: 0] < perCluster {
            taken[cluster, default: 0] += 1
            examples.append(Example(row: row, cluster: cluster, trueLabel: truth?[row], pixels: Array(images.row(row))))
        }
    }
}
