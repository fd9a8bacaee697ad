// swift-tools-version:6.0
import Foundation
import PackageDescription

// Module map: see docs/architecture.md ("Modules"). Modules depend downward only:
// winnow -> WinnowPipeline -> stage modules (WinnowFilters, …) -> WinnowText / WinnowCore.
let package = Package(
    name: "Winnow",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "winnow", targets: ["winnow"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // System libraries (Debian -dev packages installed by Scripts/setup.sh).
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSQLite3", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // HTTP(S) for s3:// and http(s):// shards; signs AWS SigV4 itself (CURLOPT_AWS_SIGV4).
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Parquet page codecs (snappy, LZ4 raw and Hadoop framing, brotli); zstd and zlib are above.
        .systemLibrary(name: "CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CBrotli", pkgConfig: "libbrotlidec", providers: [.apt(["libbrotli-dev"])]),
        // HTML parsing for the extract stage: libxml2's HTML parser, the one lxml (and so
        // trafilatura) uses, so both extractors see the same tree.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CDivSufSort", pkgConfig: "libdivsufsort", providers: [.apt(["libdivsufsort-dev"])]),
        // Loads OpenBLAS at run time (see its header); its cblas.h comes from libopenblas-dev.
        .target(name: "COpenBLAS", linkerSettings: [.linkedLibrary("dl")]),
        // ICU behind a C shim (see its header for why): word boundaries for every script.
        .target(name: "CWinnowICU", linkerSettings: [.linkedLibrary("icui18n"), .linkedLibrary("icuuc"), .linkedLibrary("icudata")]),
        // Vectorised hot loops, compiled for several instruction sets and picked at start-up.
        .target(name: "CWinnowKernels"),
        // Linux calls Swift cannot make directly (variadic prctl).
        .systemLibrary(name: "CLinux"),

        .target(name: "WinnowCore", dependencies: ["CZstd", "CZlib", "CSnappy", "CLZ4", "CBrotli", "CLinux", "CWinnowICU", "CCurl"]),
        .target(name: "WinnowText", dependencies: ["WinnowCore", "CWinnowICU"]),
        .target(name: "WinnowFilters", dependencies: ["WinnowCore", "WinnowText"]),
        .target(name: "WinnowClassifier", dependencies: ["WinnowCore", "CLinux"]),
        .target(name: "WinnowTokenizers", dependencies: ["WinnowCore", "WinnowText", "CWinnowICU"]),
        .target(name: "WinnowMix", dependencies: ["WinnowCore"]),
        .target(name: "WinnowExtract", dependencies: ["WinnowCore", "CLibXML2"]),
        .target(name: "WinnowPack", dependencies: ["WinnowCore"]),
        .target(name: "WinnowDedup", dependencies: ["WinnowCore", "WinnowText", "CWinnowKernels", "CDivSufSort", "COpenBLAS"]),
        .target(name: "WinnowPipeline", dependencies: [
            "WinnowCore", "WinnowFilters", "WinnowClassifier", "WinnowTokenizers", "WinnowMix", "WinnowPack", "WinnowDedup", "WinnowExtract", "CSQLite3", "CLinux",
            .product(name: "Yams", package: "Yams"),
        ]),
        // Every reader of outside bytes as a fuzzing target (docs/fuzzing.md).
        .target(name: "WinnowFuzzing", dependencies: [
            "WinnowCore", "WinnowTokenizers", "WinnowClassifier", "WinnowPack", "WinnowDedup", "WinnowPipeline",
        ]),
        .executableTarget(name: "winnow", dependencies: [
            "WinnowCore", "WinnowPipeline", "WinnowClassifier", "WinnowTokenizers", "WinnowPack", "WinnowDedup", "WinnowExtract",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "WinnowCoreTests", dependencies: ["WinnowCore"], exclude: ["Fixtures"]),
        .testTarget(name: "WinnowTextTests", dependencies: ["WinnowText"], exclude: ["Fixtures"]),
        .testTarget(name: "WinnowFiltersTests", dependencies: ["WinnowFilters", "WinnowClassifier"], exclude: ["Fixtures"]),
        .testTarget(name: "WinnowClassifierTests", dependencies: ["WinnowClassifier"], exclude: ["Fixtures"]),
        .testTarget(name: "WinnowTokenizersTests", dependencies: ["WinnowTokenizers", "WinnowCore"], exclude: ["Fixtures"]),
        .testTarget(name: "WinnowExtractTests", dependencies: ["WinnowExtract", "WinnowCore"]),
        .testTarget(name: "WinnowMixTests", dependencies: ["WinnowMix", "WinnowCore"]),
        .testTarget(name: "WinnowPackTests", dependencies: ["WinnowPack", "WinnowCore"]),
        .testTarget(name: "WinnowDedupTests", dependencies: ["WinnowDedup", "WinnowCore"], exclude: ["Fixtures"]),
        .testTarget(name: "WinnowPipelineTests", dependencies: ["WinnowPipeline"]),
        .testTarget(name: "WinnowStageTests", dependencies: ["WinnowPipeline", "WinnowCore"]),
        .testTarget(name: "WinnowFuzzingTests", dependencies: ["WinnowFuzzing", "WinnowCore"], exclude: ["Regressions"]),
        .testTarget(name: "WinnowCLITests", dependencies: ["winnow", "WinnowPipeline", "WinnowCore", "CZlib"]),
    ]
)

// The libFuzzer binary, only when Scripts/fuzz.sh asks for it (WINNOW_FUZZ=1, its own scratch
// path and -sanitize=fuzzer): it calls libFuzzer's driver, which an ordinary build does not link.
// Linked by lld: gold stops with an internal error in its DWARF reader on this binary.
if ProcessInfo.processInfo.environment["WINNOW_FUZZ"] != nil {
    package.targets.append(.executableTarget(name: "winnow-fuzz", dependencies: ["WinnowFuzzing", "CLinux"],
                                             linkerSettings: [.unsafeFlags(["-use-ld=lld"])]))
    package.products.append(.executable(name: "winnow-fuzz", targets: ["winnow-fuzz"]))
}
