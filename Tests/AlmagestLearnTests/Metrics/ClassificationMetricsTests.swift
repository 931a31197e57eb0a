import AlmagestCore
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

/// Every value of every case of `classification_metrics.json` (scikit-learn 1.9.1): counts
/// exact, the rest 1e-12 relative; plus the ROC curve's shape and the input checks.
@Suite struct ClassificationMetricsTests {
    nonisolated(unsafe) static let cases = try! Reference.json("classification_metrics.json").objects("cases")!
    static let caseNames = cases.map { $0["name"] as! String }

    struct Case {
        let truth: [Int], predicted: [Int]
        let scores: [Double]?
        let probabilities: Matrix<Double>?
        let expected: [String: Any]
    }

    static func load(_ name: String) throws -> Case {
        let c = cases.first { ($0["name"] as! String) == name }!
        let probabilities = try c.rows("y_proba").map { try Matrix<Double>($0) }
        return Case(
            truth: c.ints("y_true")!, predicted: c.ints("y_pred")!, scores: c.doubles("y_score"),
            probabilities: probabilities, expected: c.object("expected")!)
    }

    static func expectClose(_ got: Double?, _ want: Double?, _ what: String) {
        guard let want else {
            #expect(got == nil, "\(what): expected nil, got \(String(describing: got))")
            return
        }
        guard let got else {
            Issue.record("\(what): got nil, expected \(want)")
            return
        }
        #expect(isClose(got, want, relative: 1e-12), "\(what): got \(got), expected \(want)")
    }

    @Test("fixture covers binary and multiclass cases") func fixtureShape() {
        #expect(Self.cases.count == 5)
        #expect(Set(Self.cases.map { $0["kind"] as! String }) == ["binary", "multiclass"])
    }

    @Test("confusion matrix, accuracy and per-class scores", arguments: caseNames)
    func countsAndPerClass(name: String) throws {
        let c = try Self.load(name)
        let report = try ClassificationReport(truth: c.truth, predicted: c.predicted, scores: c.scores, probabilities: c.probabilities)
        #expect(report.confusion.labels == c.expected.ints("labels"))
        let counts = (c.expected["confusion_matrix"] as! [[NSNumber]]).map { $0.map(\.intValue) }
        #expect(report.confusion.counts == counts)
        Self.expectClose(report.accuracy, c.expected.double("accuracy_score"), "\(name) accuracy")
        let perClass = c.expected.object("per_class")!
        #expect(report.perClass.support == perClass.ints("support"))
        for (key, got) in [("precision", report.perClass.precision), ("recall", report.perClass.recall), ("f1", report.perClass.f1)] {
            let want = perClass.doubles(key)!
            #expect(got.count == want.count)
            for (g, w) in zip(got, want) { Self.expectClose(g, w, "\(name) per-class \(key)") }
        }
    }

    @Test("averaged precision, recall and F1", arguments: caseNames)
    func averages(name: String) throws {
        let c = try Self.load(name)
        let report = try ClassificationReport(truth: c.truth, predicted: c.predicted)
        let pairs: [(String, AveragedScores?)] = [
            ("binary", report.binary), ("macro", report.macro), ("weighted", report.weighted), ("micro", report.micro),
        ]
        for (key, got) in pairs {
            guard let want = c.expected.object(key) else {
                #expect(got == nil, "\(name) \(key) should not apply")
                continue
            }
            Self.expectClose(got?.precision, want.double("precision"), "\(name) \(key) precision")
            Self.expectClose(got?.recall, want.double("recall"), "\(name) \(key) recall")
            Self.expectClose(got?.f1, want.double("f1"), "\(name) \(key) f1")
        }
        let macro = try precisionRecallF1(truth: c.truth, predicted: c.predicted, average: .macro)
        #expect(macro == report.macro)
    }

    @Test("agreement: balanced accuracy, MCC, kappa", arguments: caseNames)
    func agreement(name: String) throws {
        let c = try Self.load(name)
        let report = try ClassificationReport(truth: c.truth, predicted: c.predicted)
        Self.expectClose(report.balancedAccuracy, c.expected.double("balanced_accuracy_score"), "\(name) balanced accuracy")
        Self.expectClose(report.matthewsCorrelation, c.expected.double("matthews_corrcoef"), "\(name) MCC")
        Self.expectClose(report.cohenKappa, c.expected.double("cohen_kappa_score"), "\(name) kappa")
        Self.expectClose(report.cohenKappaLinear, c.expected.double("cohen_kappa_score_linear"), "\(name) linear kappa")
        Self.expectClose(report.cohenKappaQuadratic, c.expected.double("cohen_kappa_score_quadratic"), "\(name) quadratic kappa")
        #expect(try cohenKappa(truth: c.truth, predicted: c.predicted, weighting: .quadratic) == report.cohenKappaQuadratic)
        #expect(try matthewsCorrelation(truth: c.truth, predicted: c.predicted) == report.matthewsCorrelation)
    }

    @Test("score-based: ROC AUC (binary, ovr, ovo), average precision, log loss", arguments: caseNames)
    func scoreBased(name: String) throws {
        let c = try Self.load(name)
        let report = try ClassificationReport(truth: c.truth, predicted: c.predicted, scores: c.scores, probabilities: c.probabilities)
        Self.expectClose(report.rocAUC, c.expected.double("roc_auc_score"), "\(name) ROC AUC")
        Self.expectClose(report.rocAUCOneVsRestWeighted, c.expected.double("roc_auc_ovr_weighted"), "\(name) ovr weighted")
        Self.expectClose(report.rocAUCOneVsOne, c.expected.double("roc_auc_ovo_macro"), "\(name) ovo")
        Self.expectClose(report.averagePrecision, c.expected.double("average_precision_score"), "\(name) AP")
        Self.expectClose(report.logLoss, c.expected.double("log_loss"), "\(name) log loss")
        #expect(report.dictionary["log_loss"] == report.logLoss)
        #expect(report.dictionary["f1_macro"] == report.macro.f1)
    }

    @Test("ROC curve runs from (0, 0) to (1, 1), monotone, and its trapezoids give the AUC")
    func rocCurveShape() throws {
        let c = try Self.load("binary_tied_scores")
        let curve = try ROCCurve(truth: c.truth, scores: c.scores!)
        #expect(curve.falsePositiveRates.first == 0 && curve.truePositiveRates.first == 0)
        #expect(curve.falsePositiveRates.last == 1 && curve.truePositiveRates.last == 1)
        #expect(curve.thresholds.first == .infinity)
        #expect(curve.thresholds.count == Set(c.scores!).count + 1)
        #expect(zip(curve.falsePositiveRates, curve.falsePositiveRates.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(zip(curve.thresholds, curve.thresholds.dropFirst()).allSatisfy { $0 > $1 })
        var area = 0.0
        for i in 1..<curve.thresholds.count {
            area += (curve.falsePositiveRates[i] - curve.falsePositiveRates[i - 1])
                * (curve.truePositiveRates[i] + curve.truePositiveRates[i - 1]) / 2
        }
        #expect(isClose(area, curve.area, relative: 1e-12))
        #expect(try rocAUC(truth: c.truth, scores: c.scores!) == curve.area)
    }

    @Test("hand-checked small values")
    func handChecked() throws {
        #expect(try rocAUC(truth: [0, 0, 1, 1], scores: [0.1, 0.4, 0.35, 0.8]) == 0.75)
        #expect(try rocAUC(truth: [0, 1], scores: [0.5, 0.5]) == 0.5)  // a tie counts 1/2
        #expect(isClose(try averagePrecision(truth: [0, 0, 1, 1], scores: [0.1, 0.4, 0.35, 0.8]), 5.0 / 6.0))
        #expect(isClose(try logLoss(truth: [0, 1], scores: [0.2, 0.9]), -(log(0.8) + log(0.9)) / 2))
        #expect(isClose(try logLoss(truth: [1], scores: [0]), -log(Double.ulpOfOne)))  // clipped, finite
        #expect(try accuracy(truth: [3, 7, 7], predicted: [3, 7, 3]) == 2.0 / 3.0)
    }

    @Test("bad input gives typed errors")
    func badInput() throws {
        #expect(throws: FitError.self) { try ConfusionMatrix(truth: [0, 1], predicted: [0]) }
        #expect(throws: FitError.self) { try ConfusionMatrix(truth: [], predicted: []) }
        #expect(throws: FitError.self) { try rocAUC(truth: [1, 1, 1], scores: [0.1, 0.2, 0.3]) }   // one class only
        #expect(throws: FitError.self) { try rocAUC(truth: [0, 2], scores: [0.1, 0.2]) }           // not 0/1
        #expect(throws: FitError.self) { try rocAUC(truth: [0, 1], scores: [0.1, .nan]) }
        #expect(throws: FitError.self) { try averagePrecision(truth: [0, 0], scores: [0.1, 0.2]) }  // no positives
        #expect(throws: FitError.self) { try precisionRecallF1(truth: [0, 2], predicted: [0, 1], average: .binary) }
        let p = try Matrix<Double>([[0.7, 0.3], [0.2, 0.8]])
        #expect(throws: FitError.self) { try logLoss(truth: [0, 2], probabilities: p) }             // label outside 0..<2
        #expect(throws: FitError.self) { try logLoss(truth: [0], probabilities: p) }                // row count
        #expect(throws: FitError.self) { try rocAUC(truth: [0, 0], probabilities: p, multiclass: .oneVsOneMacro) }
        #expect(throws: FitError.self) {
            try ClassificationReport(truth: [0, 1], predicted: [0, 1], scores: [0.2, 0.7], probabilities: p)
        }
        #expect {
            try ConfusionMatrix(truth: [0, 1, 1], predicted: [0, 1])
        } throws: { error in
            guard case let FitError.invalidLabels(reason) = error else { return false }
            return reason.contains("3 true labels") && reason.contains("2 predicted labels")
        }
    }
}
