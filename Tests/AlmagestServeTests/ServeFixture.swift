import AlmagestCore
import AlmagestData
import AlmagestExperiments
import AlmagestLearn
import AlmagestServe
import AlmagestTestSupport
import AlmagestTracking
import Foundation
import Testing

/// The suites that start servers, one test at a time (2 cores).
@Suite(.serialized) enum LiveServeTests {}

/// A slice of MAGIC (every 10th row, columns named as in the UCI description) split 80/20, and
/// three pipelines fitted on the training part: standard scaler + logistic regression logged as a
/// run through `ClassificationExperiment` (so it is served from the run store), a 10-tree random
/// forest, and simple imputer + standard scaler + logistic regression (accepts missing values).
struct ServeFixture: Sendable {
    static let names = ["fLength", "fWidth", "fSize", "fConc", "fConc1", "fAsym", "fM3Long", "fM3Trans", "fAlpha", "fDist"]

    let root: URL
    let runID: String
    let logistic: ServedModel
    let forest: ServedModel
    let imputing: ServedModel
    /// Held-out rows and their class names.
    let test: Matrix<Double>
    let testClasses: [String]

    static let shared: Result<ServeFixture, any Error> = Result { try ServeFixture() }
    static func get() throws -> ServeFixture { try shared.get() }

    private init() throws {
        let magic = try CSVReader.read(
            from: Reference.url("datasets/magic-gamma/magic04.data"), options: CSVOptions(header: .absent), target: -1)
        let slice = try magic.subset(Array(stride(from: 0, to: magic.count, by: 10)))
        let named = try Dataset(features: slice.features, labels: slice.labels, featureNames: Self.names,
                                classNames: slice.classNames, provenance: .init(source: "magic04.data, every 10th row"))
        root = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-serve-\(UUID().uuidString)")
        let store = try RunStore(root: root)
        let experiment = ClassificationExperiment(experiment: "magic", model: EstimatorSpec("logistic-regression"), seed: 0)
        let result = try experiment.run(on: named, store: store)
        runID = try #require(result.runID)
        logistic = try ServedModel.load(runID, runs: root)

        let y = named.labels!
        let split = try StratifiedSplit(testFraction: 0.2, seed: 0).split(labels: y)
        let xTrain = named.features.rows(at: split.train), yTrain = split.trainLabels(y)
        test = named.features.rows(at: split.test)
        testClasses = split.testLabels(y).map { named.className(of: $0) }
        let classes = named.classNames
        let forestPipeline = try Pipeline(steps: [], final: EstimatorSpec("random-forest", options: ["trees": 10, "seed": 0]))
        forest = ServedModel(pipeline: try forestPipeline.fit(xTrain, labels: yTrain, featureNames: Self.names, classNames: classes))
        let imputingPipeline = try Pipeline(
            steps: [EstimatorSpec("simple-imputer"), EstimatorSpec("standard-scaler")], final: EstimatorSpec("logistic-regression"))
        imputing = ServedModel(pipeline: try imputingPipeline.fit(xTrain, labels: yTrain, featureNames: Self.names, classNames: classes))
    }

    /// Rows `range` of the held-out part as JSON objects (numbers printed shortest-round-trip).
    func jsonObjects(_ range: Range<Int>) -> [String] {
        range.map { i in
            "{" + Self.names.enumerated().map { j, name in "\"\(name)\": \(test[i, j])" }.joined(separator: ", ") + "}"
        }
    }

    /// The answer the pipeline gives in process for rows `range`.
    func expected(_ model: ServedModel, _ range: Range<Int>) throws -> [PredictionAnswer.Row] {
        let x = test.rows(at: Array(range))
        let names = try model.pipeline.predictNames(x)
        let p = try model.pipeline.predictProbabilities(x)
        return (0..<x.rows).map { i in
            PredictionAnswer.Row(
                class: names[i],
                probabilities: Dictionary(uniqueKeysWithValues: model.pipeline.classNames.enumerated().map { ($1, p[i, $0]) }))
        }
    }
}

/// The JSON of a `POST /predict` answer.
struct PredictionAnswer: Decodable, Equatable {
    struct Row: Decodable, Equatable {
        let `class`: String
        let probabilities: [String: Double]
    }
    let predictions: [Row]
}

/// The JSON of an error answer.
struct ErrorAnswer: Decodable {
    let error: String
    let status: Int
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Starts the server on a free loopback port, runs `body` with the port, then stops the server.
func withServer<T: Sendable>(_ model: ServedModel, maxBodyBytes: Int = 1 << 20, _ body: @Sendable (Int) async throws -> T) async throws -> T {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let server = try PredictionServer(model: model, host: "127.0.0.1", port: 0, maxBodyBytes: maxBodyBytes)
    let task = Task {
        try await server.run(handlesSignals: false) { port in continuation.yield(port) }
    }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else {
        task.cancel()
        throw TestFailure("the prediction server did not start")
    }
    do {
        let result = try await body(port)
        task.cancel()
        _ = await task.result
        return result
    } catch {
        task.cancel()
        _ = await task.result
        throw error
    }
}

/// Runs blocking client calls on a thread of their own, so waiting never blocks the cooperative
/// threads (nor Dispatch's pool, which adds threads slowly when they block).
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// One request on a fresh keep-alive connection.
func send(port: Int, _ method: String, _ path: String, contentType: String? = "application/json", body: String = "")
    async throws -> LoopbackHTTPClient.Answer
{
    try await onThread {
        let client = try LoopbackHTTPClient(port: port)
        return try client.send(method, path, headers: contentType.map { ["Content-Type": $0] } ?? [:], body: Array(body.utf8))
    }
}

func decode<T: Decodable>(_ type: T.Type, _ answer: LoopbackHTTPClient.Answer) throws -> T {
    do { return try JSONDecoder().decode(T.self, from: Data(answer.body)) } catch {
        throw TestFailure("status \(answer.status), body \(answer.text.prefix(300)): \(error)")
    }
}
