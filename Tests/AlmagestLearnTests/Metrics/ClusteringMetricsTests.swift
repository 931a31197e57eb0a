import Foundation
import AlmagestCore
import AlmagestLearn
import AlmagestTestSupport
import Testing

/// Every value of every `label_cases` entry of `clustering_metrics.json` (scikit-learn 1.9.1),
/// with the README's tolerances: AMI absolute 1e-12, counts exact, the rest 1e-12 relative.
@Suite struct ClusteringMetricsTests {
    nonisolated(unsafe) static let fixture = try! Reference.json("clustering_metrics.json")
    nonisolated(unsafe) static let cases = fixture.objects("label_cases")!
    static let caseNames = cases.map { $0["name"] as! String }

    static func labelCase(_ name: String) -> (truth: [Int], predicted: [Int], expected: [String: Any]) {
        let c = cases.first { ($0["name"] as! String) == name }!
        return (c.ints("labels_true")!, c.ints("labels_pred")!, c.object("expected")!)
    }

    @Test("fixture covers the documented cases") func fixtureShape() {
        #expect(Self.cases.count == 8)
    }

    @Test("contingency table and pair counts", arguments: caseNames)
    func contingencyAndPairs(name: String) throws {
        let (truth, predicted, expected) = Self.labelCase(name)
        let table = try Contingency(labelsTrue: truth, labelsPredicted: predicted)
        #expect(table.sampleCount == truth.count)
        #expect(table.trueLabels == expected.ints("contingency_row_labels_true"))
        #expect(table.predictedLabels == expected.ints("contingency_col_labels_pred"))
        let dense = (expected["contingency_matrix"] as! [[Any]]).map { $0.map { ($0 as! NSNumber).intValue } }
        #expect(table.dense == dense)
        let unordered = expected.object("pair_counts_unordered")!
        let p = table.pairCounts
        #expect(p.trueNegatives == unordered.int("TN"))
        #expect(p.falsePositives == unordered.int("FP"))
        #expect(p.falseNegatives == unordered.int("FN"))
        #expect(p.truePositives == unordered.int("TP"))
        let ordered = (expected["pair_confusion_matrix"] as! [[Any]]).map { $0.map { ($0 as! NSNumber).intValue } }
        #expect(p.orderedConfusionMatrix == ordered)
    }

    @Test("every score matches scikit-learn", arguments: caseNames)
    func scores(name: String) throws {
        let (truth, predicted, expected) = Self.labelCase(name)
        let s = try ClusteringComparison(labelsTrue: truth, labelsPredicted: predicted)
        let relative: [(String, Double)] = [
            ("adjusted_rand_score", s.adjustedRandIndex),
            ("normalized_mutual_info_score", s.normalizedMutualInformation),
            ("homogeneity_score", s.homogeneity),
            ("completeness_score", s.completeness),
            ("v_measure_score", s.vMeasure),
            ("fowlkes_mallows_score", s.fowlkesMallows),
            ("rand_score", s.randIndex),
            ("purity", s.purity),
            ("inverse_purity", s.inversePurity),
            ("conditional_entropy_true_given_pred", s.conditionalEntropyTrueGivenPredicted),
            ("conditional_entropy_pred_given_true", s.conditionalEntropyPredictedGivenTrue),
            ("mutual_info_score", s.mutualInformation),
            ("entropy_true", s.entropyTrue),
            ("entropy_pred", s.entropyPredicted),
            ("expected_mutual_info", s.expectedMutualInformation),
        ]
        for (key, value) in relative {
            let want = expected.double(key)!
            #expect(isClose(value, want, relative: 1e-12), "\(name) \(key): got \(value), expected \(want)")
        }
        if let jaccard = expected.double("pair_jaccard_index") {
            #expect(s.pairJaccardIndex.map { isClose($0, jaccard) } == true, "\(name) jaccard \(String(describing: s.pairJaccardIndex))")
        } else {
            #expect(s.pairJaccardIndex == nil)
        }
        let ami = expected.double("adjusted_mutual_info_score")!
        #expect(isClose(s.adjustedMutualInformation, ami, relative: 0, absolute: 1e-12), "\(name) AMI \(s.adjustedMutualInformation) vs \(ami)")
        let amiBy = expected.object("adjusted_mutual_info_score_by_average_method")!
        let nmiBy = expected.object("normalized_mutual_info_score_by_average_method")!
        for method in AverageMethod.allCases {
            let gotAMI = s.adjustedMutualInformation(average: method)
            let wantAMI = amiBy.double(method.rawValue)!
            if name == "all_singletons_pred" && method == .min {
                // Mathematically 0/0: with one cluster per point MI = H(C) = E[MI] exactly, and the
                // 'min' normaliser is H(C), so both numerator and denominator are rounding noise
                // (scikit-learn's 1.0213 is 48/47 ulps). Check that both are noise, and the value finite.
                #expect(abs(s.mutualInformation - s.expectedMutualInformation) < 1e-13)
                #expect(abs(s.entropyTrue - s.expectedMutualInformation) < 1e-13)
                #expect(gotAMI.isFinite && abs(gotAMI - wantAMI) < 0.1)
                continue
            }
            #expect(isClose(gotAMI, wantAMI, relative: 0, absolute: 1e-12), "\(name) AMI \(method): \(gotAMI) vs \(wantAMI)")
            let gotNMI = s.normalizedMutualInformation(average: method)
            let wantNMI = nmiBy.double(method.rawValue)!
            #expect(isClose(gotNMI, wantNMI), "\(name) NMI \(method): \(gotNMI) vs \(wantNMI)")
        }
    }

    @Test("free functions agree with the comparison value", arguments: caseNames)
    func freeFunctions(name: String) throws {
        let (t, p, _) = Self.labelCase(name)
        let s = try ClusteringComparison(labelsTrue: t, labelsPredicted: p)
        #expect(try adjustedRandIndex(t, p) == s.adjustedRandIndex)
        #expect(try adjustedMutualInformation(t, p) == s.adjustedMutualInformation)
        #expect(try normalizedMutualInformation(t, p, average: .max) == s.normalizedMutualInformation(average: .max))
        #expect(try mutualInformation(t, p) == s.mutualInformation)
        #expect(try expectedMutualInformation(t, p) == s.expectedMutualInformation)
        #expect(try homogeneity(t, p) == s.homogeneity)
        #expect(try completeness(t, p) == s.completeness)
        #expect(try vMeasure(t, p) == s.vMeasure)
        #expect(try fowlkesMallows(t, p) == s.fowlkesMallows)
        #expect(try randIndex(t, p) == s.randIndex)
        #expect(try pairJaccardIndex(t, p) == s.pairJaccardIndex)
        #expect(try purity(t, p) == s.purity)
        #expect(try inversePurity(t, p) == s.inversePurity)
        #expect(try labelEntropy(t) == s.entropyTrue)
        #expect(s.dictionary["adjusted_rand_index"] == s.adjustedRandIndex)
        #expect((s.dictionary["pair_jaccard_index"] != nil) == (s.pairJaccardIndex != nil))
    }

    @Test("E[MI] equals the mean MI over all 720 relabelings of a 6-point labeling")
    func expectedMutualInformationByEnumeration() throws {
        let truth = [0, 0, 0, 1, 1, 2], predicted = [5, 5, 9, 9, 9, 9]
        var total = 0.0, count = 0
        func permute(_ items: [Int], _ prefix: [Int]) {
            if items.isEmpty {
                total += try! mutualInformation(truth, prefix)
                count += 1
                return
            }
            for i in items.indices {
                var rest = items
                let next = rest.remove(at: i)
                permute(rest, prefix + [next])
            }
        }
        permute(predicted, [])
        #expect(count == 720)
        #expect(isClose(try expectedMutualInformation(truth, predicted), total / Double(count), relative: 1e-12))
    }

    @Test("E[MI] of one cluster per point equals H(C), fast for 20,000 points")
    func expectedMutualInformationAllSingletons() throws {
        let n = 20_000
        let truth = (0..<n).map { $0 % 7 }, predicted = Array(0..<n)
        let table = try Contingency(labelsTrue: truth, labelsPredicted: predicted)
        #expect(isClose(table.expectedMutualInformation, table.entropyTrue, relative: 1e-9))
        #expect(isClose(try conditionalEntropy(predicted, given: truth), log(Double(n)) - table.entropyTrue, relative: 1e-12))
    }

    @Test("symmetry: swapping the labelings swaps the one-sided scores")
    func swapping() throws {
        let (t, p, _) = Self.labelCase("independent_random")
        let a = try ClusteringComparison(labelsTrue: t, labelsPredicted: p)
        let b = try ClusteringComparison(labelsTrue: p, labelsPredicted: t)
        #expect(isClose(a.homogeneity, b.completeness))
        #expect(isClose(a.adjustedRandIndex, b.adjustedRandIndex))
        #expect(isClose(a.expectedMutualInformation, b.expectedMutualInformation))
        #expect(isClose(a.purity, b.inversePurity))
    }

    @Test("unequal lengths or empty labelings are refused naming both lengths",
          arguments: [([0, 1, 1], [0, 1]), ([], [])] as [([Int], [Int])])
    func badLabels(truth: [Int], predicted: [Int]) {
        #expect {
            try ClusteringComparison(labelsTrue: truth, labelsPredicted: predicted)
        } throws: { error in
            guard case let FitError.invalidLabels(reason) = error else { return false }
            return reason.contains("\(truth.count) true labels") && reason.contains("\(predicted.count) predicted labels")
        }
        #expect(throws: FitError.self) { try adjustedRandIndex(truth, predicted) }
    }
}
