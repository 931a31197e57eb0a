/// Sorts `values[0..<count]` ascending and applies the same moves to `indices`: introsort
/// (Musser, 1997) with a median-of-three pivot, a three-way partition that makes runs of equal
/// values cheap (Bentley & McIlroy, 1993), heapsort past a depth of 2 log₂ n and insertion sort on
/// short ranges, as scikit-learn's splitter sorts a node's feature values with their rows.
/// Not stable. Cost: O(n log n), no allocation.
///
/// ```swift
/// sortWithIndices(values, indices, count: n)
/// ```
func sortWithIndices(_ values: UnsafeMutablePointer<Double>, _ indices: UnsafeMutablePointer<Int32>, count: Int) {
    guard count > 1 else { return }
    var depthLimit = 2 * (Int.bitWidth - count.leadingZeroBitCount)
    introsort(values, indices, count, &depthLimit)
}

// MARK: - Private

@inline(__always)
func swapEntries(_ v: UnsafeMutablePointer<Double>, _ ix: UnsafeMutablePointer<Int32>, _ i: Int, _ j: Int) {
    let tv = v[i]; v[i] = v[j]; v[j] = tv
    let ti = ix[i]; ix[i] = ix[j]; ix[j] = ti
}

func introsort(_ v: UnsafeMutablePointer<Double>, _ ix: UnsafeMutablePointer<Int32>, _ n: Int, _ depthLimit: inout Int) {
    var v = v, ix = ix, n = n
    while n > 16 {
        if depthLimit <= 0 {
            heapsort(v, ix, n)
            return
        }
        depthLimit -= 1
        // Median of three as the pivot.
        let a = v[0], b = v[n / 2], c = v[n - 1]
        let pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (c < b ? b : (c < a ? c : a))
        // Three-way partition: [0, l) < pivot, [l, i) == pivot, (r, n) > pivot.
        var l = 0, i = 0, r = n
        while i < r {
            if v[i] < pivot {
                swapEntries(v, ix, i, l); i += 1; l += 1
            } else if v[i] > pivot {
                r -= 1; swapEntries(v, ix, i, r)
            } else {
                i += 1
            }
        }
        // Recurse into the smaller side, loop on the larger.
        if l < n - r {
            var limit = depthLimit
            introsort(v, ix, l, &limit)
            v += r; ix += r; n -= r
        } else {
            var limit = depthLimit
            introsort(v + r, ix + r, n - r, &limit)
            n = l
        }
    }
    // Insertion sort of the short range.
    if n > 1 {
        for i in 1..<n {
            let value = v[i], index = ix[i]
            var j = i
            while j > 0 && v[j - 1] > value {
                v[j] = v[j - 1]; ix[j] = ix[j - 1]; j -= 1
            }
            v[j] = value; ix[j] = index
        }
    }
}

func heapsort(_ v: UnsafeMutablePointer<Double>, _ ix: UnsafeMutablePointer<Int32>, _ n: Int) {
    func siftDown(_ start: Int, _ end: Int) {
        var root = start
        while true {
            var child = 2 * root + 1
            if child >= end { return }
            if child + 1 < end && v[child] < v[child + 1] { child += 1 }
            if v[root] < v[child] {
                swapEntries(v, ix, root, child)
                root = child
            } else {
                return
            }
        }
    }
    var start = (n - 2) / 2
    while start >= 0 { siftDown(start, n); start -= 1 }
    var end = n - 1
    while end > 0 {
        swapEntries(v, ix, 0, end)
        siftDown(0, end)
        end -= 1
    }
}
