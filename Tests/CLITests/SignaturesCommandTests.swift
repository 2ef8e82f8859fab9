import Foundation
import PalisadeTesting
import Testing

/// `palisade signatures sign|verify` on real request files, as an operator debugging a peer runs them.
@Suite struct SignaturesCommandTests {
    let directory: TemporaryDirectory
    let privateKey = Fixtures.url("keys/mastodon-remote-domain-bob.private.pem").path
    let publicKey = Fixtures.url("keys/mastodon-remote-domain-bob.public.pem").path
    let keyID = "https://remote.domain/users/bob#main-key"
    let now = "2026-11-27T12:00:00Z"

    init() throws {
        directory = try TemporaryDirectory("cli-signatures")
        try directory.write("request.http", "POST /inbox HTTP/1.1\nHost: mastodon.example\nContent-Type: application/activity+json\n\n{\"type\":\"Flag\"}\n")
    }

    private func sign(_ extra: [String] = []) async throws -> String {
        let result = try await PalisadeCLI.run(
            ["signatures", "sign", "--key", privateKey, "--key-id", keyID, "--now", now] + extra + ["request.http"], in: directory.url)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    @Test(arguments: [[], ["--rfc9421"]])
    func aSignedRequestVerifiesAndReportsItsCoverage(dialect: [String]) async throws {
        try directory.write("signed.http", try await sign(dialect))
        let result = try await PalisadeCLI.run(["signatures", "verify", "--key", publicKey, "--now", now, "signed.http"], in: directory.url)
        #expect(result.status == 0, "\(result.stderr)")
        if dialect.isEmpty {
            #expect(result.stdout.hasPrefix("valid: draft-cavage signature by \(keyID) (rsa-v1_5-sha256, RSA-2048 key)\n"))
            #expect(result.stdout.contains("covered: (request-target) host date digest\n"))
        } else {
            #expect(result.stdout.hasPrefix("valid: RFC 9421 (sig1) signature by \(keyID) (rsa-v1_5-sha256, RSA-2048 key)\n"))
            #expect(result.stdout.contains(#"covered: "@method" "@target-uri" "content-digest""#))
        }
        #expect(result.stdout.contains("created: 2026-11-27T12:00:00Z"))
    }

    @Test func aTamperedBodyExitsOneWithTheReason() async throws {
        try directory.write("tampered.http", try await sign().replacingOccurrences(of: "Flag", with: "Block"))
        let result = try await PalisadeCLI.run(["signatures", "verify", "--key", publicKey, "--now", now, "tampered.http"], in: directory.url)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("Error: the body does not match its SHA-256 digest"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func anExpiredSignatureExitsOneAndCryptoOnlyStillVerifies() async throws {
        try directory.write("signed.http", try await sign())
        let late = try await PalisadeCLI.run(["signatures", "verify", "--key", publicKey, "--now", "2026-11-28T12:00:00Z", "signed.http"], in: directory.url)
        #expect(late.status == 1)
        #expect(late.stderr == "Error: the signature expired at 2026-11-27T12:05:00Z (now 2026-11-28T12:00:00Z, after the allowed clock skew)\n")
        let crypto = try await PalisadeCLI.run(["signatures", "verify", "--crypto-only", "--key", publicKey, "--now", "2026-11-28T12:00:00Z", "signed.http"], in: directory.url)
        #expect(crypto.status == 0)
    }

    @Test func theHTTPSchemeChangesTheRFC9421TargetURI() async throws {
        try directory.write("signed.http", try await sign(["--rfc9421", "--scheme", "http"]))
        let asHTTPS = try await PalisadeCLI.run(["signatures", "verify", "--key", publicKey, "--now", now, "signed.http"], in: directory.url)
        #expect(asHTTPS.status == 1)
        #expect(asHTTPS.stderr.contains("does not verify"))
        let asHTTP = try await PalisadeCLI.run(["signatures", "verify", "--key", publicKey, "--now", now, "--scheme", "http", "signed.http"], in: directory.url)
        #expect(asHTTP.status == 0)
    }

    @Test func badInputsExitOneWithOneLine() async throws {
        try directory.write("garbage.http", "hello\n")
        try directory.write("not-a-key.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
        let cases: [([String], String)] = [
            (["signatures", "verify", "--key", publicKey, "garbage.http"], "Error: the HTTP message cannot be read: 'hello' is not a request line"),
            (["signatures", "verify", "--key", publicKey, "request.http"], "Error: the request carries no HTTP signature"),
            (["signatures", "verify", "--key", "missing.pem", "request.http"], "Error: cannot read key file missing.pem"),
            (["signatures", "verify", "--key", "not-a-key.pem", "request.http"], "Error: the key cannot be used: "),
            (["signatures", "sign", "--key", publicKey, "--key-id", keyID, "request.http"], "Error: the key cannot be used: a 'PUBLIC KEY' block is not a private key"),
            (["signatures", "verify", "--key", publicKey, "--now", "yesterday", "request.http"], "Error: --now 'yesterday' is not ISO 8601"),
        ]
        for (arguments, prefix) in cases {
            let result = try await PalisadeCLI.run(arguments, in: directory.url)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.hasPrefix(prefix), "\(arguments): \(result.stderr)")
        }
    }
}

/// The benchmark command runs and reports every figure (its numbers are read in BENCHMARKS.md, not asserted here).
@Suite struct BenchCommandTests {
    @Test func benchSignaturesPrintsEveryMeasurement() async throws {
        let directory = try TemporaryDirectory("bench")
        defer { directory.remove() }
        let result = try await PalisadeCLI.run(["bench", "signatures", "--seconds", "0.05", "--skip-openssl"], in: directory.url)
        #expect(result.status == 0, "\(result.stderr)")
        for row in ["RSA-2048 sign", "RSA-2048 verify", "Ed25519 sign", "Ed25519 verify", "full verify, draft-cavage POST", "full verify, RFC 9421 POST"] {
            #expect(result.stdout.range(of: "  \(row)[^\n]* [0-9]+ /s\n", options: .regularExpression) != nil, "\(row) missing:\n\(result.stdout)")
        }
    }
}

extension SignaturesCommandTests {
    @Test func verifyHonoursTheConfiguredClockSkew() async throws {
        try directory.write("signed.http", try await sign())
        try directory.write("strict.yml", "signatures:\n  clock_skew_past: 1m\n")
        // 10 minutes after signing: inside Mastodon's 5 min + 1 h, outside 5 min + 1 min.
        let later = "2026-11-27T12:10:00Z"
        let lenient = try await PalisadeCLI.run(["signatures", "verify", "--key", publicKey, "--now", later, "signed.http"], in: directory.url)
        #expect(lenient.status == 0, "\(lenient.stderr)")
        let strict = try await PalisadeCLI.run(["signatures", "verify", "--config", "strict.yml", "--key", publicKey, "--now", later, "signed.http"], in: directory.url)
        #expect(strict.status == 1)
        #expect(strict.stderr.hasPrefix("Error: the signature expired at 2026-11-27T12:05:00Z"))
    }
}
