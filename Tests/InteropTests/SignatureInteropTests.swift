import AsyncHTTPClient
import Foundation
import HTTPSignatures
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import PalisadeTesting
import Server
import ServiceLifecycle
import Testing

/// Palisade against independent implementations over real HTTP on loopback: Python's `httpsig` (draft-cavage) and
/// `http-message-signatures` (RFC 9421) verify what Palisade signs, and Palisade verifies what they sign.
@Suite(.serialized) struct SignatureInteropTests {
    static let peer = "Tests/InteropTests/peers/signature_peer.py"
    static let keyID = "https://remote.domain/users/bob#main-key"
    let privateKeyPath = Fixtures.url("keys/mastodon-remote-domain-bob.private.pem").path
    let publicKeyPath = Fixtures.url("keys/mastodon-remote-domain-bob.public.pem").path

    enum Tamper: String, CaseIterable, Sendable {
        case none, body, path, date, key
    }

    static let cases: [(String, Tamper)] = ["cavage", "rfc9421"].flatMap { dialect in Tamper.allCases.map { (dialect, $0) } }

    /// RFC 9421 in Mastodon's profile covers `created`, not the Date header: changing Date changes nothing there.
    static func accepted(_ dialect: String, _ tamper: Tamper) -> Bool {
        tamper == .none || (tamper == .date && dialect == "rfc9421")
    }

    @Test(arguments: cases)
    func pythonVerifiesWhatPalisadeSigns(dialect: String, tamper: Tamper) async throws {
        let server = try await PythonPeer.Server.start(Self.peer, ["serve", "--public-key", publicKeyPath])
        defer { server.stop() }
        let authority = "127.0.0.1:\(server.port)"
        let signingKey = tamper == .key
            ? try SigningKey(pem: Fixtures.text("keys/rfc9421-test-key-rsa.private.pkcs1.pem"))
            : try SigningKey(pem: Fixtures.text("keys/mastodon-remote-domain-bob.private.pem"))
        var message = HTTPMessage(
            method: "POST", target: "/inbox",
            fields: [.init("Host", authority), .init("Content-Type", "application/activity+json")],
            body: Data(#"{"type":"Flag"}"#.utf8))
        let signer = MessageSigner(key: signingKey, keyID: Self.keyID)
        if dialect == "cavage" { try signer.signCavage(&message, now: Date()) } else { try signer.signRFC9421(&message, now: Date()) }
        switch tamper {
        case .body: message.body = Data(#"{"type":"Block"}"#.utf8)
        case .path: message.target = "/other-inbox"
        case .date: message.setField("Date", HTTPDate.format(Date().addingTimeInterval(60)))
        case .none, .key: break
        }

        var request = HTTPClientRequest(url: "http://\(authority)\(message.target)")
        request.method = .POST
        for field in message.fields { request.headers.add(name: field.name, value: field.value) }
        request.body = .bytes(ByteBuffer(bytes: message.body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
        let body = String(buffer: try await response.body.collect(upTo: 1 << 16))
        if Self.accepted(dialect, tamper) {
            #expect(response.status.code == 200, "\(dialect)/\(tamper): \(body)")
            #expect(body == "verified \(dialect)")
        } else {
            #expect(response.status.code == 401, "\(dialect)/\(tamper) was accepted by the peer: \(body)")
        }
    }

    @Test(arguments: cases.filter { $0.1 != .key })
    func palisadeVerifiesWhatPythonSigns(dialect: String, tamper: Tamper) async throws {
        let outcome = try await withVerifyingServer { port in
            let output = try await PythonPeer.run(Self.peer, [
                "send", "--url", "http://127.0.0.1:\(port)/inbox", "--private-key", privateKeyPath,
                "--key-id", Self.keyID, "--dialect", dialect, "--tamper", tamper.rawValue,
            ])
            let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
            return (object["status"] as? Int, object["body"] as? String ?? "")
        }
        let (status, body) = outcome
        if Self.accepted(dialect, tamper) {
            #expect(status == 200, "\(dialect)/\(tamper): \(body)")
            #expect(body.hasPrefix(dialect == "cavage" ? "verified draft-cavage" : "verified RFC 9421 (sig1)"))
        } else {
            #expect(status == 401, "\(dialect)/\(tamper) was accepted: \(body)")
            switch tamper {
            case .body: #expect(body.contains("does not match its"))
            case .path, .date: #expect(body.contains("does not verify"))
            default: break
            }
        }
    }

    /// A loopback server whose `/inbox` verifies signatures with Palisade's verifier under Mastodon's policy.
    private func withVerifyingServer<T: Sendable>(_ body: @Sendable (Int) async throws -> T) async throws -> T {
        let key = try VerificationKey(pem: Fixtures.text("keys/mastodon-remote-domain-bob.public.pem"))
        let router = Router()
        router.post("**") { request, _ -> Response in
            let collected = try await request.body.collect(upTo: 1 << 20)
            let message = HTTPMessage(request: request, body: collected, scheme: "https")
            do {
                let verified = try await SignatureVerifier().verify(message, now: Date()) { keyID in
                    guard keyID == Self.keyID else { throw HarnessError("unknown key \(keyID)") }
                    return key
                }
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "verified \(verified.dialect)")))
            } catch {
                return Response(status: .unauthorized, body: .init(byteBuffer: ByteBuffer(string: String(describing: error))))
            }
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        let group = ServiceGroup(services: [app], logger: Logger(label: "interop"))
        let running = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        do {
            let result = try await body(port)
            await group.triggerGracefulShutdown()
            try await running.value
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await running.value
            throw error
        }
    }
}
