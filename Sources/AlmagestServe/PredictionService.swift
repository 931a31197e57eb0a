import AlmagestCore
import AlmagestLearn
import Foundation

/// What the prediction server answers, without the HTTP around it: `POST /predict` rows (JSON or
/// CSV) in, classes and per-class probabilities out; `GET /model`; `GET /health`. The rows of a
/// request become one matrix and go through the pipeline once; the name tables, the description
/// and the health answer are built once, when the service is made.
///
/// A response is JSON: `{"predictions": [{"class": "h", "probabilities": {"g": 0.12, "h": 0.88}}]}`
/// (one entry per row, in order, also for a single object), or `{"error": "...", "status": 400}`.
/// The class is the row's most probable class (the first on ties) — `predict` itself for the
/// forests, trees, logistic regression and k-NN; for models that decide on logits (MLP, naive
/// Bayes, AdaBoost) it differs from `predict` only on probabilities tied after rounding.
/// Numbers are printed shortest-round-trip, so a client reads back exactly the `Double`s the
/// pipeline computed. Cost: that of the pipeline on the rows, plus O(bytes) to read and write.
///
/// ```swift
/// let service = PredictionService(model: served)
/// let answer = service.predict(body: Array(#"{"a": 1, "b": 2}"#.utf8), contentType: "application/json")
/// answer.status   // 200
/// ```
public struct PredictionService: Sendable {
    /// A response: status, content type and body.
    public struct Answer: Sendable {
        public var status: Int
        public var contentType: String
        public var body: [UInt8]
    }

    public let model: ServedModel

    public init(model: ServedModel) {
        self.model = model
        let pipeline = model.pipeline
        let columns = FeatureColumns(names: pipeline.featureNames, acceptsMissingValues: pipeline.acceptsMissingValues)
        self.json = JSONRowReader(columns: columns)
        self.csv = CSVRowReader(columns: columns)
        let classIndex = Dictionary(pipeline.classes.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        self.classIndex = classIndex
        self.quotedClassNames = pipeline.classNames.map { PredictionService.quoted($0) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        self.modelAnswer = Answer(status: 200, contentType: Self.jsonType, body: Array((try? encoder.encode(model.description)) ?? Data("{}".utf8)))
        self.healthAnswer = Answer(
            status: 200, contentType: Self.jsonType,
            body: Array(#"{"status":"ok","classifier":\#(Self.quoted(pipeline.final.estimator)),"features":\#(pipeline.featureNames.count)}"#.utf8))
    }

    /// `POST /predict`: the rows of `body` (`contentType` JSON or CSV), predicted.
    public func predict(body: [UInt8], contentType: String?) -> Answer {
        do {
            let x = try rows(body, contentType: contentType)
            return Answer(status: 200, contentType: Self.jsonType, body: try predictions(x))
        } catch let error as ServeError {
            return Self.failure(error)
        } catch {
            return Self.failure(.predictionFailed(reason: "\(error)"))
        }
    }

    /// `GET /model`: the description of the pipeline.
    public var describe: Answer { modelAnswer }

    /// `GET /health`.
    public var health: Answer { healthAnswer }

    /// The JSON answer of an error.
    public static func failure(_ error: ServeError) -> Answer {
        Answer(status: error.status, contentType: jsonType,
               body: Array(#"{"error":\#(quoted(error.description)),"status":\#(error.status)}"#.utf8))
    }

    // MARK: - Private

    private static let jsonType = "application/json; charset=utf-8"
    private let json: JSONRowReader
    private let csv: CSVRowReader
    private let classIndex: [Int: Int]
    private let quotedClassNames: [String]
    private let modelAnswer: Answer
    private let healthAnswer: Answer

    private func rows(_ body: [UInt8], contentType: String?) throws -> Matrix<Double> {
        let type = (contentType ?? "application/json").split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        switch type {
        case "application/json", "": return try json.read(body)
        case "text/csv": return try csv.read(body)
        default: throw ServeError.unsupportedContentType(contentType ?? "")
        }
    }

    /// The pipeline once over all rows: probabilities, and each row's most probable class.
    private func predictions(_ x: Matrix<Double>) throws -> [UInt8] {
        let pipeline = model.pipeline
        let p: Matrix<Double>
        do { p = try pipeline.predictProbabilities(x) } catch {
            throw ServeError.predictionFailed(reason: "\(error)")
        }
        // The class of a row is its most probable one (the first on ties): one pass of the model,
        // and the same rule as `predict` of the forests, trees, logistic regression and k-NN.
        let labels = p.argmaxPerRow().map { pipeline.classes[$0] }
        let names = quotedClassNames
        var out = [UInt8]()
        out.reserveCapacity(32 + x.rows * (24 + names.count * 32))
        out.append(contentsOf: #"{"predictions":["#.utf8)
        p.withUnsafeBufferPointer { probabilities in
            for i in 0..<x.rows {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: #"{"class":"#.utf8)
                out.append(contentsOf: classIndex[labels[i]].map { names[$0] }?.utf8 ?? "null".utf8)
                out.append(contentsOf: #","probabilities":{"#.utf8)
                for k in 0..<names.count {
                    if k > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: names[k].utf8)
                    out.append(UInt8(ascii: ":"))
                    let v = probabilities[i * names.count + k]
                    out.append(contentsOf: v.isFinite ? v.description.utf8 : "null".utf8)
                }
                out.append(contentsOf: "}}".utf8)
            }
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
