import AlmagestCore
@testable import AlmagestData
import Testing

@Suite struct RotationTests {
    private func randomImage(h: Int, w: Int, k: Int, seed: UInt64) throws -> Image {
        var rng = RandomStream(seed: seed)
        return try Image(height: h, width: w, channels: k, pixels: (0..<(h * w * k)).map { _ in rng.nextFloat() })
    }

    @Test func quarterTurnIsTransposeThenVerticalFlip() throws {
        let image = try randomImage(h: 7, w: 7, k: 3, seed: 1)
        let turned = Rotation.rotate(image, degrees: 90)
        for y in 0..<7 { for x in 0..<7 { for c in 0..<3 {
            // transpose T[y][x] = in[x][y]; vertical flip: out[y][x] = T[6 - y][x] = in[x][6 - y]
            #expect(turned[y, x, c] == image[x, 6 - y, c])
        } } }
        let even = try randomImage(h: 6, w: 6, k: 1, seed: 2)
        let four = (0..<4).reduce(even) { acc, _ in Rotation.rotate(acc, degrees: 90) }
        #expect(four == even)
        #expect(Rotation.rotate(even, degrees: 180) == Rotation.flipVertically(Rotation.flipHorizontally(even)))
    }

    @Test func bilinearAtHalfPixelAndFillOutside() throws {
        // A 45-degree turn of a constant image keeps the centre and fills the corners.
        let image = try Image(height: 9, width: 9, channels: 1, pixels: [Float](repeating: 0.5, count: 81))
        let turned = Rotation.rotate(image, degrees: 45, fill: 1)
        #expect(turned[4, 4, 0] == 0.5)
        #expect(turned[0, 0, 0] == 1)
    }
}
