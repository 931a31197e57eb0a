import AlmagestLearn

/// The estimators this test target adds to the shared registry: one line each, as
/// `StandardEstimators.swift` does for Almagest's own.
enum TestEstimators {
    /// Registers them (once) and returns the name of every registered estimator, Almagest's and
    /// the test target's.
    static let allNames: [String] = {
        do {
            try EstimatorRegistry.shared.register(classifier: NearestCentroid.self)
            try EstimatorRegistry.shared.register(imageClassifier: ImageNearestCentroid.self)
        } catch {
            preconditionFailure("the test estimators must register: \(error)")
        }
        return EstimatorRegistry.shared.entries().map(\.name)
    }()
}
