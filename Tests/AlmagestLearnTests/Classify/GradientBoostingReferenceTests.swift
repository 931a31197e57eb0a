import AlmagestCore
import AlmagestLearn
import Foundation
import Testing

/// `GradientBoostingClassifier` against XGBoost (`tree_method="hist"`) and scikit-learn's
/// `HistGradientBoostingClassifier` on 200 rows of 4 features rounded to one decimal
/// (`gradient_boosting_reference.json`, written by
/// `Tests/Reference/make_gradient_boosting_reference.py`).
///
/// What must match, and why: every feature has far fewer distinct values than bins, so XGBoost's
/// cuts, scikit-learn's bins and ours all give each distinct value its own bin and search the
/// same partitions of the training rows with the same gain (XGBoost's and scikit-learn's
/// T(G_L)²/(H_L+λ) + T(G_R)²/(H_R+λ) − T(G)²/(H+λ)) and leaf values −T(G)/(H+λ)·η; XGBoost
/// starts from `base_score` = the share of class 1 (our prior logit), scikit-learn from the log
/// priors (ours, up to a constant that the softmax cancels). So the trees' values on the training
/// rows, and the probabilities after every round, agree up to the libraries' float32 gradients
/// (1e-5). Thresholds between two neighbouring values differ (XGBoost tests x < value, we test
/// x ≤ midpoint), so rows between training values are not compared. The multiclass case is
/// compared with scikit-learn because XGBoost's softmax doubles the hessian (2p(1−p)).
@Suite struct GradientBoostingReferenceTests {
    struct Fixture: Decodable {
        let x: [[Double?]], xMissing: [[Double?]], y: [Int], y3: [Int]
        let cases: [Case]
        struct Case: Decodable {
            let name: String
            let missing: Bool
            let rounds: Int
            let params: [String: Parameter]
            let firstTree: [Double]?
            let firstRoundProba: [[Double]]?
            let proba: [[Double]]
            enum CodingKeys: String, CodingKey {
                case name, missing, rounds, params, proba
                case firstTree = "first_tree", firstRoundProba = "first_round_proba"
            }
        }
        enum Parameter: Decodable {
            case number(Double), text(String)
            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let v = try? c.decode(Double.self) { self = .number(v) } else { self = .text(try c.decode(String.self)) }
            }
            var number: Double? { if case let .number(v) = self { return v } else { return nil } }
        }
        enum CodingKeys: String, CodingKey { case x, y, y3, cases, xMissing = "x_missing" }

        static func load() throws -> Fixture {
            guard let url = Bundle.module.url(forResource: "gradient_boosting_reference", withExtension: "json",
                                              subdirectory: "Resources") else {
                throw CocoaError(.fileNoSuchFile)
            }
            return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        }

        static func matrix(_ rows: [[Double?]]) throws -> Matrix<Double> { try Matrix(rows.map { $0.map { $0 ?? .nan } }) }
    }

    /// The configuration matching a case's library parameters.
    static func configuration(_ c: Fixture.Case, rounds: Int) -> GradientBoostingClassifier {
        configuration(params: c.params, rounds: rounds)
    }

    /// The configuration matching library parameters (XGBoost's names).
    static func configuration(params: [String: Fixture.Parameter], rounds: Int) -> GradientBoostingClassifier {
        let p = params.compactMapValues(\.number)
        let leafWise: Bool = if case .text("lossguide") = params["grow_policy"] { true } else { false }
        return GradientBoostingClassifier(
            rounds: rounds, learningRate: p["eta"]!, maxDepth: Int(p["max_depth"] ?? 0), maxLeaves: Int(p["max_leaves"] ?? 0),
            growPolicy: leafWise ? .leafWise : .depthWise, lambda: p["reg_lambda"] ?? 1, alpha: p["reg_alpha"] ?? 0,
            gamma: p["gamma"] ?? 0, minChildWeight: p["min_child_weight"] ?? 1)
    }

    static func maxDifference(_ a: Matrix<Double>, _ b: [[Double]]) -> Double {
        precondition(a.rows == b.count)
        return (0..<a.rows).map { i in zip(a.row(i), b[i]).map { abs($0 - $1) }.max()! }.max()!
    }

    @Test(arguments: ["xgb-depthwise", "xgb-regularised", "xgb-lossguide", "xgb-missing"])
    func matchesXGBoostHist(_ name: String) throws {
        let fixture = try Fixture.load()
        let c = try #require(fixture.cases.first { $0.name == name })
        let x = try Fixture.matrix(c.missing ? fixture.xMissing : fixture.x)
        // The first tree's value on every training row.
        let one = try Self.configuration(c, rounds: 1).fit(x, labels: fixture.y)
        let firstTree = try one.rawScores(x).map { $0 - one.baseScores[0] }
        let firstDifference = zip(firstTree, c.firstTree!).map { abs($0 - $1) }.max()!
        #expect(firstDifference < 1e-5, "\(name): first tree differs by \(firstDifference)")
        let model = try Self.configuration(c, rounds: c.rounds).fit(x, labels: fixture.y)
        let difference = Self.maxDifference(try model.predictProbabilities(x), c.proba)
        #expect(difference < 1e-5, "\(name): probabilities after \(c.rounds) rounds differ by \(difference)")
    }

    @Test func multiclassMatchesScikitLearnHistGradientBoosting() throws {
        let fixture = try Fixture.load()
        let c = try #require(fixture.cases.first { $0.name == "sklearn-multiclass" })
        let x = try Fixture.matrix(fixture.x)
        let one = try Self.configuration(c, rounds: 1).fit(x, labels: fixture.y3)
        #expect(one.treesPerRound == 3)
        let firstDifference = Self.maxDifference(try one.predictProbabilities(x), c.firstRoundProba!)
        #expect(firstDifference < 1e-5, "first round differs by \(firstDifference)")
        let model = try Self.configuration(c, rounds: c.rounds).fit(x, labels: fixture.y3)
        let difference = Self.maxDifference(try model.predictProbabilities(x), c.proba)
        #expect(difference < 1e-5, "probabilities after \(c.rounds) rounds differ by \(difference)")
    }
}
