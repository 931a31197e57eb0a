import AlmagestCore
import AlmagestLearn
import Foundation
import Testing

/// scikit-learn's KNeighborsClassifier and AdaBoostClassifier (SAMME) on 90 + 30 rows of 3
/// continuous features (`neighbors_boosting_reference.json`, written by
/// `Tests/Reference/make_neighbors_boosting_reference.py`).
@Suite struct NeighborsBoostingReferenceTests {
    struct Fixture: Decodable {
        let x: [[Double]], y: [Int], xTest: [[Double]]
        let cases: [Case]
        struct Case: Decodable {
            let name: String
            let weights: String?
            let neighbors: Int?
            let kneighbors: [[Int]]?
            let maxDepth: Int?
            let estimators: Int?
            let estimatorWeights: [Double]?
            let estimatorErrors: [Double]?
            let proba: [[Double]]
            enum CodingKeys: String, CodingKey {
                case name, weights, neighbors, kneighbors, estimators, proba
                case maxDepth = "max_depth", estimatorWeights = "estimator_weights_", estimatorErrors = "estimator_errors_"
            }
        }
        enum CodingKeys: String, CodingKey { case x, y, cases, xTest = "x_test" }

        static func load() throws -> Fixture {
            guard let url = Bundle.module.url(forResource: "neighbors_boosting_reference", withExtension: "json",
                                              subdirectory: "Resources") else {
                throw CocoaError(.fileNoSuchFile)
            }
            return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        }
    }

    static func close(_ a: Matrix<Double>, _ b: [[Double]], _ tolerance: Double) -> Bool {
        a.rows == b.count && (0..<a.rows).allSatisfy { i in zip(a.row(i), b[i]).allSatisfy { abs($0 - $1) <= tolerance } }
    }

    @Test(arguments: KNeighborsClassifier.Algorithm.allCases)
    func kNeighborsMatchesScikitLearn(_ algorithm: KNeighborsClassifier.Algorithm) throws {
        let fixture = try Fixture.load()
        let (x, test) = (try Matrix(fixture.x), try Matrix(fixture.xTest))
        for c in fixture.cases where c.name.hasPrefix("knn") {
            let weights = try #require(KNeighborsClassifier.Weights(rawValue: c.weights ?? ""))
            let model = try KNeighborsClassifier(neighbors: c.neighbors!, weights: weights, algorithm: algorithm)
                .fit(x, labels: fixture.y)
            #expect(try model.kNeighbors(of: test).indices == c.kneighbors!, "\(c.name)")
            #expect(Self.close(try model.predictProbabilities(test), c.proba, 1e-12), "\(c.name)")
        }
    }

    @Test func adaBoostMatchesScikitLearn() throws {
        let fixture = try Fixture.load()
        let (x, test) = (try Matrix(fixture.x), try Matrix(fixture.xTest))
        for c in fixture.cases where c.name.hasPrefix("adaboost") {
            let model = try AdaBoostClassifier(estimators: c.estimators!, maxDepth: c.maxDepth!).fit(x, labels: fixture.y)
            #expect(zip(model.estimatorWeights, c.estimatorWeights!).allSatisfy { abs($0 - $1) <= 1e-9 * abs($1) }
                    && model.estimatorWeights.count == c.estimatorWeights!.count, "\(c.name)")
            #expect(zip(model.estimatorErrors, c.estimatorErrors!).allSatisfy { abs($0 - $1) <= 1e-9 }, "\(c.name)")
            #expect(Self.close(try model.predictProbabilities(test), c.proba, 1e-9), "\(c.name)")
        }
    }
}
