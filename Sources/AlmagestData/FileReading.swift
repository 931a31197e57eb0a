import Foundation

/// Reads a whole file for the format readers, turning Foundation's error into a `DataError.io`
/// that names the path. Cost O(file size).
///
/// ```swift
/// let bytes = try readFile(url)
/// ```
func readFile(_ url: URL) throws -> Data {
    do { return try Data(contentsOf: url) } catch {
        throw DataError.io(path: url.path, reason: error.localizedDescription)
    }
}
