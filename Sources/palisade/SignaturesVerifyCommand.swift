import ArgumentParser
import Foundation
import HTTPSignatures
import Server

/// `palisade signatures verify`
struct SignaturesVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify the request's signature; print what it covered, or exit 1 with the reason.",
        discussion: """
            Applies the inbox's rules (Mastodon's): the signature must cover the request target, host, date or \
            created, and a matching body digest; it is valid 5 minutes after creation (or until expires, at most \
            12 h) with the configured clock skew either side (signatures.clock_skew_past/_future, 1 h by default). \
            --crypto-only checks the signature and digest alone.
            """
    )

    @Option(help: ArgumentHelp("Public key PEM file (SPKI or PKCS#1); a private key file works too.", valueName: "pem-file"))
    var key: String

    @Flag(name: .customLong("crypto-only"), help: "Check only the signature and the body digest, not coverage or time.")
    var cryptoOnly = false

    @OptionGroup var request: RequestFileOptions

    @OptionGroup var options: ConfigOption

    func run() throws {
        let message = try request.message()
        let text = try RequestFileOptions.keyText(key)
        let verificationKey: VerificationKey
        if text.contains("PRIVATE KEY-----") {
            verificationKey = try SigningKey(pem: text).verificationKey
        } else {
            verificationKey = try VerificationKey(pem: text)
        }
        let policy = cryptoOnly ? VerificationPolicy.cryptographicOnly : try options.load().configuration.verificationPolicy
        let verifier = SignatureVerifier(policy: policy)
        let verified = try verifier.verify(message, candidate: verifier.candidate(in: message), key: verificationKey, now: request.time)
        print("valid: \(verified.dialect) signature by \(verified.keyID) (\(verified.algorithm.rawValue), \(verificationKey.kind) key)")
        print("covered: \(verified.covered.joined(separator: " "))")
        if let created = verified.created { print("created: \(created.formatted(.iso8601))") }
        if let expires = verified.expires { print("expires: \(expires.formatted(.iso8601))") }
        if verified.matchedWithoutQuery {
            print("note: (request-target) matched only without the query string (Mastodon's compatibility retry)")
        }
    }
}
