import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

struct MLPClassifierTests {
    /// Two Gaussian blobs, labels 3 and 8.
    func blobs(_ n: Int, seed: Int) -> (Matrix<Double>, [Int]) {
        var rng = RandomStream(seed: seed)
        var labels: [Int] = []
        let x = Matrix<Double>(rows: n, columns: 3) { i, j in
            if j == 0 { labels.append(i % 2 == 0 ? 3 : 8) }
            return rng.nextNormal() + (i % 2 == 0 ? 1.5 : -1.5) * (j == 0 ? 1 : 0.5)
        }
        return (x, labels)
    }

    @Test func conformance() throws {
        let (x, y) = blobs(60, seed: 1)
        let mlp = MLPClassifier(hiddenLayerSizes: [8], batchSize: 16, epochs: 5, seed: 3)
        try Conformance.check("MLPClassifier", data: x) { try mlp.fit($0, labels: y) }
    }

    @Test(arguments: MLPClassifier.Solver.allCases)
    func separatesBlobs(solver: MLPClassifier.Solver) throws {
        let (x, y) = blobs(400, seed: 2)
        let mlp = MLPClassifier(hiddenLayerSizes: [16, 16], activation: .tanh, solver: solver,
                                learningRate: solver == .adam ? 1e-2 : 5e-2, batchSize: 32, epochs: 30,
                                earlyStopping: true, patience: 5, seed: 4)
        let model = try mlp.fit(x, labels: y)
        #expect(model.classes == [3, 8])
        #expect(model.layerSizes == [3, 16, 16, 2])
        let (xt, yt) = blobs(200, seed: 5)
        let accuracy = Double(zip(try model.predict(xt), yt).filter { $0 == $1 }.count) / 200
        #expect(accuracy > 0.9)
        let p = try model.predictProbabilities(xt)
        #expect(p.columns == 2)
        for i in 0..<p.rows { #expect(abs(p[i, 0] + p[i, 1] - 1) < 1e-5) }
        #expect(!model.validationLosses.isEmpty && model.validationLosses.count == model.lossCurve.count)
        #expect(model.lossCurve.last! < model.lossCurve.first!)
    }

    @Test func refusesBadInput() throws {
        let (x, y) = blobs(20, seed: 1)
        #expect(throws: FitError.self) { try MLPClassifier(hiddenLayerSizes: [0]).fit(x, labels: y) }
        #expect(throws: FitError.self) { try MLPClassifier(learningRate: -1).fit(x, labels: y) }
        #expect(throws: FitError.self) { try MLPClassifier().fit(x, labels: Array(y.dropLast())) }
        #expect(throws: FitError.self) { try MLPClassifier().fit(x, labels: [Int](repeating: 1, count: 20)) }
        let model = try MLPClassifier(hiddenLayerSizes: [4], epochs: 1).fit(x, labels: y)
        #expect(throws: FitError.featureCountMismatch(expected: 3, got: 2)) {
            try model.predict(Matrix<Double>(rows: 2, columns: 2))
        }
        // A corrupted model file is refused with an error, not a crash.
        var json = String(decoding: try JSONEncoder().encode(model), as: UTF8.self)
        json = json.replacingOccurrences(of: #""layerSizes":[3,4,2]"#, with: #""layerSizes":[]"#)
        let broken = try JSONDecoder().decode(MLPClassifierModel.self, from: Data(json.utf8))
        #expect(throws: FitError.self) { try broken.predict(x) }
        let shortened = json.replacingOccurrences(of: #""layerSizes":[]"#, with: #""layerSizes":[3,5,2]"#)
        let mismatched = try JSONDecoder().decode(MLPClassifierModel.self, from: Data(shortened.utf8))
        #expect(throws: ShapeError.self) { try mismatched.predict(x) }
    }

    /// Acceptance on MAGIC gamma telescope (UCI; 19,020 rows, 10 features, classes g/h): stratified
    /// 80/20 split, standardised with the training part's mean and deviation, a 10-95-95-2 network.
    @Test func magicGammaAccuracy() throws {
        let url = Reference.url("datasets/magic-gamma/magic04.data")
        guard FileManager.default.fileExists(atPath: url.path) else {
            Issue.record("MAGIC data set missing at \(url.path)")
            return
        }
        let magic = try CSVReader.read(from: url, options: CSVOptions(header: .absent), target: -1)
        #expect(magic.classNames == ["g", "h"] && magic.featureCount == 10)
        let y = try #require(magic.labels)
        let parts = try StratifiedSplit(testFraction: 0.2, seed: 42).split(labels: y)
        let train = try magic.subset(parts.train), test = try magic.subset(parts.test)
        let scaler = try StandardScaler().fit(train.features)
        let xTrain = try scaler.transform(train.features), xTest = try scaler.transform(test.features)
        let mlp = MLPClassifier(hiddenLayerSizes: [95, 95], learningRate: 2e-3, batchSize: 256, epochs: 12, seed: 7)
        let model = try mlp.fit(xTrain, labels: parts.trainLabels(y))
        let predicted = try model.predict(xTest)
        let accuracy = Double(zip(predicted, parts.testLabels(y)).filter { $0 == $1 }.count) / Double(parts.test.count)
        print("MAGIC MLP 10-95-95-2 test accuracy \(accuracy), epochs \(model.lossCurve.count), mean epoch seconds \(model.epochSeconds.reduce(0, +) / Double(model.epochSeconds.count))")
        #expect(accuracy >= 0.86)
    }
}

extension MLPClassifierTests {
    /// Early stopping holds out a stratified validation part, so a class of one row is refused.
    @Test func earlyStoppingNeedsTwoRowsPerClass() throws {
        let (x, y) = blobs(20, seed: 1)
        var labels = y
        labels[19] = 5
        let mlp = MLPClassifier(hiddenLayerSizes: [4], epochs: 2, earlyStopping: true, seed: 0)
        let error = #expect(throws: FitError.self) { try mlp.fit(x, labels: labels) }
        #expect(error?.description.contains("MLP early stopping") == true && error?.description.contains("class 5 has 1 row") == true)
        let model = try mlp.fit(x, labels: y)
        #expect(model.validationLosses.count == model.lossCurve.count && model.lossCurve.count >= 1)
    }
}
