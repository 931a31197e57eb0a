import Foundation

/// A least-recently-used cache of (leading parts of) kernel rows under a memory budget, as the
/// SMO solver needs it (Joachims, "Making large-scale SVM learning practical", 1999, introduced
/// the row cache; libsvm's layout, Chang & Lin 2011, §5.2). Row `i` holds its first `length`
/// entries in Float; asking for a longer prefix extends it in place and reports where the
/// entries still to compute begin. When the budget is exhausted the least recently used rows are
/// dropped. Shrinking permutes the solver's variables, so `swap(_:_:)` exchanges two indices in
/// every cached row (or drops a row that holds only one of them).
///
/// The budget never falls below two full rows, so the two rows of one SMO step always fit
/// together. Cost: O(1) per hit, plus the freed rows; `swap` is O(cached rows).
///
/// ```swift
/// let cache = KernelRowCache(rows: n, megabytes: 200)
/// let (row, computedUpTo) = cache.row(i, length: n)    // fill row[computedUpTo..<n]
/// ```
final class KernelRowCache {
    private let count: Int
    /// Floats still free under the budget.
    private var available: Int
    private var data: [UnsafeMutablePointer<Float>?]
    private var lengths: [Int]
    /// Doubly linked LRU list over row indices; `count` is the sentinel (oldest after it).
    private var previous: [Int], next: [Int]

    init(rows: Int, megabytes: Double) {
        count = rows
        let budget = Int((megabytes * 1_048_576 / Double(MemoryLayout<Float>.stride)).rounded(.down))
        available = Swift.max(budget, 2 * rows)
        data = Array(repeating: nil, count: rows)
        lengths = Array(repeating: 0, count: rows)
        previous = Array(repeating: rows, count: rows + 1)
        next = Array(repeating: rows, count: rows + 1)
    }

    deinit {
        for pointer in data { pointer?.deallocate() }
    }

    /// Row `i` with room for `length` entries, and the index from which its entries are not yet
    /// computed (`length` when all are). The row becomes the most recently used.
    func row(_ i: Int, length: Int) -> (row: UnsafeMutablePointer<Float>, computedUpTo: Int) {
        let old = lengths[i]
        if old > 0 { unlink(i) }
        if length > old {
            let more = length - old
            while available < more {
                let oldest = next[count]
                unlink(oldest)
                release(oldest)
            }
            let grown = UnsafeMutablePointer<Float>.allocate(capacity: length)
            if let existing = data[i] {
                grown.update(from: existing, count: old)
                existing.deallocate()
            }
            data[i] = grown
            available -= more
            lengths[i] = length
        }
        append(i)
        return (data[i]!, Swift.min(old, length))
    }

    /// Exchanges indices `i` and `j`: their rows, and their entries in every cached row.
    func swap(_ i: Int, _ j: Int) {
        guard i != j else { return }
        if lengths[i] > 0 { unlink(i) }
        if lengths[j] > 0 { unlink(j) }
        data.swapAt(i, j)
        lengths.swapAt(i, j)
        if lengths[i] > 0 { append(i) }
        if lengths[j] > 0 { append(j) }
        let (low, high) = (Swift.min(i, j), Swift.max(i, j))
        var r = next[count]
        while r != count {
            let following = next[r]
            if lengths[r] > low {
                if lengths[r] > high {
                    let row = data[r]!
                    (row[low], row[high]) = (row[high], row[low])
                } else {
                    unlink(r)
                    release(r)
                }
            }
            r = following
        }
    }

    // MARK: - Private

    private func release(_ i: Int) {
        data[i]?.deallocate()
        data[i] = nil
        available += lengths[i]
        lengths[i] = 0
    }

    private func unlink(_ i: Int) {
        next[previous[i]] = next[i]
        previous[next[i]] = previous[i]
    }

    /// Inserts `i` as the most recently used (just before the sentinel).
    private func append(_ i: Int) {
        next[i] = count
        previous[i] = previous[count]
        next[previous[i]] = i
        previous[count] = i
    }
}
