import AlmagestCore
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

@Suite struct HOGTests {
    // MARK: Golden values (scikit-image 0.26)

    @Test func matchesScikitImageOnFixtureImages() throws {
        let fixture = try Reference.json("digits_features.json")
        let images = try #require(fixture.rows("images"))
        let hogFixture = try #require(fixture.object("hog"))
        let exact = try #require(hogFixture.rows("vectors_float64_cell_sums"))
        let skimage = try #require(hogFixture.rows("vectors"))
        #expect(hogFixture.int("feature_length") == 36)
        let hog = try HOGFixtureParameters.hog()
        var worstExact = 0.0, worstSkimage = 0.0
        for (i, image) in images.enumerated() {
            let features = try hog.features(of: image, height: 8, width: 8)
            try #require(features.count == 36)
            for j in 0..<36 {
                worstExact = max(worstExact, abs(features[j] - exact[i][j]))
                worstSkimage = max(worstSkimage, abs(features[j] - skimage[i][j]))
            }
        }
        #expect(worstExact <= 2e-15, "HOG vs float64 cell sums: max |diff| = \(worstExact)")
        #expect(worstSkimage <= 1e-7, "HOG vs scikit-image: max |diff| = \(worstSkimage)")
    }

    @Test func singlePrecisionCellSumsReproduceScikitImage() throws {
        let fixture = try Reference.json("digits_features.json")
        let images = try Matrix(try #require(fixture.rows("images")))
        let skimage = try Matrix(try #require(fixture.object("hog")?.rows("vectors")))
        let features = try HOGFixtureParameters.hog(cellSums: .single).features(of: images, height: 8, width: 8)
        let worst = features.maxAbsDifference(skimage)
        #expect(worst <= 2e-15, "HOG (single sums) vs scikit-image: max |diff| = \(worst)")
        let double = try HOGFixtureParameters.hog().features(of: images, height: 8, width: 8)
        #expect(double != features)
    }

    @Test func batchEqualsSingleImagesAndIsThreadIndependent() throws {
        let pixels = try FeatureTestDigits.digits().pixels
        let hog = try HOGFixtureParameters.hog()
        let one = try Parallel.withThreads(1) { try hog.features(of: pixels, height: 8, width: 8) }
        let two = try Parallel.withThreads(2) { try hog.features(of: pixels, height: 8, width: 8) }
        #expect(one == two)
        #expect(one.rows == 1797 && one.columns == 36)
        for i in [0, 1, 500, 1796] {
            #expect(Array(one.row(i)) == (try hog.features(of: Array(pixels.row(i)), height: 8, width: 8)))
        }
    }

    // MARK: The algorithm on images whose answer is known by hand

    @Test func horizontalRampFillsBinZero() throws {
        // I[r, c] = c: gCol = 2 in the interior columns, 0 on the border; every angle is 0.
        let image = (0..<16).map { Double($0 % 4) }
        let hog = try HOG(orientations: 9, pixelsPerCell: .init(4), cellsPerBlock: .init(1), blockNorm: .l1)
        let features = try hog.features(of: image, height: 4, width: 4)
        // Cell mean = 8 pixels x 2 / 16 = 1 in bin 0; L1 gives 1 / (1 + eps).
        #expect(features == [1 / (1 + HOG.epsilon), 0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test(arguments: [(4, 2), (9, 4), (6, 3), (3, 1)])
    func angleOnABinBoundaryGoesToTheUpperBin(orientations: Int, expectedBin: Int) throws {
        // I[r, c] = r: gRow = 2, angle 90 degrees: with 4 bins of 45 degrees it is the lower edge
        // of bin 2; with 9 bins of 20 it lies inside bin 4; with 6 bins of 30 it opens bin 3.
        let image = (0..<16).map { Double($0 / 4) }
        let hog = try HOG(orientations: orientations, pixelsPerCell: .init(4), cellsPerBlock: .init(1), blockNorm: .l1)
        let features = try hog.features(of: image, height: 4, width: 4)
        let nonZero = features.indices.filter { features[$0] > 0 }
        #expect(nonZero == [expectedBin])
    }

    @Test func negativeAnglesWrapModulo180() throws {
        // I[r, c] = -c: gCol = -2, atan2(0, -2) = 180 degrees -> 0 -> bin 0.
        let image = (0..<16).map { -Double($0 % 4) }
        let hog = try HOG(orientations: 9, pixelsPerCell: .init(4), cellsPerBlock: .init(1), blockNorm: .l2)
        let features = try hog.features(of: image, height: 4, width: 4)
        #expect(features[0] > 0.99 && features.dropFirst().allSatisfy { $0 == 0 })
        // I[r, c] = c - r: the 4 interior pixels have gRow = -2, gCol = 2, -45 degrees -> 135 -> bin 6
        // (magnitude 2√2); border rows keep only gCol (0 degrees, bin 0) and border columns only
        // gRow = -2 (-90 -> 90 degrees, bin 4), 4 pixels of magnitude 2 each.
        let diagonal = (0..<16).map { Double($0 % 4 - $0 / 4) }
        let d = try hog.features(of: diagonal, height: 4, width: 4)
        #expect(d.indices.filter { d[$0] > 0 } == [0, 4, 6])
        #expect(abs(d[6] / d[0] - 2.0.squareRoot()) < 1e-14 && d[0] == d[4])
    }

    @Test(arguments: HOG.BlockNorm.allCases)
    func blockNormalisations(norm: HOG.BlockNorm) throws {
        let pixels = try FeatureTestDigits.digits().pixels
        let hog = try HOG(orientations: 9, pixelsPerCell: .init(4), cellsPerBlock: .init(2), blockNorm: norm)
        let l1 = try HOG(orientations: 9, pixelsPerCell: .init(4), cellsPerBlock: .init(2), blockNorm: .l1)
        for i in [3, 42, 1000] {
            let v = try hog.features(of: Array(pixels.row(i)), height: 8, width: 8)
            let sumOfSquares = v.reduce(0) { $0 + $1 * $1 }
            switch norm {
            case .l1: #expect(abs(v.reduce(0, +) - 1) < 1e-5)
            case .l1Sqrt:
                #expect(abs(sumOfSquares - 1) < 1e-5)
                let plain = try l1.features(of: Array(pixels.row(i)), height: 8, width: 8)
                #expect(zip(v, plain).allSatisfy { abs($0 - $1.squareRoot()) < 1e-15 })
            case .l2: #expect(abs(sumOfSquares - 1) < 1e-9)
            case .l2Hys:
                #expect(abs(sumOfSquares - 1) < 1e-9)
                // After clipping at 0.2 and renormalising, the ratio max/min of non-zeros is bounded.
                let before = try HOG(orientations: 9, pixelsPerCell: .init(4), cellsPerBlock: .init(2), blockNorm: .l2)
                    .features(of: Array(pixels.row(i)), height: 8, width: 8)
                #expect(v.max()! <= before.max()! + 1e-12 || before.max()! <= 0.2)
            }
        }
    }

    @Test func transformSqrtEqualsHOGOfTheSquareRootImage() throws {
        let image = try Array(FeatureTestDigits.digits().pixels.row(7))
        let plain = try HOG(pixelsPerCell: .init(4), cellsPerBlock: .init(2))
        let gamma = try HOG(pixelsPerCell: .init(4), cellsPerBlock: .init(2), transformSqrt: true)
        #expect(try gamma.features(of: image, height: 8, width: 8)
            == plain.features(of: image.map { $0.squareRoot() }, height: 8, width: 8))
        #expect(try gamma.features(of: image, height: 8, width: 8) != plain.features(of: image, height: 8, width: 8))
    }

    // MARK: General sizes

    struct SizeCase: Sendable, CustomTestStringConvertible {
        let height: Int, width: Int, orientations: Int, cell: HOG.Size, block: HOG.Size, expected: Int
        var testDescription: String { "\(height)x\(width) cell \(cell.rows)x\(cell.columns) block \(block.rows)x\(block.columns)" }
    }

    @Test(arguments: [
        SizeCase(height: 8, width: 8, orientations: 9, cell: .init(4), block: .init(2), expected: 36),
        SizeCase(height: 28, width: 28, orientations: 9, cell: .init(4), block: .init(2), expected: 6 * 6 * 2 * 2 * 9),
        SizeCase(height: 28, width: 28, orientations: 9, cell: .init(7), block: .init(2), expected: 3 * 3 * 2 * 2 * 9),
        SizeCase(height: 64, width: 64, orientations: 9, cell: .init(8), block: .init(3), expected: 6 * 6 * 3 * 3 * 9),
        SizeCase(height: 30, width: 21, orientations: 6, cell: .init(rows: 5, columns: 4), block: .init(rows: 2, columns: 3),
                 expected: 5 * 3 * 2 * 3 * 6),
        SizeCase(height: 10, width: 10, orientations: 8, cell: .init(3), block: .init(1), expected: 3 * 3 * 8),
    ])
    func featureLengthFormula(_ c: SizeCase) throws {
        let hog = try HOG(orientations: c.orientations, pixelsPerCell: c.cell, cellsPerBlock: c.block, blockNorm: .l2Hys)
        #expect(try hog.featureCount(height: c.height, width: c.width) == c.expected)
        var rng = RandomStream(seed: 5)
        let images = rng.uniformMatrix(rows: 3, columns: c.height * c.width, in: 0..<1) as Matrix<Double>
        let features = try hog.features(of: images, height: c.height, width: c.width)
        #expect(features.rows == 3 && features.columns == c.expected)
        #expect(features.isFinite && features.min()! >= 0)
        // Every block of an image with texture everywhere is non-zero and L2-Hys normalised.
        let block = c.block.rows * c.block.columns * c.orientations
        for start in stride(from: 0, to: c.expected, by: block) {
            let norm = features.row(0)[start..<(start + block)].reduce(0) { $0 + $1 * $1 }
            #expect(abs(norm - 1) < 1e-9)
        }
    }

    @Test func codableRoundTripValidates() throws {
        let hog = try HOG(orientations: 12, pixelsPerCell: .init(rows: 4, columns: 6), cellsPerBlock: .init(2), blockNorm: .l1Sqrt)
        let data = try JSONEncoder().encode(hog)
        #expect(try JSONDecoder().decode(HOG.self, from: data) == hog)
        let broken = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"orientations\":12", with: "\"orientations\":0")
        #expect(throws: FitError.self) { try JSONDecoder().decode(HOG.self, from: Data(broken.utf8)) }
    }

    // MARK: Errors

    @Test func refusesBadInput() throws {
        let hog = try HOGFixtureParameters.hog()
        let image = [Double](repeating: 1, count: 64)
        #expect(throws: FeatureError.pixelCountMismatch(height: 8, width: 9, got: 64)) {
            try hog.features(of: image, height: 8, width: 9)
        }
        // 2 x 2 blocks of 4 x 4 pixel cells need 8 columns; 7 give one cell across.
        #expect(throws: FeatureError.self) { try hog.features(of: [Double](repeating: 1, count: 56), height: 8, width: 7) }
        let big = try HOG(pixelsPerCell: .init(16), cellsPerBlock: .init(1))
        #expect(throws: FeatureError.self) { try big.features(of: image, height: 8, width: 8) }
        #expect(throws: FitError.self) { try HOG(orientations: 0) }
        #expect(throws: FitError.self) { try HOG(pixelsPerCell: .init(rows: 0, columns: 4)) }
        #expect(throws: FitError.self) { try HOG(cellsPerBlock: .init(rows: 2, columns: -1)) }
        #expect(throws: FitError.self) { try hog.features(of: image, height: 0, width: 64) }
        var withNaN = image
        withNaN[10] = .nan
        let error = #expect(throws: FitError.self) { try hog.features(of: withNaN, height: 8, width: 8) }
        guard case let .nonFinite(_, row, column, value)? = error else {
            Issue.record("expected FitError.nonFinite, got \(String(describing: error))")
            return
        }
        #expect(row == 0 && column == 10 && value.isNaN)
        var negative = image
        negative[3] = -1
        let gamma = try HOG(pixelsPerCell: .init(4), cellsPerBlock: .init(2), transformSqrt: true)
        #expect(throws: FeatureError.pixelOutOfRange(image: 0, pixel: 3, value: -1, expected: "a value ≥ 0 when transformSqrt is on")) {
            try gamma.features(of: negative, height: 8, width: 8)
        }
        #expect(try hog.features(of: Matrix<Double>(rows: 0, columns: 64), height: 8, width: 8).shape == [0, 36])
    }
}
