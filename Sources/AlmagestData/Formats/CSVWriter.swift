import AlmagestCore
import Foundation

/// Writes a `Dataset` (or a bare matrix) as CSV that `CSVReader` reads back to the same values.
///
/// Numbers use the shortest text that reads back to the same `Double` (integral values without
/// `.0`, NaN as `NaN`, infinities as `inf`/`-inf`); fields holding the delimiter, a quote, CR/LF or
/// edge spaces are quoted with inner quotes doubled (RFC 4180); lines end in LF. The label column
/// comes last: class names when the data set has them, else the integer ids. The file is written
/// atomically and an existing file is never replaced unless `overwrite` is true.
/// Cost O(rows x columns).
///
/// ```swift
/// try CSVWriter.write(dataset, to: URL(fileURLWithPath: "out.csv"))
/// let text = CSVWriter.encode(dataset, header: false)
/// ```
public enum CSVWriter {
    /// Writes `dataset` to `url` (gzip'd when the name ends in `.gz`); throws
    /// `DataError.wouldOverwrite` when the file exists and `overwrite` is false.
    public static func write(
        _ dataset: Dataset, to url: URL, delimiter: Character = ",", header: Bool = true, labelName: String = "label",
        overwrite: Bool = false
    ) throws {
        let text = try encode(dataset, delimiter: delimiter, header: header, labelName: labelName)
        try AtomicFile.write(url.pathExtension == "gz" ? Gzip.compress(text) : text, to: url, overwrite: overwrite)
    }

    /// Writes a matrix, with `columnNames` as the header when given.
    public static func write(
        _ matrix: Matrix<Double>, columnNames: [String]? = nil, to url: URL, delimiter: Character = ",",
        overwrite: Bool = false
    ) throws {
        let dataset = try Dataset(features: matrix, featureNames: columnNames)
        try write(dataset, to: url, delimiter: delimiter, header: columnNames != nil, overwrite: overwrite)
    }

    /// The CSV bytes of `dataset`; throws `DataError.unsupported` for a delimiter that is not one
    /// ASCII character other than the quote, CR or LF.
    public static func encode(
        _ dataset: Dataset, delimiter: Character = ",", header: Bool = true, labelName: String = "label"
    ) throws -> Data {
        guard let d = delimiter.asciiValue, d != 0x22, d != 0x0A, d != 0x0D else {
            throw DataError.unsupported(
                source: "CSV writer", feature: "the delimiter \"\(delimiter)\" (expected one ASCII character other than a quote, CR or LF)")
        }
        let separator = String(delimiter)
        var out = ""
        out.reserveCapacity(dataset.count * (dataset.featureCount + 1) * 8)
        if header {
            var names = dataset.featureNames
            if dataset.labels != nil { names.append(labelName) }
            out += names.map { field($0, delimiter: d) }.joined(separator: separator)
            out += "\n"
        }
        let x = dataset.features.elements, columns = dataset.featureCount
        for row in 0..<dataset.count {
            for column in 0..<columns {
                if column > 0 { out += separator }
                out += number(x[row * columns + column])
            }
            if let labels = dataset.labels {
                if columns > 0 { out += separator }
                let label = labels[row]
                out += dataset.classNames.isEmpty ? String(label) : field(dataset.className(of: label), delimiter: d)
            }
            out += "\n"
        }
        return Data(out.utf8)
    }

    /// The shortest text that reads back as `value`.
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 1e15 { return value == 0 && value.sign == .minus ? "-0" : String(Int(value)) }
        return "\(value)"
    }

    /// `text` quoted when it holds the delimiter, a quote, CR/LF or edge spaces, or is empty.
    public static func field(_ text: String, delimiter: UInt8 = 0x2C) -> String {
        let bytes = text.utf8
        let needsQuotes =
            bytes.isEmpty || bytes.contains { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
            || bytes.first == 0x20 || bytes.last == 0x20 || bytes.first == 0x09 || bytes.last == 0x09
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
