import AlmagestCore
import AlmagestTestSupport
import Testing

@Suite struct LinearAlgebraTests {
    @Test(arguments: [(6, 4), (4, 6), (5, 5)])
    func thinSVDReconstructs(m: Int, n: Int) throws {
        var rng = RandomStream(seed: 3)
        let a: Matrix<Double> = rng.normalMatrix(rows: m, columns: n)
        let svd = try a.svd()
        #expect(svd.u.shape == [m, min(m, n)] && svd.vt.shape == [min(m, n), n])
        #expect(try svd.reconstruction().maxAbsDifference(a) < 1e-12)
        #expect(zip(svd.singularValues, svd.singularValues.dropFirst()).allSatisfy { $0 >= $1 })
        // Uᵀ U = I.
        #expect(svd.u.gram().maxAbsDifference(.identity(min(m, n))) < 1e-12)
        #expect(try a.singularValues().enumerated().allSatisfy { abs($1 - svd.singularValues[$0]) < 1e-12 })
    }

    @Test func fullSVDShapes() throws {
        var rng = RandomStream(seed: 4)
        let a: Matrix<Double> = rng.normalMatrix(rows: 5, columns: 3)
        let svd = try a.svd(full: true)
        #expect(svd.u.shape == [5, 5] && svd.vt.shape == [3, 3])
        #expect(svd.u.gram().maxAbsDifference(.identity(5)) < 1e-12)
    }

    @Test func knownSingularValues() throws {
        // diag(3, 2) padded: singular values are exactly 3 and 2.
        let a = try Matrix<Double>([[0, 2], [3, 0], [0, 0]])
        let s = try a.singularValues()
        #expect(abs(s[0] - 3) < 1e-14 && abs(s[1] - 2) < 1e-14)
    }

    @Test func svdRefusesNaN() throws {
        var a = Matrix<Double>(rows: 2, columns: 2, repeating: 1)
        a[1, 0] = .nan
        #expect(throws: FitError.self) { try a.svd() }
    }

    @Test func symmetricEigen() throws {
        let a = try Matrix<Double>([[2, 1], [1, 2]])
        let eig = try a.symmetricEigen()
        #expect(abs(eig.values[0] - 1) < 1e-14 && abs(eig.values[1] - 3) < 1e-14)
        // A v = λ v.
        let v = eig.vectors.column(1)
        let av = try a.multiplied(by: v)
        #expect(abs(av[0] - 3 * v[0]) < 1e-13 && abs(av[1] - 3 * v[1]) < 1e-13)
        #expect(throws: ShapeError.self) { try Matrix<Double>(rows: 2, columns: 3).symmetricEigen() }
    }

    @Test func choleskyAndSolve() throws {
        let a = try Matrix<Double>([[4, 2], [2, 3]])
        let l = try a.cholesky()
        #expect(try (l * l.transposed()).maxAbsDifference(a) < 1e-14)
        #expect(l[0, 1] == 0)
        let b = try Matrix<Double>([[2], [1]])
        let x = try a.choleskySolve(b)
        #expect(try (a * x).maxAbsDifference(b) < 1e-14)
        #expect(throws: FitError.self) { try Matrix<Double>([[1, 2], [2, 1]]).cholesky() }
    }

    @Test func leastSquaresRecoversLine() throws {
        // y = 2 + 3 t exactly.
        let t: [Double] = [0, 1, 2, 3, 4]
        let a = try Matrix(t.map { [1, $0] })
        let b = try Matrix(t.map { [2 + 3 * $0] })
        let fit = try a.leastSquares(b)
        #expect(abs(fit.solution[0, 0] - 2) < 1e-12 && abs(fit.solution[1, 0] - 3) < 1e-12)
        #expect(fit.rank == 2)
    }

    @Test func distancesMatchDirect() throws {
        var rng = RandomStream(seed: 5)
        let a: Matrix<Double> = rng.normalMatrix(rows: 13, columns: 7)
        let b: Matrix<Double> = rng.normalMatrix(rows: 9, columns: 7)
        let d = try Distances.squaredEuclidean(a, b)
        for i in 0..<13 {
            for j in 0..<9 {
                let direct = Distances.euclidean(a.row(i), b.row(j))
                #expect(abs(d[i, j] - direct * direct) < 1e-12)
            }
        }
        let block = Distances.squaredDistances(
            rows: 4..<8, of: a, to: b, normsA: .init(a), normsB: .init(b))
        #expect(block.maxAbsDifference(d.view(rows: 4..<8).materialized()) == 0)
        let self2 = try Distances.squaredEuclidean(a, a)
        #expect((0..<13).allSatisfy { self2[$0, $0] >= 0 && self2[$0, $0] < 1e-12 })
        #expect(throws: ShapeError.self) { try Distances.squaredEuclidean(a, a.transposed()) }
    }
}
