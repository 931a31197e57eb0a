import AlmagestCore
import AlmagestData
import Foundation

/// Reads the rows of a prediction request sent as `text/csv`: a header row naming the features
/// (in any order; each exactly once, no others), then one line per row. The cells are parsed by
/// Almagest's CSV reader (RFC 4180 quoting; `""`, `NA`, `NaN`, `nan` and `?` are missing values,
/// accepted only when the pipeline starts with an imputer) and the columns put in the pipeline's
/// order. Errors name the 0-based row and the feature, or the header column. Compressed bodies are
/// refused (a small gzip body can expand past any limit). Cost: O(bytes).
///
/// ```swift
/// let x = try CSVRowReader(columns: columns).read(Array("fLength,fWidth\n28.8,16.0\n".utf8))
/// ```
struct CSVRowReader: Sendable {
    let columns: FeatureColumns

    /// The rows of `body`; throws `ServeError.malformedCSV`, `.badRow` or `.badBody`.
    func read(_ body: [UInt8]) throws -> Matrix<Double> {
        guard !(body.count >= 2 && body[0] == 0x1F && body[1] == 0x8B) else {
            throw ServeError.badBody(reason: "a gzip-compressed body; expected plain CSV text")
        }
        let table: Dataset
        do {
            table = try CSVReader.read(Data(body), source: "the CSV body", options: CSVOptions(header: .present))
        } catch let DataError.notANumber(_, line, column, text) {
            throw ServeError.badRow(row: line - 2, feature: Self.headerName(body, column: column - 1) ?? "column \(column)",
                                    reason: "non-numeric value \"\(text.prefix(40))\"; expected a number")
        } catch {
            throw ServeError.malformedCSV(reason: "\(error)")
        }
        guard table.count > 0 else { throw ServeError.badBody(reason: "the CSV body has a header but no rows; expected at least one row") }
        let order = try sourceColumns(of: table.featureNames)
        let (rows, width) = (table.count, columns.count)
        let source = table.features
        var firstMissing: (row: Int, column: Int)?
        let x = Matrix<Double>(rows: rows, columns: width) { out in
            source.withUnsafeBufferPointer { s in
                let stride = source.columns
                for i in 0..<rows {
                    for j in 0..<width {
                        let v = s[i * stride + order[j]]
                        if v.isNaN && firstMissing == nil { firstMissing = (i, j) }
                        out[i * width + j] = v
                    }
                }
            }
        }
        if let firstMissing, !columns.acceptsMissingValues {
            throw columns.missingValueRefused(column: firstMissing.column, row: firstMissing.row, value: "an empty or NA cell")
        }
        return x
    }

    // MARK: - Private

    /// For each pipeline column, the column of the body that holds it.
    private func sourceColumns(of header: [String]) throws -> [Int] {
        var order = [Int](repeating: -1, count: columns.count)
        for (k, name) in header.enumerated() {
            guard let j = columns.column(named: name) else {
                throw columns.unknown(name, row: 0).inHeader
            }
            guard order[j] < 0 else {
                throw ServeError.badRow(row: 0, feature: name, reason: "column given twice in the header; expected it once")
            }
            order[j] = k
        }
        if let absent = order.firstIndex(of: -1) { throw columns.missing(column: absent, row: 0).inHeader }
        return order
    }

    /// The name of the 0-based `column` in the header line (best effort, for messages).
    private static func headerName(_ body: [UInt8], column: Int) -> String? {
        let line = body.prefix { $0 != 0x0A && $0 != 0x0D }
        let names = String(decoding: line, as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false)
        guard column >= 0, column < names.count else { return nil }
        return names[column].trimmingCharacters(in: CharacterSet(charactersIn: "\" \t"))
    }
}

extension ServeError {
    /// A row error about the CSV header: every row lacks (or has) the column.
    fileprivate var inHeader: ServeError {
        guard case let .badRow(_, feature, reason) = self else { return self }
        return .badRow(row: 0, feature: feature, reason: reason + " (the CSV header names the columns of every row)")
    }
}
