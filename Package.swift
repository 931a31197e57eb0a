// swift-tools-version: 6.0
// Almagest: clustering, classification, factorisation, neural networks, run tracking and a
// dashboard, in one Swift package. Layering (nothing points back up):
//   Core ← Data ← Neural ← Learn ← Tracking/Plot ← Experiments/Dashboard/Serve ← CLI
import PackageDescription

let optimise: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release)),
]

let package = Package(
    name: "Almagest",
    platforms: [.macOS(.v15)],
    products: [
        .library(
            name: "Almagest",
            targets: [
                "AlmagestCore", "AlmagestData", "AlmagestNeural", "AlmagestLearn",
                "AlmagestTracking", "AlmagestPlot", "AlmagestExperiments",
            ]),
        .executable(name: "almagest", targets: ["almagest"]),
        .executable(name: "almagest-bench", targets: ["AlmagestBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // YAML experiment files.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // Already a dependency of Hummingbird; named here because the dashboard stops it gracefully.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // System libraries: OpenBLAS CBLAS + LAPACKE, and zlib (Debian packages).
        .systemLibrary(
            name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        // libpng + libjpeg-turbo (Debian's libpng-dev, libjpeg62-turbo-dev) behind a C shim that
        // catches their longjmp errors (Swift cannot): PNG and JPEG decoding for AlmagestData.
        .target(
            name: "CImageCodecs", path: "Sources/CImageCodecs",
            linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("jpeg")]),

        // Matrix, BLAS/LAPACK wrappers, random streams, parallel loops, error types.
        .target(name: "AlmagestCore", dependencies: ["CBLAS"], swiftSettings: optimise),
        // Readers and writers per format, Dataset, embedded data sets.
        .target(
            name: "AlmagestData", dependencies: ["AlmagestCore", "AlmagestPlot", "CImageCodecs", "CZlib"],
            resources: [.copy("Resources/digits.csv.gz"), .copy("Resources/DIGITS-CITATION.md")],
            swiftSettings: optimise),
        // Tensor with reverse-mode autograd, layers, losses, optimisers, training.
        .target(name: "AlmagestNeural", dependencies: ["AlmagestCore"], swiftSettings: optimise),
        // Preprocessing, features, clustering, classification, factorisation, metrics.
        .target(
            name: "AlmagestLearn", dependencies: ["AlmagestCore", "AlmagestData", "AlmagestNeural"],
            swiftSettings: optimise),
        // Runs: parameters, metrics, timings, typed artifacts (with their charts), appended to runs.jsonl;
        // an SQLite index (GRDB).
        .target(
            name: "AlmagestTracking",
            dependencies: ["AlmagestCore", "AlmagestData", "AlmagestPlot", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: optimise),
        // SVG charts and a PNG writer.
        .target(name: "AlmagestPlot", dependencies: ["AlmagestCore", "CZlib"], swiftSettings: optimise),
        // The end-to-end pipelines the CLI runs (digits clustering, ...).
        .target(
            name: "AlmagestExperiments",
            dependencies: [
                "AlmagestCore", "AlmagestData", "AlmagestNeural", "AlmagestLearn", "AlmagestTracking", "AlmagestPlot",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: optimise),
        // The web dashboard over the run store (Hummingbird); the only target that needs a server.
        .target(
            name: "AlmagestDashboard",
            dependencies: [
                "AlmagestCore", "AlmagestData", "AlmagestTracking", "AlmagestPlot",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: optimise),
        // The prediction server over one fitted pipeline (Hummingbird): POST /predict, GET /model.
        .target(
            name: "AlmagestServe",
            dependencies: [
                "AlmagestCore", "AlmagestData", "AlmagestLearn", "AlmagestTracking",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: optimise),
        .executableTarget(
            name: "almagest",
            dependencies: [
                "AlmagestCore", "AlmagestData", "AlmagestLearn", "AlmagestExperiments",
                "AlmagestTracking", "AlmagestDashboard", "AlmagestServe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: optimise),
        .executableTarget(
            name: "AlmagestBench",
            dependencies: [
                "AlmagestCore", "AlmagestData", "AlmagestLearn", "AlmagestNeural", "AlmagestExperiments",
                "AlmagestTracking", "AlmagestDashboard", "AlmagestServe",
            ],
            path: "Benchmarks/AlmagestBench",
            swiftSettings: optimise),

        // Shared by the test targets: fixture loading and the estimator conformance suite.
        .target(name: "AlmagestTestSupport", dependencies: ["AlmagestCore", "AlmagestLearn"], path: "Tests/AlmagestTestSupport"),
        .testTarget(name: "AlmagestCoreTests", dependencies: ["AlmagestCore", "AlmagestTestSupport"]),
        .testTarget(
            name: "AlmagestDataTests", dependencies: ["AlmagestCore", "AlmagestData", "AlmagestPlot", "AlmagestTestSupport"],
            // FITS golden values and a small FITS file written by Tests/Reference/make_fits_reference.py.
            resources: [.copy("Resources")]),
        .testTarget(name: "AlmagestNeuralTests", dependencies: ["AlmagestCore", "AlmagestNeural"]),
        .testTarget(
            name: "AlmagestLearnTests",
            dependencies: ["AlmagestCore", "AlmagestData", "AlmagestNeural", "AlmagestLearn", "AlmagestTestSupport"],
            // Golden fixtures generated by Tests/Reference/*.py (the shared ones live in ../shared).
            resources: [.copy("Resources")]),
        .testTarget(name: "AlmagestTrackingTests", dependencies: ["AlmagestCore", "AlmagestData", "AlmagestTracking"]),
        // Starts the dashboard on a loopback port and checks pages in headless Chromium.
        .testTarget(
            name: "AlmagestDashboardTests",
            dependencies: [
                "AlmagestCore", "AlmagestData", "AlmagestLearn", "AlmagestTracking", "AlmagestPlot", "AlmagestExperiments",
                "AlmagestDashboard",
                "AlmagestTestSupport",
            ]),
        // Starts the prediction server on a loopback port and calls it over keep-alive HTTP.
        .testTarget(
            name: "AlmagestServeTests",
            dependencies: [
                "AlmagestCore", "AlmagestData", "AlmagestLearn", "AlmagestTracking", "AlmagestExperiments", "AlmagestServe",
                "AlmagestTestSupport",
            ]),
        .testTarget(name: "AlmagestPlotTests", dependencies: ["AlmagestCore", "AlmagestPlot", "CZlib"]),
        .testTarget(
            name: "AlmagestExperimentsTests",
            dependencies: [
                "AlmagestCore", "AlmagestData", "AlmagestLearn", "AlmagestTracking", "AlmagestExperiments",
                "AlmagestTestSupport",
            ]),
    ],
    swiftLanguageModes: [.v6]
)
