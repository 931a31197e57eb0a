import Foundation
import Testing

/// The how-to articles in docs/how-to show real code: every Swift block must name its source file
/// (`<!-- source: PATH -->` on the line before it) and be a consecutive run of that file's lines
/// (indentation aside), so a block that no longer compiles, or code that changed without its
/// article, fails here.
@Suite struct HowToDocsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: ["add-an-estimator.md", "add-a-dashboard-page.md", "add-a-command.md"])
    func everyBlockIsRealCode(_ article: String) throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("docs/how-to/\(article)"), encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        var blocks = 0
        var i = 0
        while i < lines.count {
            guard lines[i] == "```swift" else { i += 1; continue }
            let end = try #require(lines[(i + 1)...].firstIndex(of: "```"), "\(article): unterminated block at line \(i + 1)")
            let source = i > 0 ? Self.sourcePath(lines[i - 1]) : nil
            let path = try #require(source, "\(article): the block at line \(i + 1) names no source file")
            let file = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
            let block = Self.trimmed(Array(lines[(i + 1)..<end]))
            #expect(!block.isEmpty && Self.contains(Self.trimmed(file.components(separatedBy: "\n")), block),
                    "\(article): the block at line \(i + 1) is not part of \(path)")
            blocks += 1
            i = end + 1
        }
        #expect(blocks >= 2, "\(article) shows no code")
    }

    private static func sourcePath(_ line: String) -> String? {
        guard line.hasPrefix("<!-- source: "), line.hasSuffix(" -->") else { return nil }
        return String(line.dropFirst("<!-- source: ".count).dropLast(" -->".count))
    }

    private static func trimmed(_ lines: [String]) -> [String] {
        lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private static func contains(_ haystack: [String], _ needle: [String]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { start in Array(haystack[start..<(start + needle.count)]) == needle }
    }
}
