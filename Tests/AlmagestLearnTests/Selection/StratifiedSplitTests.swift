import AlmagestCore
import AlmagestLearn
import Foundation
import Testing

struct StratifiedSplitTests {
    /// 100 rows of class 0, 30 of class 5, 7 of class 9, interleaved.
    let labels: [Int] = (0..<137).map { i in i < 100 ? 0 : (i < 130 ? 5 : 9) }.enumerated()
        .sorted { ($0.offset * 37) % 137 < ($1.offset * 37) % 137 }.map(\.element)

    @Test(arguments: [0.2, 0.25, 0.5, 0.9])
    func keepsClassProportions(fraction: Double) throws {
        let parts = try StratifiedSplit(testFraction: fraction, seed: 3).split(labels: labels)
        #expect(Set(parts.train).isDisjoint(with: parts.test))
        #expect((parts.train + parts.test).sorted() == Array(labels.indices))
        #expect(parts.train == parts.train.sorted() && parts.test == parts.test.sorted())
        for (label, count) in [(0, 100), (5, 30), (9, 7)] {
            let inTest = parts.testLabels(labels).filter { $0 == label }.count
            let inTrain = parts.trainLabels(labels).filter { $0 == label }.count
            #expect(inTest + inTrain == count)
            #expect(inTest >= 1 && inTrain >= 1)
            #expect(abs(Double(inTest) - Double(count) * fraction) <= 0.5 + 1e-9 || inTest == 1 || inTrain == 1)
        }
    }

    @Test func sameSeedSameSplitOtherSeedOtherSplit() throws {
        let a = try StratifiedSplit(testFraction: 0.2, seed: 11).split(labels: labels)
        let b = try StratifiedSplit(testFraction: 0.2, seed: 11).split(labels: labels)
        let c = try StratifiedSplit(testFraction: 0.2, seed: 12).split(labels: labels)
        #expect(a == b)
        #expect(a.test != c.test)
        #expect(a.test.count == c.test.count)
    }

    @Test func smallClassesKeepOneRowOnEachSide() throws {
        let y = [4, 4, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7]
        let split = try StratifiedSplit(testFraction: 0.1, seed: 0)
        let parts = try split.split(labels: y)
        #expect(parts.testLabels(y).filter { $0 == 4 }.count == 1)
        #expect(parts.testLabels(y).filter { $0 == 7 }.count == 1)
        #expect(split.testCount(ofClassWith: 2) == 1)
        #expect(try StratifiedSplit(testFraction: 0.99, seed: 0).testCount(ofClassWith: 10) == 9)
    }

    @Test func refusesBadFractionsAndClasses() throws {
        for fraction in [0.0, 1.0, -0.1, 1.5, .nan] {
            #expect(throws: FitError.self) { try StratifiedSplit(testFraction: fraction) }
        }
        #expect(throws: FitError.tooFewSamples(
            method: "a stratified split", needed: 2, got: 1,
            reason: "class 8 has 1 row; every class needs one in each part")) {
            try StratifiedSplit().split(labels: [1, 1, 1, 8])
        }
        #expect(throws: FitError.self) { try StratifiedSplit().split(labels: []) }
        let error = #expect(throws: FitError.self) { try StratifiedSplit(testFraction: 2) }
        #expect(error?.description == "invalid test fraction = 2.0: expected a value strictly between 0 and 1")
    }

    @Test func codableRoundTripValidates() throws {
        let split = try StratifiedSplit(testFraction: 0.3, seed: 9)
        let data = try JSONEncoder().encode(split)
        #expect(try JSONDecoder().decode(StratifiedSplit.self, from: data) == split)
        let bad = Data(#"{"testFraction":1.5,"seed":0}"#.utf8)
        #expect(throws: FitError.self) { try JSONDecoder().decode(StratifiedSplit.self, from: bad) }
    }
}

@Suite struct PermutationImportanceTests {
    /// A model that reads only column 0: shuffling column 1 costs nothing, shuffling column 0 costs
    /// about half the accuracy (two balanced classes).
    struct FirstColumnModel: FittedClassifier, Equatable {
        var classes: [Int] { [0, 1] }
        func predict(_ x: Matrix<Double>) throws -> [Int] { (0..<x.rows).map { x[$0, 0] > 0 ? 1 : 0 } }
        func predictProbabilities(_ x: Matrix<Double>) throws -> Matrix<Double> {
            let p = try predict(x)
            return Matrix(rows: x.rows, columns: 2) { i, k in p[i] == k ? 1 : 0 }
        }
    }

    @Test func dropsOnlyForTheColumnTheModelReads() throws {
        let labels = (0..<400).map { $0 % 2 }
        let x = Matrix<Double>(rows: 400, columns: 2) { i, j in j == 0 ? (labels[i] == 1 ? 1 : -1) : Double(i) }
        let (means, deviations) = try PermutationImportance(repeats: 4, seed: 1).measure(FirstColumnModel(), x, labels: labels)
        #expect(means[1] == 0 && deviations[1] == 0)
        #expect(abs(means[0] - 0.5) < 0.1 && deviations[0] < 0.1)
        #expect(try PermutationImportance(repeats: 4, seed: 1).measure(FirstColumnModel(), x, labels: labels).means == means)
        #expect(throws: FitError.self) { try PermutationImportance(repeats: 0).measure(FirstColumnModel(), x, labels: labels) }
    }
}
