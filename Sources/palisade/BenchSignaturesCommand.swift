import ArgumentParser
import Foundation
@_spi(Backends) import HTTPSignatures

/// `palisade bench signatures`: RSA-2048 and Ed25519 sign/verify, and the full verify of a Mastodon-shaped POST,
/// beside `openssl speed` measured in the same run on one core.
struct BenchSignaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signatures",
        abstract: "Measure signing and verification per second on one core, beside openssl speed.",
        discussion: "Targets: the full verify of a draft-cavage POST (parse + digest + RSA-2048 verify) reaches at least 80 % of the raw RSA-2048 verify/s of the backend in use, and the full RFC 9421 verify at least 80 % of the draft-cavage one. RSA signing runs on the system's OpenSSL, verification on swift-crypto; both backends are measured."
    )

    @Option(help: "Seconds to run each measurement.")
    var seconds: Double = 2

    @Flag(name: .customLong("skip-openssl"), help: "Do not run openssl speed (no comparison is printed).")
    var skipOpenSSL = false

    @Option(help: ArgumentHelp("Run only the measurements whose name contains this text (for profiling).", valueName: "text"))
    var only: String?

    func validate() throws {
        guard seconds > 0, seconds <= 60 else { throw ValidationError("--seconds must be between 0 and 60") }
    }

    func run() throws {
        #if DEBUG
        emit("warning: this is a debug build; measure with `make release` and .build/release/palisade")
        #endif
        let rsa = try SigningKey(RSAKeyPair.generate())
        let ed25519 = SigningKey.generateEd25519()
        let data = Data("(request-target): post /inbox\nhost: mastodon.example\ndate: Fri, 27 Nov 2026 12:00:00 GMT\ndigest: SHA-256=abc".utf8)

        let rsaSignature = try SignatureAlgorithm.rsaV15SHA256.sign(data, with: rsa)
        let edSignature = try SignatureAlgorithm.ed25519.sign(data, with: ed25519)
        let rsaPublic = rsa.verificationKey
        let edPublic = ed25519.verificationKey

        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let body = Data(#"{"@context":"https://www.w3.org/ns/activitystreams","id":"https://mastodon.example/0b8f","type":"Flag","actor":"https://mastodon.example/actor","content":"spam","object":["https://x.example/users/spammer","https://x.example/users/spammer/statuses/1"]}"#.utf8)
        var cavage = HTTPMessage(method: "POST", target: "/inbox", fields: [.init("Host", "mod.example.org"), .init("Content-Type", "application/activity+json"), .init("User-Agent", "Mastodon/4.5.0")], body: body)
        try MessageSigner(key: rsa, keyID: "https://mastodon.example/actor#main-key").signCavage(&cavage, now: now)
        var rfc9421 = cavage
        rfc9421.fields.removeAll { ["signature", "digest"].contains($0.name.lowercased()) }
        try MessageSigner(key: rsa, keyID: "https://mastodon.example/actor#main-key").signRFC9421(&rfc9421, now: now)
        let verifier = SignatureVerifier()

        emit("palisade bench signatures — \(seconds) s per measurement, one core")
        var results: [(String, Double)] = []
        func measure(_ name: String, _ operation: () throws -> Bool) throws {
            if let only, !name.contains(only) { return }
            let rate = try Self.rate(seconds: seconds, operation)
            results.append((name, rate))
            emit(Self.row(name, rate))
        }
        // Signing runs on the system's OpenSSL, verification on swift-crypto: each backend is measured beside the other.
        let systemPublic = SystemRSAPublicKey(rsaPublic)
        try measure("RSA-2048 sign, system OpenSSL (in use)") { try SignatureAlgorithm.rsaV15SHA256.sign(data, with: rsa).count == 256 }
        try measure("RSA-2048 sign, swift-crypto") { try SignatureAlgorithm.rsaV15SHA256.signWithSwiftCrypto(data, with: rsa).count == 256 }
        try measure("RSA-2048 verify, swift-crypto (in use)") { try SignatureAlgorithm.rsaV15SHA256.isValid(rsaSignature, of: data, key: rsaPublic) }
        if let systemPublic {
            try measure("RSA-2048 verify, system OpenSSL") { SignatureAlgorithm.rsaV15SHA256.isValidWithSystemOpenSSL(rsaSignature, of: data, key: systemPublic) == true }
        }
        try measure("Ed25519 sign") { try SignatureAlgorithm.ed25519.sign(data, with: ed25519).count == 64 }
        try measure("Ed25519 verify") { try SignatureAlgorithm.ed25519.isValid(edSignature, of: data, key: edPublic) }
        let signatureHeader = cavage.combinedValue(of: "signature") ?? ""
        let digestHeader = cavage.combinedValue(of: "digest") ?? ""
        try measure("parse a Signature header") { try CavageSignatureHeader.parse(signatureHeader).signature.count == 256 }
        try measure("check a Digest header (SHA-256 of the body)") { try BodyDigest.checkDigestHeader(digestHeader, body: body); return true }
        try measure("full verify, draft-cavage POST (RSA-2048)") {
            try verifier.verify(cavage, candidate: verifier.candidate(in: cavage), key: rsaPublic, now: now).keyID.isEmpty == false
        }
        try measure("full verify, RFC 9421 POST (RSA-2048)") {
            try verifier.verify(rfc9421, candidate: verifier.candidate(in: rfc9421), key: rsaPublic, now: now).keyID.isEmpty == false
        }
        guard only == nil else { return }
        func rate(_ prefix: String) -> Double { results.first { $0.0.hasPrefix(prefix) }?.1 ?? 0 }
        let cavageFull = rate("full verify, draft-cavage")
        let rfc9421Full = rate("full verify, RFC 9421")
        let rawVerify = rate("RSA-2048 verify, swift-crypto")
        emit("system library: " + SignatureAlgorithm.systemOpenSSLVersion)
        emit(String(format: "RSA-2048 sign: system OpenSSL / swift-crypto = ×%.2f", rate("RSA-2048 sign, system OpenSSL") / max(1, rate("RSA-2048 sign, swift-crypto"))))
        emit(String(format: "RSA-2048 verify: system OpenSSL / swift-crypto = ×%.2f", rate("RSA-2048 verify, system OpenSSL") / max(1, rawVerify)))
        let cavageRatio = cavageFull / max(1, rawVerify)
        emit(String(format: "full cavage verify / raw RSA-2048 verify of the backend in use = %.1f %% (target ≥ 80 %%): ", cavageRatio * 100) + (cavageRatio >= 0.8 ? "met" : "NOT met"))
        let rfc9421Ratio = rfc9421Full / max(1, cavageFull)
        emit(String(format: "full RFC 9421 verify / full cavage verify = %.1f %% (target ≥ 80 %%): ", rfc9421Ratio * 100) + (rfc9421Ratio >= 0.8 ? "met" : "NOT met"))
        guard !skipOpenSSL else { return }

        let openssl = try OpenSSLSpeed.measure(seconds: max(1, Int(seconds.rounded())))
        emit("openssl speed (\(openssl.version), one core):")
        emit(Self.row("RSA-2048 sign", openssl.rsaSign))
        emit(Self.row("RSA-2048 verify", openssl.rsaVerify))
        emit(String(format: "raw RSA-2048 verify / openssl speed = %.1f %%; RSA-2048 sign (in use) / openssl speed = %.1f %%", rawVerify / openssl.rsaVerify * 100, rate("RSA-2048 sign, system OpenSSL") / openssl.rsaSign * 100))
    }

    /// Writes a line at once (unbuffered), so progress shows while later measurements run.
    private func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func row(_ name: String, _ rate: Double) -> String {
        let figure = String(format: "%.0f", rate)
        return "  " + name.padding(toLength: 44, withPad: " ", startingAt: 0) + String(repeating: " ", count: max(1, 12 - figure.count)) + figure + " /s"
    }

    /// Operations per second: runs `operation` in batches until `seconds` have passed.
    static func rate(seconds: Double, _ operation: () throws -> Bool) throws -> Double {
        let clock = ContinuousClock()
        for _ in 0..<50 { guard try operation() else { throw ValidationError("the benchmarked operation failed") } }
        var count = 0
        let start = clock.now
        let limit = Duration.milliseconds(Int64(seconds * 1000))
        while clock.now - start < limit {
            for _ in 0..<64 {
                guard try operation() else { throw ValidationError("the benchmarked operation failed") }
            }
            count += 64
        }
        let elapsed = clock.now - start
        return Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}

/// Runs `openssl speed rsa2048` (single process) and reads its sign/s and verify/s.
enum OpenSSLSpeed {
    struct Result {
        let version: String
        let rsaSign: Double
        let rsaVerify: Double
    }

    static func measure(seconds: Int) throws -> Result {
        let version = try run(["version"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let output = try run(["speed", "-seconds", String(seconds), "rsa2048"])
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("rsa 2048 bits") }) else {
            throw ValidationError("could not read `openssl speed rsa2048` output")
        }
        let numbers = line.split(separator: " ").compactMap { Double($0) }
        guard numbers.count >= 2 else { throw ValidationError("could not read `openssl speed rsa2048` figures from '\(line)'") }
        return Result(version: version, rsaSign: numbers[numbers.count - 2], rsaVerify: numbers[numbers.count - 1])
    }

    private static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        // openssl speed times itself with SIGALRM; a spawned child inherits this thread's signal mask, so make sure
        // SIGALRM is not blocked here or openssl never stops.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGALRM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        do {
            try process.run()
        } catch {
            throw ValidationError("openssl is not installed (apt-get install openssl), or pass --skip-openssl")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("openssl \(arguments.joined(separator: " ")) failed; install openssl or pass --skip-openssl") }
        return String(decoding: data, as: UTF8.self)
    }
}
