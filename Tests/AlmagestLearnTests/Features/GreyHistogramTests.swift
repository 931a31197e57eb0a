import AlmagestCore
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

@Suite struct GreyHistogramTests {
    @Test func matchesOpenCVCountsOnFixtureImages() throws {
        let fixture = try Reference.json("digits_features.json")
        let images = try #require(fixture.rows("images"))
        let reference = try #require(fixture.object("grey_histogram"))
        let counts = try #require(reference.rows("counts"))
        let nonZero = try #require(reference["nonzero_bins"] as? [[Int]])
        let histogram = try GreyHistogram.openCV(maxValue: 16)
        let batch = try histogram.features(of: Matrix(images))
        #expect(batch.columns == 256 && batch.rows == images.count)
        for i in images.indices {
            #expect(Array(batch.row(i)) == counts[i], "image \(i)")
            #expect(try histogram.histogram(of: images[i]) == counts[i])
            #expect((0..<256).filter { batch[i, $0] > 0 } == nonZero[i])
        }
    }

    @Test func valueToBinTable() throws {
        let fixture = try Reference.json("digits_features.json")
        let table = try #require(fixture.object("grey_histogram")?.ints("value_to_bin"))
        #expect((0...16).map { GreyHistogram.uint8Code(Double($0), maxValue: 16) } == table)
        let histogram = try GreyHistogram.openCV(maxValue: 16)
        for v in 0...16 {
            let h = try histogram.histogram(of: [Double(v)])
            #expect(h.indices.filter { h[$0] == 1 } == [table[v]])
        }
    }

    @Test func allDigitsCountSixtyFourPixelsInSeventeenPossibleBins() throws {
        let pixels = try FeatureTestDigits.digits().pixels
        let counts = try GreyHistogram.openCV(maxValue: 16).features(of: pixels)
        let fractions = try GreyHistogram.openCV(maxValue: 16, normalisation: .fractions).features(of: pixels)
        let possible = Set((0...16).map { GreyHistogram.uint8Code(Double($0), maxValue: 16) })
        for i in 0..<counts.rows {
            #expect(counts.row(i).reduce(0, +) == 64)
            #expect(abs(fractions.row(i).reduce(0, +) - 1) < 1e-12)
            #expect((0..<256).allSatisfy { counts[i, $0] == 0 || possible.contains($0) })
        }
        #expect(try counts == (Parallel.withThreads(1) { try GreyHistogram.openCV(maxValue: 16).features(of: pixels) }))
    }

    @Test func numpyStyleBinsOnRawValues() throws {
        // numpy.histogram([0, 0.5, 1, 2, 3.999, 4, 4.5, -1], bins=4, range=(0, 4)) -> [2, 1, 1, 2]
        let histogram = try GreyHistogram(bins: 4, lower: 0, upper: 4)
        #expect(try histogram.histogram(of: [0, 0.5, 1, 2, 3.999, 4, 4.5, -1]) == [2, 1, 1, 2])
        // The edges of linspace(0, 1, 11) decide, as in numpy: 0.3 < 0.30000000000000004 stays in
        // bin 2 and 0.7 < 0.7000000000000001 in bin 6 (numpy gives [0, 1, 2, 0, 0, 0, 1, 0, 0, 0]).
        let tenths = try GreyHistogram(bins: 10, lower: 0, upper: 1, normalisation: .fractions)
        let h = try tenths.histogram(of: [0.1, 0.2, 0.3, 0.7])
        #expect(h == [0, 0.25, 0.5, 0, 0, 0, 0.25, 0, 0, 0])
    }

    @Test func uint8CodesBinnedIntoFewerBins() throws {
        // 16 bins over [0, 256): code c lands in bin c / 16; 16 -> 255 -> bin 15.
        let histogram = try GreyHistogram(bins: 16, lower: 0, upper: 256, quantisation: .uint8(maxValue: 16))
        let h = try histogram.histogram(of: [0, 1, 2, 16, 16])
        #expect(h[0] == 2 && h[1] == 1 && h[15] == 2 && h.reduce(0, +) == 5)
    }

    @Test func refusesBadInputAndConfiguration() throws {
        #expect(throws: FitError.self) { try GreyHistogram(bins: 0, lower: 0, upper: 1) }
        #expect(throws: FitError.self) { try GreyHistogram(bins: 4, lower: 1, upper: 1) }
        #expect(throws: FitError.self) { try GreyHistogram(bins: 4, lower: 0, upper: .infinity) }
        #expect(throws: FitError.self) { try GreyHistogram.openCV(maxValue: 0) }
        let histogram = try GreyHistogram.openCV(maxValue: 16)
        #expect(throws: FeatureError.pixelOutOfRange(image: 0, pixel: 1, value: 17, expected: "a value in 0...16.0 for the 8-bit conversion")) {
            try histogram.histogram(of: [3, 17])
        }
        #expect(throws: FeatureError.self) { try histogram.histogram(of: [-0.5]) }
        #expect(throws: FitError.self) { try histogram.histogram(of: [1, .nan]) }
        let decoded = try JSONDecoder().decode(GreyHistogram.self, from: JSONEncoder().encode(histogram))
        #expect(decoded == histogram)
    }
}
