import AlmagestCore
import AlmagestData
import Foundation
import Testing

/// The CSV reader's numbers equal the correctly rounded values (`Double(String)`, which rounds
/// exactly as `strtod` does), bit for bit, whichever path parsed them: the Clinger fast path for
/// plain decimals of up to 15 significant digits and exponents within ±22, `strtod` otherwise.
@Suite struct CSVNumberTests {
    @Test func everyNumberIsTheCorrectlyRoundedValue() throws {
        var rng = RandomStream(seed: 11)
        var texts = [
            "0", "-0", "-0.0", "+5", "1.", ".5", "-.25", "1e5", "1E-5", "2.5e+3", "0e999", "9007199254740993",
            "123456789012345", "1234567890123456", "0.1", "0.3", "1e22", "1e23", "1e-22", "1e-23", "4.35", "2.675",
            "179769313486231570000000000000000", "4.9e-324", "1.7976931348623157e308", "000123.4500", "1e0001",
            "3.141592653589793", "28.7967", "-3.1e-05", "inf", "-inf", "1e400", "0x1p3", "  7.5 ",
        ]
        for _ in 0..<20_000 {
            let digits = 1 + Int(rng.nextDouble() * 18)
            var text = rng.nextDouble() < 0.3 ? "-" : ""
            let dot = Int(rng.nextDouble() * Double(digits + 1))
            for k in 0..<digits {
                if k == dot { text += "." }
                text += String(Int(rng.nextDouble() * 10))
            }
            if rng.nextDouble() < 0.4 { text += "e\(Int(rng.nextDouble() * 60) - 30)" }
            texts.append(text)
        }
        let csv = "value\n" + texts.joined(separator: "\n") + "\n"
        let dataset = try CSVReader.read(Data(csv.utf8), options: CSVOptions(header: .present))
        #expect(dataset.count == texts.count)
        var mismatches = [String]()
        for (k, text) in texts.enumerated() {
            let expected = Double(text.trimmingCharacters(in: .whitespaces)) ?? strtodValue(text)
            let got = dataset.features[k, 0]
            if got.bitPattern != expected.bitPattern && !(got.isNaN && expected.isNaN) { mismatches.append("\(text): \(got) vs \(expected)") }
        }
        let count = mismatches.count, first = Array(mismatches.prefix(5))
        #expect(count == 0, "first mismatches: \(first)")
    }

    /// Several numbers a line, of every length from 1 to 22 digits (so that the eight-digit loads
    /// of the fused parse start, end and straddle every position, and the 19-digit limit sends
    /// the longest ones to strtod), with leading zeros, exponents and padded fields beside them:
    /// every value bit-equal to the correctly rounded one, on the parallel path at 1 and 2 threads.
    @Test func fieldsOfEveryLengthBesideDelimiters() throws {
        var rng = RandomStream(seed: 12)
        var rows = [[String]]()
        for r in 0..<6_000 {
            var fields = [String]()
            for c in 0..<4 {
                let digits = 1 + (r * 4 + c) % 22
                var text = rng.nextDouble() < 0.3 ? "-" : ""
                let dot = Int(rng.nextDouble() * Double(digits + 1))
                for k in 0..<digits {
                    if k == dot { text += "." }
                    text += String(Int(rng.nextDouble() * 10))
                }
                if rng.nextDouble() < 0.2 { let e = Int(rng.nextDouble() * 40) - 20; text += e < 0 ? "E\(e)" : "E+\(e)" }
                if rng.nextDouble() < 0.05 { text = " " + text + " " }
                fields.append(text)
            }
            rows.append(fields)
        }
        let csv = "a,b,c,d\n" + rows.map { $0.joined(separator: ",") }.joined(separator: "\r\n")
        for threads in [1, 2] {
            let dataset = try Parallel.withThreads(threads) { try CSVReader.read(Data(csv.utf8), options: CSVOptions(header: .present)) }
            #expect(dataset.count == rows.count)
            var mismatches = [String]()
            for (r, fields) in rows.enumerated() {
                for (c, text) in fields.enumerated() {
                    let expected = strtodValue(text)
                    let got = dataset.features[r, c]
                    if got.bitPattern != expected.bitPattern { mismatches.append("\(text): \(got) vs \(expected)") }
                }
            }
            let count = mismatches.count, first = Array(mismatches.prefix(5))
            #expect(count == 0, "threads \(threads), first mismatches: \(first)")
        }
    }

    /// C's strtod of the whole text (for the spellings Swift's initialiser refuses, such as hex).
    private func strtodValue(_ text: String) -> Double {
        text.trimmingCharacters(in: .whitespaces).withCString { strtod($0, nil) }
    }
}
