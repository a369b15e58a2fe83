// swift-tools-version: 6.1
// A libFuzzer target over parse → bind → plan of arbitrary bytes against a small fixed catalog.
// A package of its own, so the root package's `swift build` never builds it with the fuzzer's
// instrumentation. Build and run it with `fuzz/run.sh SECONDS`.
import PackageDescription

let package = Package(
    name: "rivulet-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "rivulet", path: "..")],
    targets: [
        .executableTarget(
            name: "ParsePlanFuzz",
            dependencies: [.product(name: "RivuletEngine", package: "rivulet")],
            path: "Sources/ParsePlanFuzz"
        ),
    ]
)
