import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a whole file atomically: the bytes go to a temporary file in the same folder, which is
/// then moved into place, so a reader sees either the old file or the complete new one, never a
/// half-written one. An existing file is replaced only when the caller passes `overwrite: true`;
/// otherwise the move uses `link(2)`, which fails when the name exists, so there is no window in
/// which another writer's file could be clobbered. Cost O(n) in the bytes written.
///
/// ```swift
/// try AtomicFile.write(Data("a,b\n".utf8), to: url)                 // throws if url exists
/// try AtomicFile.write(Data("a,b\n".utf8), to: url, overwrite: true)
/// ```
public enum AtomicFile {
    /// Writes `data` to `url`; throws `DataError.wouldOverwrite` when the file exists and
    /// `overwrite` is false, `DataError.io` when the folder is missing or not writable.
    public static func write(_ data: Data, to url: URL, overwrite: Bool = false) throws {
        let path = url.path
        if !overwrite && FileManager.default.fileExists(atPath: path) { throw DataError.wouldOverwrite(path: path) }
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
        do {
            try data.write(to: temporary)
        } catch {
            throw DataError.io(path: path, reason: "cannot write a temporary file in \(folder.path): \(error.localizedDescription)")
        }
        defer { unlink(temporary.path) }  // after a link or on failure; a no-op after rename
        if overwrite {
            guard rename(temporary.path, path) == 0 else { throw posixError(path: path, action: "rename into place") }
            return
        }
        if link(temporary.path, path) == 0 { return }
        let code = errno
        if code == EEXIST { throw DataError.wouldOverwrite(path: path) }
        // File systems without hard links: check again, then rename (a tiny race remains there).
        if code == EPERM || code == EOPNOTSUPP || code == ENOTSUP {
            if FileManager.default.fileExists(atPath: path) { throw DataError.wouldOverwrite(path: path) }
            guard rename(temporary.path, path) == 0 else { throw posixError(path: path, action: "rename into place") }
            return
        }
        throw DataError.io(path: path, reason: "cannot link into place: \(String(cString: strerror(code)))")
    }

    // MARK: - Private

    private static func posixError(path: String, action: String) -> DataError {
        DataError.io(path: path, reason: "cannot \(action): \(String(cString: strerror(errno)))")
    }
}
