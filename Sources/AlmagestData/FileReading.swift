import Foundation

/// Reads a whole file for the format readers, turning Foundation's error into a `DataError.io`
/// that names the path. The file is mapped into memory where the system allows it, so a large
/// file's bytes are paged in from the file as they are read rather than copied onto the heap.
/// Cost O(file size).
///
/// ```swift
/// let bytes = try readFile(url)
/// ```
func readFile(_ url: URL) throws -> Data {
    do { return try Data(contentsOf: url, options: .mappedIfSafe) } catch {
        throw DataError.io(path: url.path, reason: error.localizedDescription)
    }
}
