import AlmagestCore
import AlmagestData
import AlmagestLearn
import Foundation
import Testing

@Suite struct ModelSearchTests {
    static func digits() throws -> (Matrix<Double>, [Int]) {
        let data = try EmbeddedDatasets.digits().subset(0..<300)
        return (data.features, data.labels!)
    }

    /// A grid over a pipeline step's option and the classifier's: every candidate's fold scores
    /// equal cross-validating its pipeline by hand, the best mean wins, and it is refitted on all rows.
    @Test func gridSearchScoresEveryCandidateByCrossValidation() throws {
        _ = TestEstimators.allNames
        let (x, y) = try Self.digits()
        let space = SearchSpace(["temperature": .list([0.5, 4]), "standard-scaler.with_std": .list([true, false])])
        let search = ModelSearch(steps: [EstimatorSpec("standard-scaler")], model: EstimatorSpec("nearest-centroid"),
                                 space: space, strategy: .grid, folds: 3, seed: 2)
        let result = try search.run(x, labels: y)
        #expect(result.candidates.map(\.options) == [
            ["standard-scaler.with_std": true, "temperature": 0.5], ["standard-scaler.with_std": true, "temperature": 4],
            ["standard-scaler.with_std": false, "temperature": 0.5], ["standard-scaler.with_std": false, "temperature": 4],
        ])
        let folds = try StratifiedKFold(folds: 3, seed: 2).split(labels: y)
        for candidate in result.candidates {
            let byHand = try CrossValidation.accuracies(of: try search.pipeline(candidate.options), x, labels: y, folds: folds)
            #expect(candidate.foldAccuracies == byHand)
        }
        let bestMean = result.candidates.map(\.meanAccuracy).max()!
        #expect(result.best.meanAccuracy == bestMean && result.best.meanAccuracy > 0.85)
        #expect(result.model == (try search.pipeline(result.best.options).fit(x, labels: y)))
        // Same table at one and two threads.
        let again = try Parallel.withThreads(1) { try search.run(x, labels: y) }
        #expect(again.candidates == result.candidates)
    }

    @Test func randomSearchDrawsFromDistributions() throws {
        let space = SearchSpace([
            "learning_rate": .logUniform(1e-4, 1e-1), "epochs": .integers(2, 4), "solver": .list(["adam", "sgd"]),
            "momentum": .uniform(0.5, 0.9),
        ])
        let draws = try space.random(count: 50, seed: 3)
        let same = try space.random(count: 50, seed: 3)
        #expect(draws.count == 50 && draws == same)
        for draw in draws {
            guard case let .double(rate) = draw["learning_rate"], case let .int(epochs) = draw["epochs"],
                  case let .double(momentum) = draw["momentum"] else { Issue.record("wrong types \(draw)"); continue }
            #expect(rate >= 1e-4 && rate <= 1e-1 && (2...4).contains(epochs) && momentum >= 0.5 && momentum <= 0.9)
        }
        #expect(Set(draws.compactMap { $0["epochs"]?.description }) == ["2", "3", "4"])
        let search = ModelSearch(model: EstimatorSpec("mlp"), space: space, strategy: .random(candidates: 4), folds: 2, seed: 3)
        #expect(try search.candidates().count == 4)
    }

    @Test func badSpacesFailBeforeFitting() throws {
        let unknown = ModelSearch(model: EstimatorSpec("mlp"), space: SearchSpace(["learnig_rate": .list([0.1])]))
        let error = #expect(throws: FitError.self) { try unknown.candidates() }
        #expect("\(error!)".contains("learnig_rate"))
        let distribution = ModelSearch(model: EstimatorSpec("mlp"), space: SearchSpace(["learning_rate": .uniform(0, 1)]))
        #expect(throws: FitError.self) { try distribution.candidates() }
        #expect(throws: FitError.self) { try SearchSpace(["x": .logUniform(0, 1)]).random(count: 3, seed: 0) }
        let json = #"{"learning_rate": {"logUniform": [0.001, 0.1]}, "hidden_layer_sizes": ["32", "95,95"]}"#
        let decoded = try JSONDecoder().decode(SearchSpace.self, from: Data(json.utf8))
        #expect(decoded.options["learning_rate"] == .logUniform(0.001, 0.1))
        #expect(decoded.options["hidden_layer_sizes"] == .list(["32", "95,95"]))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SearchSpace.self, from: Data(#"{"a": {"normal": [0, 1]}}"#.utf8)) }
    }
}
