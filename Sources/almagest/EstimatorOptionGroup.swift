import AlmagestCore
import AlmagestLearn
import ArgumentParser

/// The options of a registered estimator on the command line: `--option KEY=VALUE`, repeatable,
/// for any option the estimator has (`almagest models NAME` lists them), plus the shorthand flags
/// a command offers for common options (`--epochs 30` is `--option epochs=30`). A shorthand that
/// the chosen estimator has no option for is refused, naming the estimator.
struct EstimatorOptionGroup: ParsableArguments {
    @Option(name: .customLong("option"), help: ArgumentHelp(
        "An option of the estimator as KEY=VALUE (repeatable); `almagest models NAME` lists them.", valueName: "key=value"))
    var values: [String] = []

    /// The options for `estimator`: `shorthands` (flag name and option key, nil when the flag was
    /// not given) first, then every `--option`, which wins.
    func options(for estimator: String, shorthands: [(flag: String, key: String, value: String?)]) throws -> [String: ParameterValue] {
        let defaults = try EstimatorRegistry.shared.entry(estimator).defaults
        var options = [String: ParameterValue]()
        for shorthand in shorthands {
            guard let value = shorthand.value else { continue }
            guard defaults[shorthand.key] != nil else {
                throw ValidationError("--\(shorthand.flag) does not apply to \(estimator): it has no option \(shorthand.key) "
                    + "(its options: \(defaults.keys.sorted().joined(separator: ", ")))")
            }
            options[shorthand.key] = .string(value)
        }
        options.merge(try EstimatorOptions.parse(values)) { $1 }
        return options
    }
}
