import AlmagestCore
import AlmagestLearn
import Foundation

/// `svm_reference.json` (this target's resource, written by `Tests/Reference/make_svm_reference.py`):
/// scikit-learn's SVC on 200 standardised MAGIC rows and on the 0/1/2 digits among rows 0..<300,
/// for each kernel, and a Platt sigmoid fitted by SciPy; decoded with `JSONDecoder`.
struct SVMReferenceFixture: Decodable {
    let data: DataSection
    let platt: Platt
    let cases: [Case]

    struct DataSection: Decodable {
        let magic: Magic
        struct Magic: Decodable { let x: [[Double]]; let y: [Int] }
    }

    struct Platt: Decodable { let a: Double; let b: Double }

    struct Case: Decodable {
        let name: String
        let data: String
        let params: Params
        let probability: Bool
        let support: [Int]
        let supportCounts: [Int]
        let dualCoefficients: [[Double]]
        let intercepts: [Double]
        let gamma: Double
        let iterations: [Int]
        let decisionFunction: [[Double]]
        let predict: [Int]
        let probA: [Double]?
        let probB: [Double]?
        let proba: [[Double]]?

        enum CodingKeys: String, CodingKey {
            case name, data, params, probability, gamma, predict
            case support = "support_", supportCounts = "n_support_", dualCoefficients = "dual_coef_"
            case intercepts = "intercept_", iterations = "n_iter_", probA = "probA_", probB = "probB_"
            case proba = "predict_proba", decisionFunction = "decision_function"
        }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            (name, data, params) = (try c.decode(String.self, forKey: .name), try c.decode(String.self, forKey: .data),
                                    try c.decode(Params.self, forKey: .params))
            probability = try c.decode(Bool.self, forKey: .probability)
            support = try c.decode([Int].self, forKey: .support)
            supportCounts = try c.decode([Int].self, forKey: .supportCounts)
            dualCoefficients = try c.decode([[Double]].self, forKey: .dualCoefficients)
            intercepts = try c.decode([Double].self, forKey: .intercepts)
            gamma = try c.decode(Double.self, forKey: .gamma)
            iterations = try c.decode([Int].self, forKey: .iterations)
            // Two classes: one value per row; more: one row of pair values per row.
            if let rows = try? c.decode([[Double]].self, forKey: .decisionFunction) {
                decisionFunction = rows
            } else {
                decisionFunction = try c.decode([Double].self, forKey: .decisionFunction).map { [$0] }
            }
            predict = try c.decode([Int].self, forKey: .predict)
            probA = try c.decodeIfPresent([Double].self, forKey: .probA)
            probB = try c.decodeIfPresent([Double].self, forKey: .probB)
            proba = try c.decodeIfPresent([[Double]].self, forKey: .proba)
        }
    }

    struct Params: Decodable {
        let kernel: String
        let c: Double
        let gamma: SVMGamma?
        let degree: Int?
        let coef0: Double?
        let classWeight: String?
        enum CodingKeys: String, CodingKey { case kernel, gamma, degree, coef0, c = "C", classWeight = "class_weight" }
    }

    static let loaded: Result<SVMReferenceFixture, any Error> = Result {
        guard let url = Bundle.module.url(forResource: "svm_reference", withExtension: "json", subdirectory: "Resources")
        else { throw CocoaError(.fileNoSuchFile) }
        return try JSONDecoder().decode(SVMReferenceFixture.self, from: Data(contentsOf: url))
    }

    /// The rows and labels a case was fitted on.
    func rows(of c: Case) throws -> (x: Matrix<Double>, y: [Int]) {
        if c.data == "magic" { return (try Matrix(data.magic.x), data.magic.y) }
        let digits = try FeatureTestDigits.digits()
        let keep = (0..<300).filter { digits.labels[$0] < 3 }
        return (digits.pixels.rows(at: keep).map { $0 / 16 }, keep.map { digits.labels[$0] })
    }

    /// The configuration of a case (scikit-learn's defaults where it gives none).
    func configuration(of c: Case) throws -> SupportVectorClassifier {
        guard let kind = SVMKernel.Kind(rawValue: c.params.kernel) else { throw CocoaError(.coderValueNotFound) }
        return SupportVectorClassifier(
            kernel: kind, c: c.params.c, gamma: c.params.gamma ?? .scale, degree: c.params.degree ?? 3,
            coef0: c.params.coef0 ?? 0, tolerance: 1e-3, classWeight: c.params.classWeight == "balanced" ? .balanced : .uniform,
            probability: c.probability, seed: 0)
    }
}
