import AlmagestCore
import AlmagestData
import AlmagestExperiments
import AlmagestLearn
import AlmagestTracking
import ArgumentParser
import Foundation

/// `almagest factorize`: non-negative matrix factorisation of MNIST digits or a user's file, with
/// the training history, factors and figures logged as a run (or one run per sweep combination).
struct FactorizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "factorize",
        abstract: "Factorise images (or any non-negative matrix) with NMF and log the runs.",
        discussion: """
            Examples:
              almagest factorize --input mnist --rows 100:350 --rank 10 --method mu
              almagest factorize --input mnist --rows 0:2000 --method deep --ranks 20,10 --lambdas 1,1
              almagest factorize --input data.npy --rank 5 --method gd --learning-rate 0.01
              almagest factorize --input mnist --rows 0:500 --experiment-file sweep.json
            Methods: mu (Lee-Seung, Frobenius), mu-kl (Kullback-Leibler), mu-sklearn (scikit-learn's MU \
            convention), gd (projected Adam), deep (deep NMF; --ranks gives the layer ranks, the last being \
            the rank; --lambdas selects the layer-wise loss, otherwise the global loss with --l1).
            """)

    @OptionGroup var options: RunOptions

    @Option(name: .long, help: "'mnist' (the MNIST test images, scaled to [0, 1]) or a CSV, TSV, NPY or IDX file.")
    var input: String = "mnist"

    @Option(name: .long, help: "Rows to use, START:END (end exclusive), e.g. 100:350.")
    var rows: String?

    @Option(name: .long, help: "Folder with t10k-images-idx3-ubyte(.gz) (default: $ALMAGEST_SHARED/datasets/mnist or ../shared/datasets/mnist).")
    var mnistDir: String?

    @Option(name: .long, help: "Rank r of the factorisation.")
    var rank: Int = 10

    @Option(name: .long, help: "mu, mu-kl, mu-sklearn, gd or deep.")
    var method: FactorizationSpec.Method = .mu

    @Option(name: .long, help: "Deep NMF layer ranks, comma separated, e.g. 20,10 (the last one is the rank).")
    var ranks: String?

    @Option(name: .long, help: "Deep NMF layer-wise loss weights, one per layer, e.g. 1,1.")
    var lambdas: String?

    @Option(name: .long, help: "Deep NMF global loss: L1 penalty on W1.")
    var l1: Double = 0

    @Option(name: .long, help: "Adam learning rate (gd, deep).")
    var learningRate: Double = 1e-2

    @Option(name: .long, help: "gd/deep non-negativity: projected (max(0, .) after each step), autograd (also relu's mask, as the PyTorch loop) or none (relu in the loss only).")
    var clamping: AdamNMF.Clamping = .projected

    @Option(name: .long, help: "Maximum iterations.")
    var iterations: Int = 200

    @Option(name: .long, help: "Record errors and the spectrum every N iterations (0: off).")
    var trackEvery: Int = 10

    @Option(name: .long, help: "Start: random, eye, nndsvd, nndsvda or nndsvdar.")
    var initialization: NMFInitialization = .nndsvda

    @Option(name: .long, help: "Stop when the relative error improves by less than this between tracked points (0: off).")
    var tolerance: Double = 0

    @Option(name: .long, help: "Plateau window (tracked points).")
    var plateauWindow: Int = 5

    @Option(name: .long, help: "Plateau tolerance on the effective rank (max - min).")
    var plateauTolerance: Double = 0.05

    @Flag(name: .long, help: "Stop as soon as the effective rank is on a plateau.")
    var stopOnPlateau = false

    @Option(name: .long, help: "JSON experiment file: lists of methods, ranks, innerRanks, lambdas, l1, seeds (one run each).")
    var experimentFile: String?

    @Option(name: .long, help: "Experiment name: the folder of the runs in the store.")
    var experiment: String = "nmf"

    @Option(name: .long, help: "Figure formats, comma separated: svg, png.")
    var plots: String = "svg,png"

    func run() throws {
        try reportingErrors {
            options.apply()
            let range = try rows.map(FactorizationData.parseRows)
            let data: FactorizationData
            if input == "mnist" {
                data = try FactorizationData.mnist(directory: URL(fileURLWithPath: mnistDirectory), rows: range)
            } else {
                data = try FactorizationData.file(URL(fileURLWithPath: input), rows: range)
            }
            var experimentName = experiment
            let specs: [FactorizationSpec]
            if let experimentFile {
                var sweep = try FactorizationSweep.load(from: URL(fileURLWithPath: experimentFile))
                if sweep.seeds == nil { sweep.seeds = [options.seed] }
                if let name = sweep.experiment { experimentName = name }
                specs = try sweep.specs()
            } else {
                specs = [try singleSpec()]
            }
            let formats = plots.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
            let store = try RunStore(root: URL(fileURLWithPath: options.runs))
            let results = try FactorizationExperiment(experiment: experimentName, plotFormats: formats).run(specs, on: data, store: store, progress: .standardError)
            print("\(data.matrix.rows) rows x \(data.matrix.columns) columns from \(data.source)\n")
            print(FactorizationExperiment.table(results))
            for result in results {
                print("\nrun \(result.runID ?? "-") -> \(result.directory?.path ?? "")")
            }
        }
    }

    // MARK: - Private

    private var mnistDirectory: String {
        if let mnistDir { return mnistDir }
        if let shared = ProcessInfo.processInfo.environment["ALMAGEST_SHARED"] { return shared + "/datasets/mnist" }
        return "../shared/datasets/mnist"
    }

    private func singleSpec() throws -> FactorizationSpec {
        var spec = FactorizationSpec(
            method: method, rank: rank, l1: l1, learningRate: learningRate, clamping: clamping, iterations: iterations,
            trackEvery: trackEvery, initialization: initialization, tolerance: tolerance, plateauWindow: plateauWindow,
            plateauTolerance: plateauTolerance, stopOnPlateau: stopOnPlateau, seed: options.seed)
        if let ranks {
            let layers = try parseList(ranks, name: "--ranks") { Int($0) }
            guard !layers.isEmpty, layers.allSatisfy({ $0 > 0 }) else {
                throw ValidationError("--ranks must list positive ranks, e.g. 20,10; got \(ranks)")
            }
            if method == .deep {
                guard layers.count >= 2 else {
                    throw ValidationError("--ranks for deep NMF needs at least two layers, e.g. 20,10; got \(ranks)")
                }
                spec.innerRanks = Array(layers.dropLast())
            }
            spec.rank = layers.last!
        }
        if let lambdas { spec.lambdas = try parseList(lambdas, name: "--lambdas") { Double($0) } }
        return spec
    }

    private func parseList<T>(_ text: String, name: String, _ parse: (String) -> T?) throws -> [T] {
        try text.split(separator: ",").map { part in
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let value = parse(trimmed) else { throw ValidationError("\(name): cannot read '\(trimmed)' in '\(text)'") }
            return value
        }
    }
}

extension FactorizationSpec.Method: ExpressibleByArgument {}
extension NMFInitialization: ExpressibleByArgument {}
extension AdamNMF.Clamping: ExpressibleByArgument {}
