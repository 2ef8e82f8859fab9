// swift-tools-version:6.1
// Palisade — moderation-as-a-service for the fediverse. Module map: README.md, "Layout".

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "palisade",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "palisade", targets: ["palisade"]),
        // The parsing modules as libraries, for the libFuzzer package in Fuzz/ (README, "Fuzzing").
        .library(name: "ActivityStreams", targets: ["ActivityStreams"]),
        .library(name: "HTTPSignatures", targets: ["HTTPSignatures"]),
        .library(name: "Rules", targets: ["Rules"]),
        .library(name: "Moderation", targets: ["Moderation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-http-structured-headers", from: "1.7.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // RSA with the system's OpenSSL (libcrypto), behind a C interface of our own; used only by HTTPSignatures.
        .target(name: "CSystemRSA", linkerSettings: [.linkedLibrary("crypto")]),
        // Key material and, later, HTTP message signatures. The only importer of _CryptoExtras.
        .target(
            name: "HTTPSignatures",
            dependencies: [
                "CSystemRSA",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "RawStructuredFieldValues", package: "swift-http-structured-headers"),
            ],
            swiftSettings: swiftSettings
        ),
        // The ActivityStreams vocabulary as Swift values: tolerant decoding of real-world JSON, addressing, HTML to text.
        .target(
            name: "ActivityStreams",
            swiftSettings: swiftSettings
        ),
        // libpcre2-8 as a system library; the shim header wraps the few constants defined by expressions.
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),
        // The Swift face of PCRE2: compile (UTF, UCP, JIT), match with limits, spans and named groups. The only importer of CPCRE2.
        .target(
            name: "PCRE",
            dependencies: ["CPCRE2"],
            swiftSettings: swiftSettings
        ),
        // Vectorscan (libhs) as a system library: the rule set's literal prefilter.
        .systemLibrary(name: "CVectorscan", pkgConfig: "libhs", providers: [.apt(["libvectorscan-dev"])]),
        // ICU's NFKC_Casefold and confusable skeletons (uspoof) behind plain C functions: ICU renames its symbols per
        // version with macros Swift cannot import.
        .target(
            name: "CICU",
            linkerSettings: [.linkedLibrary("icui18n"), .linkedLibrary("icuuc")]
        ),
        // Rule files: parse → validate → compile → evaluate over a Subject of fields; normalisation; rule tests.
        .target(
            name: "Rules",
            dependencies: [
                "PCRE", "CICU", "CVectorscan", "ActivityStreams",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Tenants, instances, moderators, reports, cases, claims, decisions, sanctions, appeals, the audit chain and the
        // ingest pipeline; its storage protocols (Store implements them).
        .target(
            name: "Moderation",
            dependencies: [
                "ActivityStreams", "Federation", "Rules",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The JSON request and response types of the moderation API, shared by the server and the review TUI.
        .target(
            name: "ModerationAPI",
            swiftSettings: swiftSettings
        ),
        // Actors and keys, and (later) inbox, outbox and delivery. Owns its storage protocols.
        .target(
            name: "Federation",
            dependencies: [
                "ActivityStreams",
                "HTTPSignatures",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // SQLite (GRDB) implementations of every domain's storage protocols. The only importer of GRDB.
        .target(
            name: "Store",
            dependencies: [
                "Federation",
                "Moderation",
                "HTTPSignatures",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // glibc's allocator thresholds behind a plain C function (mallopt is not in Swift's Glibc module).
        .target(name: "CAllocator"),
        // Configuration, logging, the Hummingbird application and the service lifecycle.
        .target(
            name: "Server",
            dependencies: [
                "CAllocator",
                "ActivityStreams",
                "Rules",
                "Moderation",
                "ModerationAPI",
                "HTTPSignatures",
                "Federation",
                "Store",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The moderators' terminal UI: model, messages, update and render (pure), the screen buffer, the diffing renderer,
        // key decoding and the terminal itself. Talks to the server through a `ReviewBackend` the executable provides.
        .target(
            name: "ReviewTUI",
            dependencies: ["ModerationAPI"],
            swiftSettings: swiftSettings
        ),
        // The command-line interface: one file per subcommand.
        .executableTarget(
            name: "palisade",
            dependencies: [
                "ReviewTUI",
                "ModerationAPI",
                "Server",
                "Moderation",
                "Federation",
                "HTTPSignatures",
                "Rules",
                "PCRE",
                "ActivityStreams",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test support only: temporary directories, fixtures, golden files, the built CLI.
        .target(
            name: "PalisadeTesting",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/PalisadeTesting",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ModerationTests",
            dependencies: [
                "Moderation", "Rules", "Federation", "ActivityStreams", "PalisadeTesting", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReviewTUITests",
            dependencies: ["ReviewTUI", "ModerationAPI", "PalisadeTesting"],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PCRETests",
            dependencies: ["PCRE"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RulesTests",
            dependencies: ["Rules", "PCRE", "ActivityStreams", "PalisadeTesting"],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HTTPSignaturesTests",
            dependencies: ["HTTPSignatures", "PalisadeTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ActivityStreamsTests",
            dependencies: ["ActivityStreams", "PalisadeTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FederationTests",
            dependencies: [
                "Federation", "ActivityStreams", "HTTPSignatures", "PalisadeTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "Store", "Federation", "Moderation", "Rules", "HTTPSignatures", "PalisadeTesting",
                .product(name: "Logging", package: "swift-log"),
                // Only to build fixture databases from SQL dumps and inspect schemas; Sources never see GRDB outside Store.
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server",
                "Moderation",
                "Rules",
                "Store",
                "Federation",
                "HTTPSignatures",
                "PalisadeTesting",
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Golden", "peers"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "InteropTests",
            dependencies: [
                "HTTPSignatures",
                "ActivityStreams",
                "Federation",
                "Store",
                "Server",
                "PalisadeTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["peers"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "palisade",
                "PalisadeTesting",
                "HTTPSignatures",
                "Federation",
                "Store",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
    ]
)
