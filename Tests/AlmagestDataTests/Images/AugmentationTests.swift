import AlmagestCore
@testable import AlmagestData
import Foundation
import Testing

@Suite struct AugmentationTests {
    private func images(_ n: Int) throws -> [Image] {
        let generator = try SyntheticMicroscopy(size: 24, count: 30, seed: 9)
        return (0..<n).map { generator.image(label: $0 % 3, index: $0) }
    }

    @Test func sameSeedSameBitsAtOneAndTwoThreads() throws {
        let pipeline = try Augmentation(parsing: "rotate=180,hflip,vflip,crop=0.8,brightness=0.2,contrast=0.3,noise=0.05")
        let input = try images(12)
        let indices = Array(100..<112)
        let one = Parallel.withThreads(1) { pipeline.apply(input, seed: 4, epoch: 2, indices: indices) }
        let two = Parallel.withThreads(2) { pipeline.apply(input, seed: 4, epoch: 2, indices: indices) }
        #expect(one == two)
        // Sample-wise: a sample's result does not depend on which batch it is in.
        #expect(pipeline.apply(input[5], seed: 4, epoch: 2, index: 105) == one[5])
        let otherEpoch = pipeline.apply(input, seed: 4, epoch: 3, indices: indices)
        let otherSeed = pipeline.apply(input, seed: 5, epoch: 2, indices: indices)
        #expect(zip(one, otherEpoch).filter { $0 == $1 }.isEmpty)
        #expect(zip(one, otherSeed).filter { $0 == $1 }.isEmpty)
        #expect(one.allSatisfy { $0.height == 24 && $0.width == 24 && $0.pixels.allSatisfy { (0...1).contains($0) } })
    }

    @Test func flipsGiveTheImageOrItsMirrorAboutHalfTheTime() throws {
        let image = try images(1)[0]
        let mirror = Rotation.flipHorizontally(image)
        let pipeline = try Augmentation(horizontalFlip: true)
        let outs = (0..<200).map { pipeline.apply(image, seed: 1, epoch: 0, index: $0) }
        let flipped = outs.filter { $0 == mirror }.count
        #expect(outs.allSatisfy { $0 == image || $0 == mirror })
        #expect(flipped > 70 && flipped < 130)   // binomial(200, 1/2): 5 standard deviations
    }

    @Test func brightnessScalesWithinItsRange() throws {
        let image = try Image(height: 4, width: 4, channels: 1, pixels: [Float](repeating: 0.5, count: 16))
        let pipeline = try Augmentation(brightness: 0.2)
        for i in 0..<50 {
            let out = pipeline.apply(image, seed: 3, epoch: 1, index: i)
            let factor = out.pixels[0] / 0.5
            #expect(factor >= 0.8 - 1e-6 && factor <= 1.2 + 1e-6)
            #expect(out.pixels.allSatisfy { $0 == out.pixels[0] })
        }
    }

    @Test func randomResizedCropOfAConstantImageIsConstant() throws {
        let image = try Image(height: 16, width: 20, channels: 3, pixels: [Float](repeating: 0.25, count: 16 * 20 * 3))
        let out = try Augmentation(cropScale: 0.3).apply(image, seed: 2, epoch: 0, index: 7)
        #expect(out.height == 16 && out.width == 20)
        #expect(out.pixels.allSatisfy { abs($0 - 0.25) < 1e-6 })
    }

    @Test func parsingRoundTripsAndRejectsBadText() throws {
        let pipeline = try Augmentation(parsing: "rotate=180,hflip,vflip,crop=0.8,brightness=0.2,noise=0.05")
        #expect(pipeline.rotationDegrees == 180 && pipeline.horizontalFlip && pipeline.verticalFlip)
        #expect(pipeline.cropScale == 0.8 && pipeline.brightness == 0.2 && pipeline.noise == 0.05 && pipeline.contrast == nil)
        #expect(try Augmentation(parsing: pipeline.description) == pipeline)
        let coded = try JSONDecoder().decode(Augmentation.self, from: JSONEncoder().encode(pipeline))
        #expect(coded == pipeline)
        #expect(try Augmentation(parsing: "none").isIdentity)
        for bad in ["rotate", "rotate=abc", "spin=3", "hflip=1", "crop=0", "noise=-1", "brightness=2"] {
            #expect(throws: DataError.self) { try Augmentation(parsing: bad) }
        }
    }

    @Test func figureIsAGridOfTheOriginalAndAugmentedSamples() throws {
        let image = try images(1)[0]
        let grid = try Augmentation(parsing: "rotate=90,hflip").figure(of: image, count: 6, columns: 3, seed: 1)
        #expect(grid.images.count == 6)
        #expect(grid.images[0] == image.toGrey().pixels.map(Double.init))
    }
}
