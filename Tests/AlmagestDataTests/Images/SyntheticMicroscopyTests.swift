import AlmagestCore
@testable import AlmagestData
import Foundation
import Testing

@Suite struct SyntheticMicroscopyTests {
    /// Fraction of pixels darker than the background by more than the noise could make them.
    private func stainedFraction(_ image: Image) -> Double {
        let grey = image.toGrey()
        return Double(grey.pixels.filter { $0 < 0.6 }.count) / Double(grey.pixels.count)
    }

    @Test func sameSeedSameImagesOtherSeedOtherImages() throws {
        let a = try SyntheticMicroscopy(size: 32, count: 30, seed: 3)
        let b = try SyntheticMicroscopy(size: 32, count: 30, seed: 3)
        let c = try SyntheticMicroscopy(size: 32, count: 30, seed: 4)
        for label in 0..<3 {
            #expect(a.image(label: label, index: 5) == b.image(label: label, index: 5))
            #expect(a.image(label: label, index: 5) != c.image(label: label, index: 5))
        }
    }

    @Test func classesDifferByShape() throws {
        let generator = try SyntheticMicroscopy(size: 64, count: 60, seed: 1, noise: 0.02)
        // Elongation of the stained region: second moments' eigenvalue ratio. Normal cells with
        // a straight-ish tail are elongated; debris (several round blobs scattered) is not a
        // single thin line: its stained region covers a wider spread across its main axis.
        func spreadRatio(_ image: Image) -> Double {
            let grey = image.toGrey()
            var pts: [(Double, Double)] = []
            for y in 0..<image.height { for x in 0..<image.width where grey[y, x, 0] < 0.6 { pts.append((Double(x), Double(y))) } }
            let mx = pts.map(\.0).reduce(0, +) / Double(pts.count), my = pts.map(\.1).reduce(0, +) / Double(pts.count)
            var sxx = 0.0, syy = 0.0, sxy = 0.0
            for (x, y) in pts { sxx += (x - mx) * (x - mx); syy += (y - my) * (y - my); sxy += (x - mx) * (y - my) }
            let tr = sxx + syy, det = sxx * syy - sxy * sxy
            let disc = (tr * tr / 4 - det).squareRoot()
            return (tr / 2 - disc) / (tr / 2 + disc)
        }
        var ratios = [Double](repeating: 0, count: 3)
        for label in 0..<3 {
            for i in 0..<20 { ratios[label] += spreadRatio(generator.image(label: label, index: i)) / 20 }
            #expect(stainedFraction(generator.image(label: label, index: 0)) > 0.005)
        }
        // non-sperm (1) is the least elongated; normal (2) the most.
        #expect(ratios[1] > ratios[2] + 0.1)
        #expect(ratios[0] > ratios[2])
    }

    @Test func writesThreeClassFoldersOfPNGs() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("smids-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let generator = try SyntheticMicroscopy(size: 16, count: 10, seed: 2)
        let counts = try generator.write(to: folder)
        #expect(counts == ["abnormal": 4, "non-sperm": 3, "normal": 3])
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("abnormal").path).sorted()
        #expect(files == ["00000.png", "00001.png", "00002.png", "00003.png"])
        let bytes = try Data(contentsOf: folder.appendingPathComponent("normal/00000.png"))
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }

    @Test func badSizeIsATypedError() {
        #expect(throws: DataError.self) { try SyntheticMicroscopy(size: 4) }
        #expect(throws: DataError.self) { try SyntheticMicroscopy(noise: .nan) }
    }

    @Test func planarLayoutAndGreyConversion() throws {
        let hwc: [Float] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
        #expect(try Image(height: 1, width: 2, channels: 3, pixels: hwc).chw() == [0.1, 0.4, 0.2, 0.5, 0.3, 0.6])
        let image = try Image(height: 1, width: 2, channels: 3, pixels: [1, 0, 0, 0, 0, 1])
        let grey = image.toGrey()
        #expect(grey.pixels == [0.299, 0.114])
    }
}
