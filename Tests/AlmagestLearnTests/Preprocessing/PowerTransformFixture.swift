import AlmagestCore
import AlmagestTestSupport
import Foundation

/// `shared/reference/power_transform.json` (see `shared/reference/README.md`), decoded with
/// `JSONDecoder` so that every number is the exact float64 written.
struct PowerTransformFixture: Decodable {
    let fits: [Fit]

    struct Fit: Decodable {
        let name: String
        let nFitRows: Int
        let inputRows0_19: [[Double]]
        let yeoJohnson: PowerFit
        let boxCox: PowerFit
        let robustScaler: Robust
        let minmaxScaler: MinMax

        enum CodingKeys: String, CodingKey {
            case name
            case nFitRows = "n_fit_rows"
            case inputRows0_19 = "input_rows_0_19"
            case yeoJohnson = "yeo_johnson"
            case boxCox = "box_cox"
            case robustScaler = "robust_scaler"
            case minmaxScaler = "minmax_scaler"
        }
    }

    struct PowerFit: Decodable {
        /// Absent for Yeo-Johnson (every column).
        let columnIndices: [Int]?
        let lambdas: [Double]
        let lambdasRefined: [Double]
        let logLikelihoodAtLambdas: [Double]
        let standardizerMean: [Double]
        let standardizerScale: [Double]
        let transformedRows: [Int]
        let transformedValues: [[Double]]
        let unstandardizedValues: [[Double]]

        enum CodingKeys: String, CodingKey {
            case columnIndices = "column_indices"
            case lambdas = "lambdas_"
            case lambdasRefined = "lambdas_refined"
            case logLikelihoodAtLambdas = "log_likelihood_at_lambdas_"
            case standardizerMean = "standardizer_mean_"
            case standardizerScale = "standardizer_scale_"
            case transformedRows = "transformed_rows"
            case transformedValues = "transformed_values"
            case yeoJohnsonUnstandardized = "yeo_johnson_unstandardized_values"
            case boxCoxUnstandardized = "box_cox_unstandardized_values"
        }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            columnIndices = try c.decodeIfPresent([Int].self, forKey: .columnIndices)
            lambdas = try c.decode([Double].self, forKey: .lambdas)
            lambdasRefined = try c.decode([Double].self, forKey: .lambdasRefined)
            logLikelihoodAtLambdas = try c.decode([Double].self, forKey: .logLikelihoodAtLambdas)
            standardizerMean = try c.decode([Double].self, forKey: .standardizerMean)
            standardizerScale = try c.decode([Double].self, forKey: .standardizerScale)
            transformedRows = try c.decode([Int].self, forKey: .transformedRows)
            transformedValues = try c.decode([[Double]].self, forKey: .transformedValues)
            unstandardizedValues = try c.decodeIfPresent([[Double]].self, forKey: .yeoJohnsonUnstandardized)
                ?? c.decode([[Double]].self, forKey: .boxCoxUnstandardized)
        }
    }

    struct Robust: Decodable {
        let center: [Double]
        let scale: [Double]
        enum CodingKeys: String, CodingKey { case center = "center_", scale = "scale_" }
    }

    struct MinMax: Decodable {
        let dataMin: [Double]
        let dataMax: [Double]
        enum CodingKeys: String, CodingKey { case dataMin = "data_min_", dataMax = "data_max_" }
    }

    static let loaded: Result<PowerTransformFixture, any Error> = Result {
        try Reference.decode(PowerTransformFixture.self, from: "power_transform.json")
    }
}
