import AlmagestCore
import AlmagestData
import AlmagestTracking
import Foundation
import Synchronization

/// A run and the files in its directory, as the pages read them. Nothing is recomputed: a page
/// draws what the run wrote (`labels.csv`, `projection.csv`, `silhouette.csv`, `examples.json`, ...).
///
/// Numeric CSV artifacts are parsed once and cached by path, size and modification time (a run's
/// files are never rewritten, so the cache stays right), and so are the charts drawn from them
/// (`memo`), which keeps a 50,000-point scatter page fast on the second view. Cost: O(file size) on first read, O(1) afterwards.
///
/// ```swift
/// let artifacts = try RunArtifacts(record: run, root: store.root)
/// let clusters = try artifacts.table("labels.csv").integers("cluster")
/// ```
public struct RunArtifacts: Sendable {
    public let record: RunRecord
    /// The run directory.
    public let directory: URL

    /// The run's artifacts; the directory must lie inside `root`.
    public init(record: RunRecord, root: URL) throws {
        guard let directory = SafePath.resolve(root: root, relative: record.directory) else {
            throw DashboardError.notFound(what: "the directory of run \(record.id)")
        }
        self.record = record
        self.directory = directory
    }

    /// Whether the run wrote `name`.
    public func has(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path)
    }

    /// A numeric CSV artifact with a header row.
    public func table(_ name: String) throws -> ArtifactTable {
        let url = directory.appendingPathComponent(name)
        guard let key = identity(name) else { throw DashboardError.notFound(what: "\(name) of run \(record.id)") }
        if let cached = Self.cache.withLock({ $0[key] }) { return cached }
        let dataset = try CSVReader.read(from: url, options: CSVOptions(header: .present))
        let table = ArtifactTable(names: dataset.featureNames, values: dataset.features)
        Self.cache.withLock { cache in
            if cache.count >= 64 { cache.removeAll() }
            cache[key] = table
        }
        return table
    }

    /// A JSON artifact; throws `DashboardError.unreadableArtifact` when it does not decode as `T`.
    public func json<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let url = directory.appendingPathComponent(name)
        guard let data = try? Data(contentsOf: url) else {
            throw DashboardError.notFound(what: "\(name) of run \(record.id)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw DashboardError.unreadableArtifact(name: name, run: record.id, reason: "expected the JSON of \(T.self): \(error)")
        }
    }

    /// A typed artifact (`RunArtifact`), read from its file; throws
    /// `DashboardError.unreadableArtifact` when it does not read.
    public func artifact<A: RunArtifact>(_ type: A.Type) throws -> A {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent(A.fileName)) else {
            throw DashboardError.notFound(what: "\(A.fileName) of run \(record.id)")
        }
        do {
            return try A.decoded(from: data, source: A.fileName)
        } catch {
            throw DashboardError.unreadableArtifact(name: A.fileName, run: record.id, reason: "\(error)")
        }
    }

    /// A typed CSV artifact, from the cached table of its file.
    public func tableArtifact<A: TableArtifact>(_ type: A.Type) throws -> A {
        let table = try table(A.fileName)
        do {
            return try A(table: table.names, values: table.values, source: A.fileName)
        } catch {
            throw DashboardError.unreadableArtifact(name: A.fileName, run: record.id, reason: "\(error)")
        }
    }

    /// A piece of HTML drawn from the artifact `name` only (a chart that does not depend on the
    /// request), built once and reused while the file is unchanged.
    public func memo(_ name: String, _ purpose: String, _ build: () throws -> String) rethrows -> String {
        guard let key = identity(name).map({ $0 + "|" + purpose }) else { return try build() }
        if let cached = Self.fragments.withLock({ $0[key] }) { return cached }
        let html = try build()
        Self.fragments.withLock { cache in
            if cache.count >= 16 { cache.removeAll() }
            cache[key] = html
        }
        return html
    }

    // MARK: - Private

    private static let cache = Mutex<[String: ArtifactTable]>([:])
    private static let fragments = Mutex<[String: String]>([:])

    /// Path, size and modification time of an artifact: changes whenever the file does.
    private func identity(_ name: String) -> String? {
        let path = directory.appendingPathComponent(name).path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        return "\(path)|\(attributes[.size] ?? 0)|\(attributes[.modificationDate] ?? "")"
    }
}

/// The columns of a numeric CSV artifact.
public struct ArtifactTable: Sendable {
    public let names: [String]
    public let values: Matrix<Double>

    public var rows: Int { values.rows }

    /// A column by name, or nil.
    public func column(_ name: String) -> [Double]? {
        guard let c = names.firstIndex(of: name) else { return nil }
        return (0..<values.rows).map { values[$0, c] }
    }

    /// A column of integer labels (cluster ids, class ids), or nil.
    public func integers(_ name: String) -> [Int]? {
        column(name)?.map { $0.isFinite ? Int($0) : -1 }
    }
}

/// Resolves paths below the runs folder, refusing anything that would leave it: `..`, `.`,
/// empty or absolute segments, encoded slashes or backslashes, NUL, and symbolic links that point
/// outside. Returns nil for every refused path (the server answers 404).
enum SafePath {
    /// `root/relative` when it stays inside `root` and exists.
    static func resolve(root: URL, relative: String) -> URL? {
        resolve(root: root, segments: relative.split(separator: "/", omittingEmptySubsequences: false).map(String.init))
    }

    /// `root/segments...` (segments already percent-decoded) when it stays inside `root` and exists.
    static func resolve(root: URL, segments: [String]) -> URL? {
        guard !segments.isEmpty else { return nil }
        for s in segments {
            if s.isEmpty || s == "." || s == ".." || s.contains("/") || s.contains("\\") || s.contains("\0") { return nil }
        }
        let base = root.standardizedFileURL.resolvingSymlinksInPath()
        let target = segments.reduce(base) { $0.appendingPathComponent($1) }.resolvingSymlinksInPath()
        guard target.path.hasPrefix(base.path + "/"), FileManager.default.fileExists(atPath: target.path) else { return nil }
        return target
    }
}
