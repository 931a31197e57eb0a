import AlmagestCore
import AlmagestLearn
import AlmagestTracking
import Foundation

/// The pipeline a prediction server answers with, and what `GET /model` says about it: loaded from
/// a saved `PipelineModel` file (the `model.json` that `almagest classify` writes into its run
/// folder), a run folder, or a run id (or unique prefix) of a run store. Loading decodes and checks
/// everything once, so a file that is not a model is a clear `ServeError` before any server starts.
/// A run also gives the options each step was fitted with (its `parameters.json`).
///
/// ```swift
/// let served = try ServedModel.load("20270101-120000-random-forest-a1b2c3", runs: URL(fileURLWithPath: "runs"))
/// served.description.classes   // ["g", "h"]
/// ```
public struct ServedModel: Sendable {
    /// The fitted pipeline.
    public let pipeline: PipelineModel
    /// What `GET /model` answers.
    public let description: ModelDescription

    /// A pipeline fitted in this process; `runID` and `parameters` (a run's, as logged) describe
    /// where it came from.
    public init(pipeline: PipelineModel, source: String = "in memory", runID: String? = nil,
                parameters: [String: ParameterValue]? = nil) {
        self.pipeline = pipeline
        self.description = ModelDescription(pipeline, source: source, runID: runID, parameters: parameters)
    }

    /// Loads `reference`: an existing file (a saved pipeline), a folder (a run folder holding
    /// `model.json`), or else a run id or unique prefix in the store at `runs`. Throws
    /// `ServeError.notAModel`, `.runWithoutModel` or `.modelNotFound`.
    public static func load(_ reference: String, runs: URL) throws -> ServedModel {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: reference, isDirectory: &isFolder) {
            let url = URL(fileURLWithPath: reference)
            guard isFolder.boolValue else { return try load(file: url, runID: nil, parameters: nil) }
            let file = url.appendingPathComponent("model.json")
            let runID = url.standardizedFileURL.lastPathComponent
            guard FileManager.default.fileExists(atPath: file.path) else {
                throw ServeError.runWithoutModel(run: runID, path: file.path)
            }
            return try load(file: file, runID: runID, parameters: parametersFile(in: url))
        }
        guard FileManager.default.fileExists(atPath: runs.appendingPathComponent("runs.jsonl").path),
              let record = try? RunStore(root: runs).index.run(id: reference)
        else {
            throw ServeError.modelNotFound(reference: reference, runs: runs.path)
        }
        let file = runs.appendingPathComponent(record.directory).appendingPathComponent("model.json")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw ServeError.runWithoutModel(run: record.id, path: file.path)
        }
        return try load(file: file, runID: record.id, parameters: record.parameters)
    }

    // MARK: - Private

    private static func load(file: URL, runID: String?, parameters: [String: ParameterValue]?) throws -> ServedModel {
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw ServeError.notAModel(path: file.path, reason: "cannot read it (\(error.localizedDescription))")
        }
        let pipeline: PipelineModel
        do { pipeline = try JSONDecoder().decode(PipelineModel.self, from: data) } catch {
            throw ServeError.notAModel(path: file.path, reason: Self.summary(of: error))
        }
        guard !pipeline.featureNames.isEmpty, pipeline.classNames.count == pipeline.classes.count,
              Set(pipeline.featureNames).count == pipeline.featureNames.count
        else {
            throw ServeError.notAModel(
                path: file.path,
                reason: "\(pipeline.featureNames.count) feature names (\(Set(pipeline.featureNames).count) distinct) and "
                    + "\(pipeline.classNames.count) class names for \(pipeline.classes.count) classes; expected distinct features and one name per class")
        }
        return ServedModel(pipeline: pipeline, source: file.path, runID: runID, parameters: parameters)
    }

    private static func parametersFile(in folder: URL) -> [String: ParameterValue]? {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("parameters.json")) else { return nil }
        return try? JSONDecoder().decode([String: ParameterValue].self, from: data)
    }

    /// One line for a decoding error: what was expected where.
    private static func summary(of error: Error) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case let DecodingError.keyNotFound(key, context):
            return "no \"\(key.stringValue)\" at \(path(context.codingPath))"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            return "\(context.debugDescription) at \(path(context.codingPath))"
        case let DecodingError.dataCorrupted(context):
            return "\(context.debugDescription)" + (context.codingPath.isEmpty ? "" : " at \(path(context.codingPath))")
        default:
            return "\(error)"
        }
    }
}

/// What a served pipeline is: its steps and classifier with their options (known when it comes
/// from a run), the features it expects, its classes, and where it was loaded from.
public struct ModelDescription: Codable, Sendable, Equatable {
    /// A registered estimator of the pipeline and the options it was fitted with (nil: not known,
    /// the model was loaded from a bare file).
    public struct Step: Codable, Sendable, Equatable {
        public var estimator: String
        public var options: [String: ParameterValue]?
    }

    public var steps: [Step]
    public var classifier: Step
    /// The feature names, in the pipeline's column order.
    public var features: [String]
    /// The class names, in the order of the probabilities.
    public var classes: [String]
    /// Whether `null` (a missing value) is accepted: the first step is an imputer.
    public var acceptsMissingValues: Bool
    /// The training run, when the model was loaded from a run store or run folder.
    public var runID: String?
    /// The file the model was read from.
    public var source: String

    init(_ pipeline: PipelineModel, source: String, runID: String?, parameters: [String: ParameterValue]?) {
        func options(_ name: String, prefixed: Bool) -> [String: ParameterValue]? {
            guard let parameters else { return nil }
            if prefixed {
                let prefix = name + "."
                return Dictionary(uniqueKeysWithValues: parameters.compactMap { key, value in
                    key.hasPrefix(prefix) ? (String(key.dropFirst(prefix.count)), value) : nil
                })
            }
            guard let defaults = try? EstimatorRegistry.shared.entry(name).defaults else { return nil }
            return parameters.filter { defaults[$0.key] != nil }
        }
        self.steps = pipeline.steps.map { Step(estimator: $0.estimator, options: options($0.estimator, prefixed: true)) }
        self.classifier = Step(estimator: pipeline.final.estimator, options: options(pipeline.final.estimator, prefixed: false))
        self.features = pipeline.featureNames
        self.classes = pipeline.classNames
        self.acceptsMissingValues = pipeline.acceptsMissingValues
        self.runID = runID
        self.source = source
    }
}
