import AlmagestCore
import AlmagestData
@testable import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

/// Issue 11's bar at a test's scale: the clusterers recover the classes of the semi-synthetic
/// spectra (the 8 SDSS galaxies of the shared data as templates, the generator's default mixing,
/// redshift error, line strength and noise), 4,000 spectra on the bench's 3,600-point grid (the
/// bench runs 68,000). Fisher-EM needs that many: on 1,600 x 900 or 5,000 x 1,800 it ends near its
/// k-means start (ARI 0.76–0.84), as the coarser grid blurs the lines that tell the classes apart.
@Suite struct SpectraRecoveryTests {
    static let spectra = Result { () throws -> SyntheticSpectra<Double> in
        var p = SpectraPreparation()
        p.grid = WavelengthGrid(start: 3760, end: 8600, count: 3_600)
        let templates = try SpectralTemplates(collection: SpectraCollection.load(from: Reference.url("datasets/sdss-spectra"), preparation: p))
        return try SemiSyntheticSpectra(count: 4_000, seed: 11).generate(from: templates, as: Double.self)
    }

    /// Fisher-EM from its k-means start ends at the generator's classes, well beyond that start.
    @Test func fisherEMRecoversTheGeneratorsClasses() throws {
        let s = try Self.spectra.get()
        let model = try FisherEM(clusters: 8, model: .akjBk, starts: 1, maxIterations: 60, seed: 0, noiseCenter: .classMean).fit(s.flux)
        let ari = try adjustedRandIndex(s.labels, model.labels)
        let kmeans = try adjustedRandIndex(s.labels, try KMeans(clusters: 8, restarts: 3, seed: 0).fit(s.flux).labels)
        print("semi-synthetic spectra, 4,000 x 3,600: Fisher-EM ARI \(ari), k-means \(kmeans)")
        #expect(ari >= 0.95, "Fisher-EM ARI \(ari)")
        #expect(ari > kmeans + 0.05)
        #expect(model.clustersFound == 8)
    }

    /// GEMINI MMD (linear kernel, one-vs-one, mini-batches) on spectra centred and divided by one
    /// common scale: the true classes' objective is above that of the partition found, so what is
    /// left is the training's local maxima, which `restarts` addresses by keeping the start of
    /// highest score — never below the single training (start 0 is that training), the same for
    /// the same seed. (At 4,000 rows four starts reach ARI 0.86 here; the bench's 8 starts on
    /// 68,000 rows reach the true classes, 0.99.)
    @Test func geminiRestartsKeepTheHighestScoringStart() throws {
        let s = try Self.spectra.get()
        let x = try StandardScaler().fit(s.flux).transformToCommonScale(s.flux)
        let one = GeminiMMDClustering(clusters: 8, ovo: true, learningRate: 1e-2, epochs: 15, batchSize: 512, seed: 0)
        var several = one
        several.restarts = 4
        let single = try one.fit(x), best = try several.fit(x)
        #expect(best.geminiScore >= single.geminiScore)
        #expect(try several.fit(x) == best)
        func hardScore(_ labels: [Int]) throws -> Double {
            let y = Matrix<Double>(rows: labels.count, columns: 8) { i, k in labels[i] == k ? 1 : 0 }
            return try MMDGemini(ovo: true).evaluate(y, affinity: .features(x)).value
        }
        let truth = try hardScore(s.labels), found = try hardScore(best.labels)
        let ari = try adjustedRandIndex(s.labels, best.labels)
        print("semi-synthetic spectra, 4,000 x 3,600: GEMINI ARI \(ari) (one start: \(try adjustedRandIndex(s.labels, single.labels))), objective of the true classes \(truth), found \(found)")
        #expect(truth > found)
        #expect(ari >= 0.8, "GEMINI ARI \(ari)")
        // Restarts is an option of both GEMINIs; configurations saved before it decode with 1.
        #expect(try Self.withoutRestarts(GeminiMMDClustering.self, several) == one)
        #expect(try Self.withoutRestarts(GeminiWassersteinClustering.self, GeminiWassersteinClustering(clusters: 3, restarts: 2)).restarts == 1)
        #expect(throws: FitError.self) { try GeminiMMDClustering(clusters: 3, restarts: 0).fit(x) }
    }

    /// GEMINI on the 12 leading principal components, whitened (the experiment's `--pca 12
    /// --whiten`): the discarded directions are noise, and whitening keeps the first component
    /// (the overall flux, 80% of the variance) from drowning the lines that tell two templates
    /// apart. The true classes are then the highest maximum the starts reach, and the best of 16
    /// starts is them (it scores as they do). (At 8,000 rows, 3
    /// starts in 8 reach them whitened, 1 in 8 unwhitened, none on all 3,600 wavelengths.)
    @Test func geminiOnWhitenedComponentsRecoversTheGeneratorsClasses() throws {
        let s = try Self.spectra.get()
        let clock = ContinuousClock()
        let started = clock.now
        let z = try PCA(components: 12, solver: .covarianceEigen, whiten: true).fit(s.flux).transform(s.flux)
        let reduced = clock.now
        let gemini = GeminiMMDClustering(clusters: 8, ovo: true, learningRate: 0.1, epochs: 30, batchSize: 512, seed: 0, restarts: 16)
        let model = try gemini.fit(z)
        let ari = try adjustedRandIndex(s.labels, model.labels)
        func hardScore(_ labels: [Int]) throws -> Double {
            let y = Matrix<Double>(rows: labels.count, columns: 8) { i, k in labels[i] == k ? 1 : 0 }
            return try MMDGemini(ovo: true).evaluate(y, affinity: .features(z)).value
        }
        let truth = try hardScore(s.labels), found = try hardScore(model.labels)
        print("semi-synthetic spectra, 4,000 x 3,600: GEMINI on 12 whitened components ARI \(ari), objective of the true classes \(truth), found \(found) (PCA \(reduced - started), GEMINI \(clock.now - reduced))")
        #expect(ari >= 0.95, "GEMINI ARI \(ari)")
        #expect(model.clustersFound == 8)
        #expect(abs(found - truth) <= 1e-3 * truth, "objective found \(found), true classes \(truth)")
    }

    /// `value` encoded, its "restarts" key taken out of the JSON text, decoded again.
    static func withoutRestarts<T: Codable>(_ type: T.Type, _ value: T) throws -> T {
        var text = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        let key = try #require(text.range(of: #""restarts":[0-9]+"#, options: .regularExpression))
        text.removeSubrange(key)
        text = text.replacingOccurrences(of: ",,", with: ",").replacingOccurrences(of: "{,", with: "{").replacingOccurrences(of: ",}", with: "}")
        return try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}
