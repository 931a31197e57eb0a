import AlmagestCore
import Testing
@testable import AlmagestLearn

/// The blocked products against plain GEMM, over several blocks of rows, and bit-identical with
/// one or two threads.
@Suite struct FisherEMProductsTests {
    @Test func blockedProductsEqualPlainOnesWhateverTheThreads() throws {
        var rng = RandomStream(seed: 4)
        let (n, p, k) = (5 * FisherEMProducts.blockRows + 17, 6, 3)
        let x = rng.normalMatrix(rows: n, columns: p) as Matrix<Double>
        let t = rng.uniformMatrix(rows: n, columns: k) as Matrix<Double>
        let u = rng.normalMatrix(rows: p, columns: 2) as Matrix<Double>
        let mean = x.mean(axis: .rows).elements
        let centred = Matrix<Double>(rows: n, columns: p) { i, j in x[i, j] - mean[j] }
        let plainCovariance = try Matrix.product(centred, transposed: true, centred) / Double(n)
        for threads in [1, 2] {
            Parallel.withThreads(threads) {
                #expect(FisherEMProducts.product(x, u).maxAbsDifference(try! Matrix.product(x, u)) < 1e-10)
                #expect(FisherEMProducts.transposedProduct(t, x).maxAbsDifference(try! Matrix.product(t, transposed: true, x)) < 1e-9)
                #expect(FisherEMProducts.covariance(x, mean: mean).maxAbsDifference(plainCovariance) < 1e-12)
            }
        }
        let one = Parallel.withThreads(1) { (FisherEMProducts.transposedProduct(t, x), FisherEMProducts.covariance(x, mean: mean)) }
        let two = Parallel.withThreads(2) { (FisherEMProducts.transposedProduct(t, x), FisherEMProducts.covariance(x, mean: mean)) }
        #expect(one.0 == two.0 && one.1 == two.1)
    }
}
