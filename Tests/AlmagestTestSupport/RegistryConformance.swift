import AlmagestCore
import AlmagestLearn
import Foundation
import Testing

/// The conformance suite of a registered estimator, whatever its kind: its options survive the
/// round trip through `EstimatorOptions` (defaults and the conformance configuration), then
/// `Conformance.check` runs on data of its kind (blobs for transformers, clusterers and
/// classifiers, a non-negative matrix for factorizers, small images for image classifiers),
/// through the registry's erased estimator, so the fitted model's JSON round trip goes through the
/// registry too. No estimator can opt out: the test that calls this takes every registered name.
public enum RegistryConformance {
    /// Runs every check on the estimator registered as `name`.
    public static func check(_ name: String, registry: EstimatorRegistry = .shared,
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        let entry = try registry.entry(name)
        // Options: the defaults configure the default configuration, and flattening is stable.
        let byDefault = try registry.estimator(name, options: entry.defaults)
        #expect(try byDefault.configuration.parameters == entry.defaults, "\(name): defaults do not round-trip",
                sourceLocation: sourceLocation)
        let small = try registry.conformanceEstimator(name)
        let smallOptions = try small.configuration.parameters
        #expect(try registry.estimator(name, options: smallOptions).configuration.parameters == smallOptions,
                "\(name): the conformance configuration does not round-trip through its options", sourceLocation: sourceLocation)
        #expect(throws: FitError.self, "\(name) must refuse an unknown option", sourceLocation: sourceLocation) {
            try registry.estimator(name, options: ["no_such_option": 1])
        }

        switch small {
        case let .transformer(t):
            try Conformance.check(name, data: blobs().x, acceptsMissingValues: entry.acceptsMissingValues,
                                  fit: { try t.fit($0) }, sourceLocation: sourceLocation)
            if entry.acceptsMissingValues {
                // What it fills must come out finite.
                var withNaN = blobs().x
                withNaN[0, 0] = .nan
                #expect(try t.fit(withNaN).transform(withNaN).isFinite, "\(name) left NaN in its output",
                        sourceLocation: sourceLocation)
            }
        case let .clusterer(c):
            try Conformance.check(name, data: blobs().x, acceptsMissingValues: entry.acceptsMissingValues, fit: { try c.fit($0) }, sourceLocation: sourceLocation)
        case let .classifier(c):
            let (x, y) = blobs()
            try Conformance.check(name, data: x, acceptsMissingValues: entry.acceptsMissingValues,
                                  fit: { try c.fit($0, labels: Array(y.prefix($0.rows))) },
                                  sourceLocation: sourceLocation)
            let model = try c.fit(x, labels: y)
            let p = try model.predictProbabilities(x)
            #expect(p.rows == x.rows && p.columns == model.classes.count, sourceLocation: sourceLocation)
            #expect(try model.predict(x).allSatisfy(model.classes.contains), sourceLocation: sourceLocation)
        case let .factorizer(f):
            let a = blobs().x.map { abs($0) }
            try Conformance.check(name, data: a, fit: { try f.fit($0) }, sourceLocation: sourceLocation)
        case let .sampler(sampler):
            let (x, y) = blobs()
            // Unbalance the classes so that an over-sampler has work to do.
            let rows = Array(0..<24) + Array(stride(from: 24, to: 36, by: 1).filter { y[$0] == 2 })
            let (xs, ys) = (x.rows(at: rows), rows.map { y[$0] })
            try Conformance.check(name, data: xs, acceptsMissingValues: entry.acceptsMissingValues,
                                  fit: { m in
                                      let out = try sampler.resample(m, labels: Array(ys.prefix(m.rows)))
                                      return SampledRows(x: out.x, labels: out.labels)
                                  }, sourceLocation: sourceLocation)
            let out = try sampler.resample(xs, labels: ys)
            #expect(out.x.rows == out.labels.count && out.x.columns == xs.columns && out.x.isFinite,
                    "\(name): rows and labels must match", sourceLocation: sourceLocation)
            #expect(Set(out.labels) == Set(ys), "\(name) lost or invented a class", sourceLocation: sourceLocation)
            #expect(throws: FitError.self, "\(name) must refuse a label count that differs from the rows",
                    sourceLocation: sourceLocation) { try sampler.resample(xs, labels: Array(ys.dropLast())) }
            let step = try JSONDecoder().decode(PipelineStep.self, from: JSONEncoder().encode(PipelineStep.sampler(sampler)))
            #expect(step == .sampler(sampler), "\(name): the pipeline step changed through JSON", sourceLocation: sourceLocation)
        case let .imageClassifier(c):
            let (x, y) = blobs()
            let images = try SampleArray(shape: [x.rows, 1, 2, 2], values: x.elements.map(Float.init))
            let model = try c.fit(images, labels: y)
            #expect(try model.predict(images).count == x.rows, sourceLocation: sourceLocation)
            #expect(try JSONDecoder().decode(type(of: model), from: JSONEncoder().encode(model)) == model,
                    sourceLocation: sourceLocation)
        }
    }

    /// Resampled rows as a value the conformance suite can compare and round-trip.
    struct SampledRows: Codable, Equatable {
        let x: Matrix<Double>
        let labels: [Int]
    }

    /// 36 rows x 4 columns in three seeded groups, and their group labels.
    public static func blobs() -> (x: Matrix<Double>, y: [Int]) {
        var rng = RandomStream(seed: 7)
        let y = (0..<36).map { $0 % 3 }
        let x = Matrix<Double>(rows: 36, columns: 4) { i, j in Double(y[i] * 4) + Double(j) * 0.5 + rng.nextNormal() }
        return (x, y)
    }
}
