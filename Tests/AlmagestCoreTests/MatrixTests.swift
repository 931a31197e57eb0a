import AlmagestCore
import AlmagestTestSupport
import Foundation
import Testing

@Suite struct MatrixTests {
    @Test func construction() throws {
        let m = try Matrix<Double>([[1, 2, 3], [4, 5, 6]])
        #expect(m.shape == [2, 3])
        #expect(m[1, 2] == 6)
        #expect(Array(m.row(1)) == [4, 5, 6])
        #expect(m.column(1) == [2, 5])
        #expect(throws: ShapeError.self) { try Matrix<Double>([[1, 2], [3]]) }
        #expect(throws: ShapeError.self) { try Matrix<Double>(rows: 2, columns: 2, elements: [1, 2, 3]) }
    }

    @Test func raggedRowErrorNamesTheRow() {
        do {
            _ = try Matrix<Double>([[1, 2], [3, 4], [5]])
            Issue.record("expected a ShapeError")
        } catch {
            #expect("\(error)".contains("row 2 has 1 values, expected 2"))
        }
    }

    @Test func copyOnWrite() throws {
        let a = try Matrix<Double>([[1, 2], [3, 4]])
        var b = a
        b[0, 0] = 9
        #expect(a[0, 0] == 1)
        #expect(b[0, 0] == 9)
    }

    @Test func viewsShareAndMaterialise() throws {
        let m = try Matrix<Double>([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        let v = m.view(rows: 1..<3, columns: 1..<3)
        #expect(v[0, 0] == 5 && v[1, 1] == 9)
        #expect(v.materialized() == (try Matrix([[5, 6], [8, 9]])))
        #expect(m.rows(at: [2, 0]) == (try Matrix([[7, 8, 9], [1, 2, 3]])))
        #expect(m.columns(at: [2]) == (try Matrix([[3], [6], [9]])))
    }

    @Test func elementwiseAndBroadcast() throws {
        let a = try Matrix<Double>([[1, 2], [3, 4]])
        let row = try Matrix<Double>([[10, 20]])
        let col = try Matrix<Double>([[1], [2]])
        #expect(try a + row == (try Matrix([[11, 22], [13, 24]])))
        #expect(try a - col == (try Matrix([[0, 1], [1, 2]])))
        #expect(try a.hadamard(a) == (try Matrix([[1, 4], [9, 16]])))
        #expect(a * 2 == (try Matrix([[2, 4], [6, 8]])))
        #expect(throws: ShapeError.self) { try a + (try Matrix<Double>([[1, 2, 3]])) }
    }

    @Test func reductions() throws {
        let a = try Matrix<Double>([[1, 2], [3, 6]])
        #expect(a.sum() == 12)
        #expect(a.sum(axis: .rows) == (try Matrix([[4, 8]])))
        #expect(a.sum(axis: .columns) == (try Matrix([[3], [9]])))
        #expect(a.mean(axis: .rows) == (try Matrix([[2, 4]])))
        #expect(a.variance(axis: .rows) == (try Matrix([[1, 4]])))
        #expect(a.variance(axis: .rows, ddof: 1) == (try Matrix([[2, 8]])))
        #expect(a.argmaxPerRow() == [1, 1])
        #expect(a.squaredNorm() == 50)
    }

    @Test(arguments: [(1, 1, 1), (3, 5, 2), (17, 9, 33), (64, 64, 64)])
    func productMatchesNaiveLoops(m: Int, k: Int, n: Int) throws {
        var rng = RandomStream(seed: 7)
        let a: Matrix<Double> = rng.normalMatrix(rows: m, columns: k)
        let b: Matrix<Double> = rng.normalMatrix(rows: k, columns: n)
        let c = try a * b
        let naive = Matrix<Double>(rows: m, columns: n) { i, j in (0..<k).reduce(0) { $0 + a[i, $1] * b[$1, j] } }
        #expect(c.maxAbsDifference(naive) < 1e-12)
        let ct = try Matrix.product(a.transposed(), transposed: true, b.transposed(), transposed: true)
        #expect(ct.maxAbsDifference(naive) < 1e-12)
        let af = a.converted(to: Float.self), bf = b.converted(to: Float.self)
        #expect(try (af * bf).converted(to: Double.self).maxAbsDifference(naive) < 1e-4)
        #expect(throws: ShapeError.self) { try a * Matrix<Double>(rows: k + 1, columns: 2) }
    }

    @Test func matrixVector() throws {
        let a = try Matrix<Double>([[1, 2], [3, 4], [5, 6]])
        #expect(try a.multiplied(by: [1, 1]) == [3, 7, 11])
        #expect(throws: ShapeError.self) { try a.multiplied(by: [1, 1, 1]) }
    }

    @Test func transposeLarge() {
        var rng = RandomStream(seed: 1)
        let a: Matrix<Float> = rng.uniformMatrix(rows: 70, columns: 45)
        let t = a.transposed()
        #expect(t.shape == [45, 70])
        for i in 0..<70 { for j in 0..<45 { #expect(t[j, i] == a[i, j]) } }
    }

    @Test func codableRoundTripAndCorruption() throws {
        let a = try Matrix<Double>([[1.5, -2], [0.1, 1e-300]])
        let data = try JSONEncoder().encode(a)
        #expect(try JSONDecoder().decode(Matrix<Double>.self, from: data) == a)
        let bad = Data(#"{"rows":2,"columns":2,"elements":[1,2,3]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Matrix<Double>.self, from: bad) }
    }
}
