import AlmagestCore
import Foundation

// `make bench`: one JSON line per task on standard output. Pass task-group names to run only
// some groups (core, cluster, ...).
OpenBLASKernels.preferAVX512Kernels()
let groups: [(String, () -> [BenchResult])] = [
    ("core", coreBenchmarks),
    ("cluster", clusterBenchmarks),
    ("features", featureBenchmarks),
    ("neural", neuralBenchmarks),
    ("tabular", tabularBenchmarks),
    ("nmf", nmfBenchmarks),
    ("trees", treeBenchmarks),
    ("boosting", boostingBenchmarks),
    ("dashboard", dashboardBenchmarks),
    ("scale", scaleBenchmarks),
    ("serve", serveBenchmarks),
    ("spectra", spectraBenchmarks),
    ("gemini", geminiBenchmarks),
    ("fisherem", fisherEMBenchmarks),
    ("vgg", vggBenchmarks),
    ("images", imagesBenchmarks),
    ("sweep", sweepBenchmarks),
]
let wanted = Set(CommandLine.arguments.dropFirst())
for (name, run) in groups where wanted.isEmpty || wanted.contains(name) {
    for result in run() {
        FileHandle.standardOutput.write(Data((result.jsonLine + "\n").utf8))
    }
}
