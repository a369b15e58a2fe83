// swift-tools-version: 6.1
// Micro-benchmarks of Rivulet's hot kernels (CSV decoding, expression evaluation, hash
// aggregation, window assignment) with ordo-one/package-benchmark. A package of its own, so the
// root package's `swift build` never builds it. Run from this folder:
//
//     swift package --disable-sandbox benchmark
import PackageDescription

let package = Package(
    name: "rivulet-micro",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "rivulet", path: "../.."),
        .package(url: "https://github.com/ordo-one/package-benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "Kernels",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "RivuletEngine", package: "rivulet"),
            ],
            path: "Benchmarks/Kernels",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
