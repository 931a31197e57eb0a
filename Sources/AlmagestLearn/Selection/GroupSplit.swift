import AlmagestCore

/// A train/test split by group (scikit-learn's `GroupShuffleSplit` with one split): the distinct
/// group ids are shuffled by the seeded stream and whole groups go to the test part until it
/// holds at least `testFraction` of the rows, so no group is on both sides.
///
/// Cost: O(n + g) for g groups.
///
/// ```swift
/// let parts = try GroupSplit(testFraction: 0.2, seed: 0).split(groups: nightOfEachRow)
/// ```
public struct GroupSplit: Codable, Sendable, Equatable {
    public let testFraction: Double
    public let seed: Int

    /// Throws `FitError.invalidParameter` for a fraction outside (0, 1).
    public init(testFraction: Double = 0.2, seed: Int = 0) throws {
        try require(testFraction > 0 && testFraction < 1, "test fraction", testFraction, expected: "a share in (0, 1)")
        self.testFraction = testFraction
        self.seed = seed
    }

    /// Throws `FitError.tooFewSamples` with fewer than 2 distinct groups.
    public func split(groups: [Int]) throws -> TrainTestIndices {
        var order = [Int](), size = [Int: Int]()
        for g in groups {
            if size[g] == nil { order.append(g) }
            size[g, default: 0] += 1
        }
        guard order.count >= 2 else {
            throw FitError.tooFewSamples(method: "a split by group", needed: 2, got: order.count,
                                         reason: "there are \(order.count) distinct groups; a train and a test part need 2")
        }
        var rng = RandomStream(seed: seed)
        rng.shuffle(&order)
        let wanted = Int((testFraction * Double(groups.count)).rounded(.up))
        var test = Set<Int>(), rows = 0
        for g in order.dropLast() where rows < wanted {
            test.insert(g)
            rows += size[g]!
        }
        return TrainTestIndices(train: groups.indices.filter { !test.contains(groups[$0]) },
                                test: groups.indices.filter { test.contains(groups[$0]) })
    }
}
