import CLibFuzzer
import Foundation
import HTTPSignatures

private let mastodon = SignatureVerifier()
/// No window and no coverage rules, so that whatever parses goes on to the signing string or signature base.
private let cryptographicOnly = SignatureVerifier(policy: .cryptographicOnly)
private let key = VerificationKey(sharedSecret: Data("fuzz".utf8))
private let now = Date(timeIntervalSince1970: 1_703_066_400)
/// Fields a signature may cover, besides the signature's own.
private let fields: [HTTPMessage.Field] = [
    .init("Host", "example.org"), .init("Date", "Wed, 20 Dec 2023 10:00:00 GMT"), .init("Accept", "application/activity+json"),
    .init("X-Dictionary", "a=1, b=2;x=1;y=2, c=(a b c)"),
]

/// libFuzzer's entry point. The input is `SIGNATURE-INPUT \n SIGNATURE`: the two parts become the RFC 9421 fields of a
/// request; the whole text is also a draft-cavage `Signature` header, and the first line an `Authorization: Signature`
/// header. Each request goes through `SignatureVerifier.candidate(in:)`, `precheck` and, with a shared secret, the
/// signing string or signature base and the HMAC check. The text is also read as a public key (PEM or Multikey).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = start.map { UnsafeRawBufferPointer(start: $0, count: count) } ?? UnsafeRawBufferPointer(start: nil, count: 0)
    let text = String(decoding: bytes, as: UTF8.self)
    let input: String
    let signature: String
    if let newline = text.firstIndex(of: "\n") {
        input = String(text[..<newline])
        signature = String(text[text.index(after: newline)...])
    } else {
        input = text
        signature = ""
    }
    _ = try? CavageSignatureHeader.parse(text)
    _ = try? CavageSignatureHeader.parse(input)
    _ = try? CavageSignatureHeader.parse(signature, field: "Authorization")
    // An actor's published key: a PEM block (SPKI or PKCS#1) or a Multikey's multibase text.
    _ = try? VerificationKey(pem: text)
    _ = try? VerificationKey(multikey: input)

    let rfc9421 = HTTPMessage(
        method: "GET", target: "/users/alice?page=1&q=a%20b", fields: fields + [.init("Signature-Input", input), .init("Signature", signature)])
    _ = try? MessageSignatureInput.all(in: rfc9421)
    check(rfc9421)
    check(HTTPMessage(method: "GET", target: "/actor", fields: fields + [.init("Signature", text)]))
    check(HTTPMessage(method: "GET", target: "/actor?x", fields: fields + [.init("Authorization", "Signature " + input)]))
    return 0
}

private func check(_ message: HTTPMessage) {
    guard let candidate = try? mastodon.candidate(in: message) else { return }
    _ = try? mastodon.precheck(message, candidate: candidate, now: now)
    _ = try? cryptographicOnly.verify(message, candidate: candidate, key: key, now: now)
}

/// The executable's entry point (SwiftPM links `main` to `FuzzHTTPSignatures_main`): libFuzzer's driver, with its usual flags.
@_cdecl("FuzzHTTPSignatures_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) }
}
