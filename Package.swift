// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Lifecycle",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "lifecycle", targets: ["LifecycleCLI"]),
        .library(name: "Warehouse", targets: ["Warehouse"]),
        .library(name: "Learning", targets: ["Learning"]),
        .library(name: "SQLiteStore", targets: ["SQLiteStore"]),
        .library(name: "PostgresStore", targets: ["PostgresStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
    ],
    targets: [
        // System libraries (Debian: libsqlite3-dev, zlib1g-dev).
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // The only code that touches the SQLite C API.
        .target(
            name: "SQLiteStore",
            dependencies: ["CSQLite", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The only code that touches postgres-nio (and so SwiftNIO): a blocking client for PostgreSQL.
        .target(
            name: "PostgresStore",
            dependencies: [.product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        // Pure Swift numerics: no SQLite, no Foundation I/O.
        .target(name: "Learning"),
        // The domain: import, features, analytics, registry, report, generator.
        .target(
            name: "Warehouse",
            dependencies: [
                "SQLiteStore", "PostgresStore", "Learning", "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            plugins: ["EmbedSQLPlugin"]
        ),
        .executableTarget(
            name: "LifecycleCLI",
            dependencies: [
                "Warehouse",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Build-time tool: embeds migrations/ and sql/ into the Warehouse module as Swift source.
        .executableTarget(name: "EmbedSQLTool"),
        .plugin(name: "EmbedSQLPlugin", capability: .buildTool(), dependencies: ["EmbedSQLTool"]),

        .testTarget(name: "SQLiteStoreTests", dependencies: ["SQLiteStore"]),
        .testTarget(name: "PostgresStoreTests", dependencies: ["PostgresStore"]),
        .testTarget(name: "LearningTests", dependencies: ["Learning"], exclude: ["reference"]),
        .testTarget(name: "WarehouseTests", dependencies: ["Warehouse", "SQLiteStore"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Warehouse", "SQLiteStore", "PostgresStore", "LifecycleCLI"]),
    ],
    swiftLanguageModes: [.v6]
)
