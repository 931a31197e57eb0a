import AlmagestCore
import Foundation

/// `linear_reference.json` (this target's resource, written by
/// `Tests/Reference/make_linear_reference.py`): scikit-learn's LogisticRegression and GaussianNB
/// on 200 standardised MAGIC rows and on digits 0..<300, decoded with `JSONDecoder`.
struct LinearReferenceFixture: Decodable {
    let data: DataSection
    let cases: [Case]

    struct DataSection: Decodable {
        let magic: Magic
        struct Magic: Decodable { let x: [[Double]]; let y: [Int] }
    }

    struct Case: Decodable {
        let name: String
        let data: String
        let estimator: String
        let params: Params
        let l1Ratio: Double?
        let coef: [[Double]]?
        let intercept: [Double]?
        let probaRows0_19: [[Double]]?
        let objective: Double?
        let theta: [[Double]]?
        let variance: [[Double]]?
        let classPrior: [Double]?
        let epsilon: Double?
        let proba: [[Double]]?

        enum CodingKeys: String, CodingKey {
            case name, data, estimator, params, objective, proba
            case l1Ratio = "l1_ratio"
            case coef = "coef_"
            case intercept = "intercept_"
            case probaRows0_19 = "proba_rows_0_19"
            case theta = "theta_"
            case variance = "var_"
            case classPrior = "class_prior_"
            case epsilon = "epsilon_"
        }
    }

    struct Params: Decodable {
        let penalty: String?
        let c: Double?
        enum CodingKeys: String, CodingKey { case penalty, c = "C" }
    }

    static let loaded: Result<LinearReferenceFixture, any Error> = Result {
        guard let url = Bundle.module.url(forResource: "linear_reference", withExtension: "json", subdirectory: "Resources")
        else { throw CocoaError(.fileNoSuchFile) }
        return try JSONDecoder().decode(LinearReferenceFixture.self, from: Data(contentsOf: url))
    }

    /// The rows and labels a case was fitted on.
    func rows(of c: Case) throws -> (x: Matrix<Double>, y: [Int]) {
        if c.data == "magic" { return (try Matrix(data.magic.x), data.magic.y) }
        let digits = try FeatureTestDigits.digits()
        return (digits.pixels.rows(at: 0..<300).map { $0 / 16 }, Array(digits.labels[0..<300]))
    }
}
