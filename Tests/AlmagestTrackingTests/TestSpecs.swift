import AlmagestTracking

/// Specs for metrics logged by tests: every metric better high, except those named in `lower`
/// (given explicitly by each test, never guessed from the name).
func testSpecs(_ metrics: [String: Double], lower: Set<String> = []) -> [MetricSpec] {
    metrics.keys.map { MetricSpec($0, lower.contains($0) ? .minimize : .maximize) }
}
