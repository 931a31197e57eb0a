import Foundation

/// Atomic file creation: the bytes go to a temporary file in the same folder, which is then
/// linked into place, so a reader sees the whole file or none, and an existing file is never
/// replaced (`link` fails when the name exists).
enum AtomicFile {
    static func write(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try data.write(to: temporary)
        } catch {
            throw TrackingError.io(path: temporary.path, reason: "\(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: temporary) }
        guard link(temporary.path, url.path) == 0 else {
            if errno == EEXIST { throw TrackingError.artifactExists(path: url.path) }
            throw TrackingError.io(path: url.path, reason: String(cString: strerror(errno)))
        }
    }
}
