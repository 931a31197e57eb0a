import AlmagestCore
import AlmagestLearn
import ArgumentParser

/// `almagest models`: the registered estimators, or one estimator's options with their defaults.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the registered estimators (clusterers, classifiers, transformers, factorizers) and their options.",
        discussion: """
            Every estimator is used by name: almagest cluster --algorithm NAME, almagest classify --model NAME, \
            with --option KEY=VALUE for any of its options. Example: almagest models mlp
            """)

    @Argument(help: "An estimator's name: show its options and defaults.")
    var name: String?

    @Option(name: .long, help: "Only estimators of this kind: \(EstimatorKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: EstimatorKind?

    func run() throws {
        try reportingErrors {
            print(try EstimatorRegistry.shared.listing(name: name, kind: kind))
        }
    }
}

extension EstimatorKind: ExpressibleByArgument {}
