// swift-tools-version:6.1
// libFuzzer targets for Palisade's parsers of hostile input (README, "Fuzzing"). Not part of the main package:
// an executable defining `LLVMFuzzerTestOneInput` only links with `-sanitize=fuzzer`. Built and run by `make fuzz`; from
// the root: swift build --package-path Fuzz -c release --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library

import PackageDescription

let package = Package(
    name: "palisade-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "palisade", path: "..")
    ],
    targets: [
        // The declaration of libFuzzer's driver, which each fuzzer's entry point calls.
        .target(name: "CLibFuzzer"),
        // ActivityStreamsDocument.decode, then Activity, Actor and Post on what decodes, and HTMLText on a post's HTML.
        .executableTarget(
            name: "FuzzActivityStreams",
            dependencies: ["CLibFuzzer", .product(name: "ActivityStreams", package: "palisade")]
        ),
        // The draft-cavage Signature header, RFC 9421 Signature-Input + Signature, SignatureVerifier's candidate, precheck
        // and (HMAC) verification, and public keys (PEM, Multikey).
        .executableTarget(
            name: "FuzzHTTPSignatures",
            dependencies: ["CLibFuzzer", .product(name: "HTTPSignatures", package: "palisade")]
        ),
        // MastodonWebhook.parse on a webhook body.
        .executableTarget(
            name: "FuzzMastodonWebhook",
            dependencies: ["CLibFuzzer", .product(name: "Moderation", package: "palisade")]
        ),
        // One rule file through RuleSetLoader.load(file:text:): parse, validate, compile.
        .executableTarget(
            name: "FuzzRules",
            dependencies: ["CLibFuzzer", .product(name: "Rules", package: "palisade")]
        ),
    ]
)
