import AlmagestCore
import AlmagestData

extension EstimatorRegistry {
    /// What `almagest models` prints: a table of the estimators (name, kind, summary), only those
    /// of `kind` when given; with `name`, that estimator's options with their defaults and help.
    /// Throws `RegistryError.unknown` for an unknown name.
    ///
    /// ```swift
    /// print(try EstimatorRegistry.shared.listing(name: "kmeans", kind: nil))
    /// ```
    public func listing(name: String?, kind: EstimatorKind?) throws -> String {
        if let name {
            let entry = try entry(name)
            var table = TextTable(header: ["option", "default", "meaning"])
            for key in entry.defaults.keys.sorted() {
                table.append([key, entry.defaults[key]!.description, entry.optionHelp[key] ?? ""])
            }
            return "\(entry.name) (\(entry.kind.rawValue), \(entry.configurationType)): \(entry.summary)\n\n" + table.rendered
        }
        var table = TextTable(header: ["name", "kind", "what it does"])
        for entry in entries(of: kind) { table.append([entry.name, entry.kind.rawValue, entry.summary]) }
        return table.rendered
    }
}
