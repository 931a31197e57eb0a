import Foundation
import AlmagestCore
import AlmagestLearn

/// The steps of `almagest classify --preprocess yeo-johnson,robust,smote`: short names for the
/// usual steps, or any registered transformer or sampler by its name, in the order given.
///
/// ```swift
/// let steps = try PreprocessingShorthand.steps("iqr,yeo-johnson,robust,smote", seed: 0)
/// ```
public enum PreprocessingShorthand {
    /// Short name → registered step.
    public static let table: [(name: String, spec: EstimatorSpec)] = [
        ("standard", EstimatorSpec("standard-scaler")),
        ("robust", EstimatorSpec("robust-scaler")),
        ("minmax", EstimatorSpec("min-max-scaler")),
        ("yeo-johnson", EstimatorSpec("power-transformer", options: ["method": "yeo-johnson"])),
        ("box-cox", EstimatorSpec("power-transformer", options: ["method": "box-cox"])),
        ("impute", EstimatorSpec("simple-imputer")),
        ("iqr", EstimatorSpec("iqr-outliers")),
        ("zscore", EstimatorSpec("zscore-outliers")),
        ("smote", EstimatorSpec("smote")),
        ("pca", EstimatorSpec("pca")),
    ]

    /// The steps of a comma-separated list ("none" or an empty list: no step); a step with a
    /// `seed` option gets `seed`. Throws `RegistryError` for a name that is neither a short name
    /// nor a registered transformer or sampler.
    public static func steps(_ list: String, seed: Int, registry: EstimatorRegistry = .shared) throws -> [EstimatorSpec] {
        let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && $0 != "none" }
        return try names.map { name in
            let spec = table.first { $0.name == name }?.spec ?? EstimatorSpec(name)
            guard let entry = try? registry.entry(spec.name), entry.kind == .transformer || entry.kind == .sampler else {
                throw RegistryError.unknown(
                    name: name,
                    known: table.map(\.name) + (registry.entries(of: .transformer) + registry.entries(of: .sampler)).map(\.name))
            }
            _ = try spec.pipelineStep(registry: registry)
            return try spec.overriding(["seed": .int(seed)], registry: registry)
        }
    }
}
