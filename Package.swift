// swift-tools-version: 6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "rivulet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rivulet", targets: ["rivulet"]),
        // The engine's modules, for the micro-benchmarks of benchmarks/micro (a package of its own).
        .library(
            name: "RivuletEngine",
            targets: ["RivuletEngine", "RivuletConnectors", "RivuletRuntime", "RivuletPlanner", "RivuletSQL", "RivuletCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // C libraries from Debian, wrapped as system libraries.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CReadline", pkgConfig: "readline", providers: [.apt(["libreadline-dev"])]),

        // Values, types, columnar batches and errors shared by every layer.
        .target(name: "RivuletCore", swiftSettings: strictSettings),
        // Lexer, parser, AST and canonical printing. Knows no catalog.
        .target(name: "RivuletSQL", dependencies: ["RivuletCore"], swiftSettings: strictSettings),
        // Catalog protocol, binder, logical and streaming plans.
        .target(name: "RivuletPlanner", dependencies: ["RivuletSQL", "RivuletCore"], swiftSettings: strictSettings),
        // Operators, expression evaluation, watermarks, the pipeline driver.
        .target(
            name: "RivuletRuntime",
            dependencies: [
                "RivuletPlanner", "RivuletCore",
                .product(name: "Collections", package: "swift-collections"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // Sources and sinks: files, generators, SQLite.
        .target(
            name: "RivuletConnectors",
            dependencies: ["RivuletRuntime", "RivuletPlanner", "RivuletCore", "CSQLite", "CRdKafka", "CLibPQ"],
            swiftSettings: strictSettings
        ),
        // Statement execution: the catalog, embedded streams, queries run to completion.
        .target(
            name: "RivuletEngine",
            dependencies: ["RivuletConnectors", "RivuletRuntime", "RivuletPlanner", "RivuletSQL", "RivuletCore"],
            swiftSettings: strictSettings
        ),
        // Postgres wire protocol server; serves `SQLSession`, never imports the engine.
        .target(
            name: "RivuletPGWire",
            dependencies: [
                "RivuletCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings
        ),
        // The server: persistent queries, the engine behind pgwire sessions, the catalog log, and the HTTP
        // port (/metrics, the JSON API and the web console, on Hummingbird).
        .target(
            name: "RivuletServer",
            dependencies: [
                "RivuletEngine", "RivuletConnectors", "RivuletPGWire", "RivuletRuntime", "RivuletPlanner", "RivuletSQL", "RivuletCore",
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            // The web console's files, compiled into the binary.
            resources: [
                .embedInCode("HTTP/Console/index.html"), .embedInCode("HTTP/Console/console.css"),
                .embedInCode("HTTP/Console/console.js"),
            ],
            swiftSettings: strictSettings
        ),
        // The interactive shell: a libpq client with readline, no engine or server inside; it splits
        // statements with the SQL module's scanner, as the server does.
        .target(name: "RivuletShell", dependencies: ["RivuletSQL", "RivuletCore", "CLibPQ", "CReadline"], swiftSettings: strictSettings),
        .executableTarget(
            name: "rivulet",
            dependencies: [
                "RivuletShell", "RivuletServer", "RivuletPGWire", "RivuletEngine", "RivuletConnectors", "RivuletRuntime", "RivuletSQL",
                "RivuletCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        .testTarget(name: "RivuletCoreTests", dependencies: ["RivuletCore"]),
        .testTarget(name: "RivuletShellTests", dependencies: ["RivuletShell", "RivuletCore"]),
        .testTarget(name: "RivuletSQLTests", dependencies: ["RivuletSQL", "RivuletCore"], exclude: ["Fixtures"]),
        // Test targets that start the `rivulet` binary depend on it so that `swift test` builds it.
        .testTarget(name: "EndToEndTests", dependencies: ["rivulet", "CSQLite", "TestBrokers"]),
        .testTarget(
            name: "ConformanceTests",
            dependencies: ["RivuletEngine", "RivuletPlanner", "RivuletCore", "CSQLite"]
        ),
        .testTarget(
            name: "RivuletPGWireTests",
            dependencies: [
                "RivuletPGWire", "RivuletCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "RivuletServerTests",
            dependencies: ["RivuletServer", "RivuletPlanner", "RivuletCore", "TestBrokers", "rivulet"],
            exclude: ["Scripts"]
        ),
        .testTarget(name: "RivuletRuntimeTests", dependencies: ["RivuletRuntime", "RivuletPlanner", "RivuletSQL", "RivuletCore"]),
        .testTarget(
            name: "RivuletConnectorsTests",
            dependencies: ["RivuletConnectors", "RivuletRuntime", "RivuletPlanner", "RivuletCore", "CSQLite"]),
        .testTarget(
            name: "RivuletKafkaTests",
            dependencies: ["RivuletConnectors", "RivuletEngine", "RivuletRuntime", "RivuletPlanner", "RivuletCore", "CRdKafka", "TestBrokers", "rivulet"]),
        // A real Kafka broker process for the tests that need what librdkafka's mock cluster lacks.
        .target(name: "TestBrokers", dependencies: ["RivuletCore", "CRdKafka"], path: "Tests/TestBrokers"),
    ]
)
