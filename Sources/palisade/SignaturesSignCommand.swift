import ArgumentParser
import Foundation
import HTTPSignatures

/// `palisade signatures sign`
struct SignaturesSignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Print the request with its signature headers added.",
        discussion: """
            draft-cavage by default: Date (when absent), Digest for a body, and Signature over \
            (request-target) host date [digest]. With --rfc9421: Content-Digest for a body, and Signature-Input/Signature \
            over ("@method" "@target-uri" ["content-digest"]) with created and keyid (Mastodon 4.5's profile).
            """
    )

    @Option(help: ArgumentHelp("Private key PEM file (PKCS#8, PKCS#1 RSA, or SEC1 EC).", valueName: "pem-file"))
    var key: String

    @Option(name: .customLong("key-id"), help: ArgumentHelp("The key's URL, sent as keyId/keyid.", valueName: "url"))
    var keyID: String

    @Flag(help: "Sign with RFC 9421 instead of draft-cavage.")
    var rfc9421 = false

    @OptionGroup var request: RequestFileOptions

    func run() throws {
        var message = try request.message()
        let signer = MessageSigner(key: try SigningKey(pem: RequestFileOptions.keyText(key)), keyID: keyID)
        if rfc9421 {
            try signer.signRFC9421(&message, now: request.time)
        } else {
            try signer.signCavage(&message, now: request.time)
        }
        FileHandle.standardOutput.write(RawHTTPMessage.serialize(message))
    }
}
