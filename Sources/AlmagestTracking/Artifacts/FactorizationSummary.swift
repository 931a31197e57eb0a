import Foundation

/// `summary.json` of a factorisation run: its label, why training stopped, the final metrics and
/// the effective-rank plateaus found (iteration intervals `[from, to]`).
///
/// ```swift
/// try run.write(FactorizationSummary(label: "mu r=10", stopReason: "maxIterations", metrics: m, plateaus: [[40, 90]]))
/// ```
public struct FactorizationSummary: RunArtifact, Codable, Equatable {
    public static let fileName = "summary.json"

    public let label: String
    public let stopReason: String
    public let metrics: [String: Double]
    public let plateaus: [[Double]]

    public init(label: String, stopReason: String, metrics: [String: Double], plateaus: [[Double]]) {
        self.label = label
        self.stopReason = stopReason
        self.metrics = metrics
        self.plateaus = plateaus
    }
}
