import AlmagestCore
@testable import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

/// The fast orientation binning (cross products, no atan2) must agree with scikit-image's rule
/// (atan2 in degrees, floor-modulo 180, half-open bins) for every gradient.
@Suite struct HOGBinningTests {
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 18, 36, 180])
    func fastBinEqualsExactBin(orientations: Int) throws {
        let hog = try HOG(orientations: orientations, pixelsPerCell: .init(1), cellsPerBlock: .init(1))
        let kernel = HOG.Kernel(configuration: hog, layout: try hog.layout(height: 1, width: 1), height: 1, width: 1)
        var gradients = [(Double, Double)]()
        // Integer gradients (digit images), including every multiple of 45 degrees.
        for r in -16...16 { for c in -16...16 where r != 0 || c != 0 { gradients.append((Double(r), Double(c))) } }
        // Directions exactly on (rounded) bin edges and just beside them.
        for i in 0...(2 * orientations) {
            let angle = Double(i) * Double.pi / Double(orientations)
            for scale in [1.0, 1e-3, 7.5] {
                for nudge in [0.0, 1e-15, -1e-15, 1e-9, -1e-9] {
                    gradients.append((sin(angle + nudge) * scale, cos(angle + nudge) * scale))
                }
            }
        }
        // Random float gradients, tiny and huge ones, and near-horizontal negative ones (about 180).
        var rng = RandomStream(seed: UInt64(orientations))
        for _ in 0..<5000 { gradients.append((rng.nextNormal() * 3, rng.nextNormal() * 3)) }
        for e in [-300.0, -20, -1, 0, 1, 20, 300] { gradients.append((1e-17 * e, -1)); gradients.append((1e-17 * e, 1)) }
        gradients.append((1e-300, -1e-300))
        gradients.append((-Double.leastNonzeroMagnitude, -1))
        var mismatches = 0
        for (gRow, gCol) in gradients {
            let fast = kernel.bin(gRow: gRow, gCol: gCol, magnitude: hypot(gCol, gRow))
            let exact = kernel.exactBin(gRow: gRow, gCol: gCol)
            if fast != exact {
                mismatches += 1
                if mismatches <= 5 { Issue.record("gRow \(gRow), gCol \(gCol): fast \(String(describing: fast)), exact \(String(describing: exact))") }
            }
        }
        #expect(mismatches == 0)
    }
}
