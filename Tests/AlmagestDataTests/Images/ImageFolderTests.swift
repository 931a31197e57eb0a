import AlmagestCore
@testable import AlmagestData
import Foundation
import Testing

@Suite struct ImageFolderTests {
    /// A generated SMIDS-layout folder of 16 x 16 images: 20 abnormal, 20 non-sperm, 20 normal.
    static func makeFolder(count: Int = 60, size: Int = 16) throws -> (URL, SyntheticMicroscopy) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("imagefolder-\(UUID().uuidString)")
        let generator = try SyntheticMicroscopy(size: size, count: count, seed: 11)
        _ = try generator.write(to: folder)
        return (folder, generator)
    }

    @Test func classesFilesAndLabelsFollowTheFolders() throws {
        let (root, generator) = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("not an image".utf8).write(to: root.appendingPathComponent("normal/readme.txt"))
        let folder = try ImageFolder(root: root, options: .init(colour: .grey))
        #expect(folder.classes == ["abnormal", "non-sperm", "normal"])
        #expect(folder.count == 60)
        #expect((0..<3).map { c in folder.labels.filter { $0 == c }.count } == (0..<3).map { generator.count(ofClass: $0) })
        // The decoded file equals the generator's image written as 8-bit PNG.
        let first = try folder.image(at: 0)
        let expected = generator.image(label: 0, index: 0).toGrey()
        let bytes = generator.image(label: 0, index: 0).rgbaBytes()
        #expect(first.height == 16 && first.channels == 1)
        let worst = zip(first.pixels, expected.pixels).map { abs($0 - $1) }.max()!
        #expect(worst < 0.01, "grey of an 8-bit RGB image vs grey of the float image: \(worst)")
        #expect(bytes.count == 16 * 16 * 4)
    }

    @Test func splitIsStratifiedDisjointAndReproducible() throws {
        let (root, _) = try Self.makeFolder(count: 90)
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = try ImageFolder(root: root)
        let a = try folder.split(validation: 0.2, test: 0.2, seed: 3)
        let b = try folder.split(validation: 0.2, test: 0.2, seed: 3)
        let c = try folder.split(validation: 0.2, test: 0.2, seed: 4)
        #expect(a == b)
        #expect(a != c)
        #expect(Set(a.train + a.validation + a.test) == Set(0..<90))
        #expect(a.train.count + a.validation.count + a.test.count == 90)
        for part in [a.validation, a.test] {
            // 30 per class: round(30 x 0.2) = 6 of each class in validation and in test.
            #expect((0..<3).map { k in part.filter { folder.labels[$0] == k }.count } == [6, 6, 6])
        }
        #expect(throws: DataError.self) { try folder.split(validation: 0.5, test: 0.5, seed: 0) }
    }

    @Test func batchesArePlanarNormalisedAndDecodedOncePerEpoch() throws {
        let (root, _) = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let stats = ImageFolder.Options.imageNetNormalisation(colour: .rgb)
        // A cache of 5 images (16 x 16 x 3 floats each): most of the set is decoded again each epoch.
        let small = try ImageFolder(root: root, options: .init(size: 12, colour: .rgb, mean: stats.mean,
                                                               standardDeviation: stats.standardDeviation, cacheBytes: 5 * 12 * 12 * 3 * 4))
        var rng = RandomStream(seed: 1)
        for epoch in 0..<2 {
            let order = rng.permutation(small.count)
            let batches = try small.batches(order, batchSize: 16, epoch: epoch)
            var seen: [Int] = []
            while let batch = try batches.nextBatch() {
                #expect(batch.shape == [batch.indices.count, 3, 12, 12])
                #expect(batch.labels == batch.indices.map { small.labels[$0] })
                seen += batch.indices
                if epoch == 0 && seen.count == 16 {
                    // Sample order[0], channel 1, pixel (2, 3): normalised planar value.
                    let image = try small.image(at: order[0])
                    let want = (image[2, 3, 1] - stats.mean[1]) / stats.standardDeviation[1]
                    #expect(batch.values[1 * 144 + 2 * 12 + 3] == want)
                }
            }
            #expect(seen == order)
            #expect(small.decodeCount <= (epoch + 1) * small.count + 1)
        }
        // A cache holding the set decodes each image once over all epochs.
        let large = try ImageFolder(root: root, options: .init(size: 12))
        for epoch in 0..<3 {
            for batch in try large.batches(Array((0..<60).reversed()), batchSize: 7, epoch: epoch) { #expect(batch.shape[0] <= 7) }
        }
        #expect(large.decodeCount == 60)
    }

    @Test func augmentedBatchesReplayAtAnyThreadCount() throws {
        let (root, _) = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let pipeline = try Augmentation(parsing: "rotate=180,hflip,vflip,crop=0.8,brightness=0.2,noise=0.05")
        func run(_ threads: Int) throws -> [[Float]] {
            try Parallel.withThreads(threads) {
                let folder = try ImageFolder(root: root, options: .init(size: 16, colour: .grey))
                return try folder.batches(Array(0..<60), batchSize: 13, augmentation: pipeline, seed: 5, epoch: 1).map(\.values)
            }
        }
        let one = try run(1), two = try run(2)
        #expect(one == two)
        #expect(one.count == 5)
    }

    @Test func corruptFileAndBadFolderAreTypedErrors() throws {
        let (root, _) = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let bad = root.appendingPathComponent("normal/00002.png")
        let bytes = try Data(contentsOf: bad)
        try bytes.prefix(bytes.count / 2).write(to: bad)
        let folder = try ImageFolder(root: root)
        let index = folder.files.firstIndex(of: bad)!
        let batches = try folder.batches([0, index, 1], batchSize: 2)
        let error = #expect(throws: DataError.self) { while try batches.nextBatch() != nil {} }
        #expect(error.map { "\($0)".contains("00002.png") } == true)
        #expect(throws: DataError.self) { try ImageFolder(root: root.appendingPathComponent("normal")) }
        #expect(throws: DataError.self) { try ImageFolder(root: root.appendingPathComponent("missing")) }
        #expect(throws: DataError.self) { try ImageFolder(root: root, options: .init(colour: .grey, mean: [0.5, 0.5], standardDeviation: [1, 1])) }
    }
}
