import AlmagestCore
import AlmagestData
import ArgumentParser
import Foundation

/// The `almagest` command-line tool.
@main
struct AlmagestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "almagest",
        abstract: "Cluster, classify and factorise scientific data; every run is logged under runs/.",
        version: Almagest.version,
        subcommands: [
            DemoCommand.self, ClusterCommand.self, ClassifyCommand.self, FactorizeCommand.self, ModelsCommand.self,
            TrainImagesCommand.self, PredictImagesCommand.self, MakeImagesCommand.self, MakeSpectraCommand.self,
            RunsCommand.self, DashboardCommand.self, ServeCommand.self, SweepCommand.self,
        ])

    /// Chooses OpenBLAS's AVX-512 kernels where the CPU has them (see `OpenBLASKernels`), then runs.
    static func main() async {
        OpenBLASKernels.preferAVX512Kernels()
        await main(nil)
    }
}

/// Runs `body`, turning a thrown error into one human line on standard error and exit code 1.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        FileHandle.standardError.write(Data("almagest: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

/// Options shared by the commands that log runs.
struct RunOptions: ParsableArguments {
    @Option(name: .long, help: "Folder of the run store (run directories and runs.jsonl).")
    var runs: String = "runs"

    @Option(name: .long, help: "Seed of every random choice (same seed, same result).")
    var seed: Int = 0

    @Option(name: .long, help: "Threads for Almagest's parallel loops (default: all cores or ALMAGEST_THREADS).")
    var threads: Int?

    func apply() {
        if let threads { Parallel.threads = threads }
    }
}
