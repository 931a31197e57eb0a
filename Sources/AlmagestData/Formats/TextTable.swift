import Foundation

/// A plain-text table for the terminal: a header row, a rule, and left-aligned text columns with
/// right-aligned numbers. Every table Almagest prints (experiment reports, `almagest runs`,
/// `almagest models`) is one of these.
///
/// ```swift
/// var table = TextTable(header: ["run", "ami"])
/// table.append(["20261122-…", "0.6123"])
/// print(table.rendered)
/// ```
public struct TextTable: Sendable {
    public var header: [String]
    public var rows: [[String]] = []

    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    public mutating func append(_ row: [String]) { rows.append(row) }

    public var rendered: String {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0.indices.contains(c) ? $0[c].count : 0 }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            header.indices.map { c -> String in
                let cell = cells.indices.contains(c) ? cells[c] : ""
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return Self.isNumeric(cell) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }

    /// A metric value with four decimals (two from 1000 on, none for whole numbers), or "—"
    /// when missing.
    public static func number(_ value: Double?) -> String {
        guard let value else { return "—" }
        if value.rounded() == value && abs(value) < 1e9 { return String(Int(value)) }
        return abs(value) >= 1000 ? String(format: "%.2f", value) : String(format: "%.4f", value)
    }

    // MARK: - Private

    private static func isNumeric(_ text: String) -> Bool {
        text.hasSuffix("*") ? Double(text.dropLast()) != nil : (Double(text) != nil || text == "—")
    }
}
