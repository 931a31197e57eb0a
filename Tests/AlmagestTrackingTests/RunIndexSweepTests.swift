import AlmagestCore
import AlmagestTracking
import Foundation
import Testing

/// Sweep rows and parameter names straight from the index, compared with the decoded records.
@Suite struct RunIndexSweepTests {
    @Test func sweepRowsEqualTheRecordsValuesAndKeepTheirTypes() throws {
        let store = try RunStore(root: temporaryStoreURL())
        defer { try? FileManager.default.removeItem(at: store.root) }
        let settings: [(ParameterValue, ParameterValue, Double?)] = [
            (.int(2), .string("nndsvd"), 0.5), (.int(3), .bool(true), 0.4), (.double(0.25), .string("random"), 0.3),
            (.double(1e-3), .bool(false), nil), (.string("large"), .string("nndsvd"), 0.2), (.int(4), .int(7), 0.1),
        ]
        for (rank, start, error) in settings {
            let run = try store.start(experiment: "sweep", algorithm: "nmf-mu", parameters: ["rank": rank, "start": start, "seed": 1])
            try run.finish(metrics: error.map { ["relative_error": $0] } ?? ["iterations": 3], specs: testSpecs(error.map { ["relative_error": $0] } ?? ["iterations": 3], lower: ["relative_error"]), timings: [:])
        }
        let other = try store.start(experiment: "other", algorithm: "nmf-mu", parameters: ["rank": 9])
        try other.finish(metrics: ["relative_error": 0.9], specs: testSpecs(["relative_error": 0.9], lower: ["relative_error"]), timings: [:])
        _ = try store.start(experiment: "sweep", algorithm: "nmf-mu", parameters: ["rank": 5])  // still running

        let query = RunQuery(experiment: "sweep", status: .finished)
        let rows = try store.index.sweep(x: "rank", y: "relative_error", series: "start", matching: query)
        let records = try store.index.runs(matching: query).filter { $0.metrics["relative_error"] != nil }
        #expect(rows.count == 5 && rows.map(\.id) == records.map(\.id))
        for (row, record) in zip(rows, records) {
            #expect(row.x == record.parameters["rank"])
            #expect(row.y == record.metrics["relative_error"])
            #expect(row.series == record.parameters["start"])
            #expect(row.algorithm == record.algorithm)
        }
        #expect(try store.index.sweep(x: "rank", y: "relative_error", matching: query).allSatisfy { $0.series == nil })
        #expect(try store.index.sweep(x: "absent", y: "relative_error", matching: query).isEmpty)

        let names = try store.index.parameterNames(matching: query)
        #expect(names.map(\.name) == ["rank", "seed", "start"])
        #expect(names.map(\.distinctValues) == [6, 1, 5])
        #expect(try store.index.parameterNames(matching: RunQuery(experiment: "other")).map(\.name) == ["rank"])
    }
}
