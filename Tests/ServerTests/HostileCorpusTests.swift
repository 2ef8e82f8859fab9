import AsyncHTTPClient
import Foundation
import HTTPSignatures
import NIOCore
import NIOHTTP1
import PalisadeTesting
import Server
import Store
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 16, "Proof": every case of the hostile corpus in `fixtures/hostile/` (signatures, JSON, activities, Flags,
/// webhooks, headers, bodies — written by `scripts/hostile-corpus.py`) gets its expected answer from a real server, the
/// server stays healthy, and nothing refused is stored: the inbox holds exactly the accepted activities, and the
/// webhook reports exactly the accepted ones.
@Suite(.serialized) struct HostileCorpusTests {
    static let bobKey = try! SigningKey(pem: Fixtures.text("keys/mastodon-remote-domain-bob.private.pem"))
    static let otherKey = try! SigningKey(pem: Fixtures.text("keys/rfc9421-test-key-rsa.private.pkcs1.pem"))
    static let bobPEM = try! Fixtures.text("keys/mastodon-remote-domain-bob.public.pem")
    static let operatorToken = "operator-token-for-the-hostile-corpus"
    static let webhookSecret = "hostile-corpus-webhook-secret-0123456789"

    /// One case, as the corpus files write it.
    struct Case: Decodable, Sendable {
        struct Sign: Decodable, Sendable {
            var dialect = "cavage"
            var key: String?
            var keyID: String?
            var age: Double?
            var headers: [String]?
            var append: String?

            enum CodingKeys: String, CodingKey { case dialect, key, keyID = "key_id", age, headers, append }

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                dialect = try container.decodeIfPresent(String.self, forKey: .dialect) ?? "cavage"
                key = try container.decodeIfPresent(String.self, forKey: .key)
                keyID = try container.decodeIfPresent(String.self, forKey: .keyID)
                age = try container.decodeIfPresent(Double.self, forKey: .age)
                headers = try container.decodeIfPresent([String].self, forKey: .headers)
                append = try container.decodeIfPresent(String.self, forKey: .append)
            }
        }

        let name: String
        let to: String
        var path: String?
        var body: String?
        var bodyRepeat: Repeat?
        var contentType: String?
        var omitContentType: Bool?
        var sign: Sign?
        var headers: [[String]]?
        var removeHeaders: [String]?
        var replaceHeaders: [String: String]?
        var signedBodyDiffers: String?
        var hubSignature: String?
        var raw: String?
        let expect: Int
        /// For accepted inbox cases: the activity id that must be stored.
        var stores: String?

        struct Repeat: Decodable, Sendable {
            let text: String
            let count: Int
            var prefix: String?
            var suffix: String?
        }

        enum CodingKeys: String, CodingKey {
            case name, to, path, body, bodyRepeat = "body_repeat", contentType = "content_type", omitContentType = "omit_content_type", sign
            case headers, removeHeaders = "remove_headers", replaceHeaders = "replace_headers", signedBodyDiffers = "signed_body_differs"
            case hubSignature = "hub_signature", raw, expect, stores
        }
    }

    struct CorpusFile: Decodable {
        let source: String
        let cases: [Case]
    }

    static func corpus() throws -> [(file: String, cases: [Case])] {
        let directory = Fixtures.url("hostile")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        return try files.map { file in
            let data = try Data(contentsOf: directory.appendingPathComponent(file))
            return (file, try JSONDecoder().decode(CorpusFile.self, from: data).cases)
        }
    }

    /// The text with `{origin}`, `{host}`, `{now}` filled in.
    static func fill(_ text: String, origin: String, host: String, now: Date) -> String {
        text.replacingOccurrences(of: "{origin}", with: origin).replacingOccurrences(of: "{host}", with: host)
            .replacingOccurrences(of: "{now}", with: String(Int(now.timeIntervalSince1970)))
    }

    static func body(of row: Case, origin: String, host: String, now: Date) -> Data {
        if let repeated = row.bodyRepeat {
            var data = Data(fill(repeated.prefix ?? "", origin: origin, host: host, now: now).utf8)
            data.append(Data(String(repeating: repeated.text, count: repeated.count).utf8))
            data.append(Data(fill(repeated.suffix ?? "", origin: origin, host: host, now: now).utf8))
            return data
        }
        return Data(fill(row.body ?? "", origin: origin, host: host, now: now).utf8)
    }

    /// The request a case sends to the inbox or a webhook: (path, header fields, body).
    static func request(for row: Case, origin: String, port: Int) throws -> (String, [(String, String)], Data) {
        let host = "127.0.0.1:\(port)"
        let now = Date()
        let body = body(of: row, origin: origin, host: host, now: now)
        if row.to == "webhook" {
            let path = row.path ?? "/hooks/mastodon/mastodonwebsite"
            var fields: [(String, String)] = [("Content-Type", row.contentType ?? "application/json")]
            switch row.hubSignature ?? "valid" {
            case "valid": fields.append(("X-Hub-Signature", "sha256=" + OpenSSLHMAC.sha256(key: webhookSecret, body)))
            case "none": break
            case let literal: fields.append(("X-Hub-Signature", literal))
            }
            for pair in row.headers ?? [] where pair.count == 2 { fields.append((pair[0], fill(pair[1], origin: origin, host: host, now: now))) }
            return (path, fields, body)
        }
        let path = row.path ?? "/inbox"
        var fields: [HTTPMessage.Field] = [.init("Host", host)]
        if row.omitContentType != true { fields.append(.init("Content-Type", row.contentType ?? "application/activity+json")) }
        let signedBody = row.signedBodyDiffers.map { Data(fill($0, origin: origin, host: host, now: now).utf8) } ?? body
        var message = HTTPMessage(method: "POST", target: path, scheme: "http", fields: fields, body: signedBody)
        if let sign = row.sign, sign.dialect != "none" {
            let key = sign.key == "other" ? otherKey : bobKey
            let keyID = fill(sign.keyID ?? "{origin}/actor#main-key", origin: origin, host: host, now: now)
            let signer = MessageSigner(key: key, keyID: keyID)
            let at = now.addingTimeInterval(sign.age ?? 0)
            if sign.dialect == "rfc9421" { try signer.signRFC9421(&message, now: at) } else { try signer.signCavage(&message, now: at, headers: sign.headers) }
            if let append = sign.append, let value = message.combinedValue(of: sign.dialect == "rfc9421" ? "signature-input" : "signature") {
                message.setField(sign.dialect == "rfc9421" ? "Signature-Input" : "Signature", value + fill(append, origin: origin, host: host, now: now))
            }
        }
        message.body = body
        for name in row.removeHeaders ?? [] { message.fields.removeAll { $0.name.lowercased() == name.lowercased() } }
        for (name, value) in row.replaceHeaders ?? [:] { message.setField(name, fill(value, origin: origin, host: host, now: now)) }
        var sent = message.fields.filter { $0.name != "Host" }.map { ($0.name, $0.value) }
        for pair in row.headers ?? [] where pair.count == 2 { sent.append((pair[0], fill(pair[1], origin: origin, host: host, now: now))) }
        return (path, sent, body)
    }

    static func send(_ row: Case, origin: String, port: Int) async throws -> Int {
        if let raw = row.raw { return try await offThePool { try Self.sendRaw(fill(raw, origin: origin, host: "127.0.0.1:\(port)", now: Date()), port: port) } }
        let (path, fields, body) = try request(for: row, origin: origin, port: port)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        for (name, value) in fields { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// Sends raw bytes and reads the status code of the answer (0 when the server closed without answering).
    static func sendRaw(_ text: String, port: Int) throws -> Int {
        let descriptor = try RawSocket.connect(port: port, receiveTimeout: 10)
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        guard count > 12 else { return 0 }
        let line = String(decoding: buffer[..<count], as: UTF8.self)
        guard line.hasPrefix("HTTP/1.1 ") else { return 0 }
        return Int(line.dropFirst(9).prefix(3)) ?? 0
    }

    @Test func theCorpusHasAtLeastTwoHundredCasesOverEveryInputPath() throws {
        let corpus = try Self.corpus()
        let cases = corpus.flatMap(\.cases)
        #expect(cases.count >= 200, "\(cases.count) cases")
        #expect(Set(cases.map(\.name)).count == cases.count, "case names are unique")
        #expect(Set(corpus.map(\.file)).isSuperset(of: ["activities.json", "bodies.json", "flags.json", "headers.json", "json.json", "signatures.json", "webhooks.json"]))
    }

    @Test func everyHostileCaseGetsItsAnswerAndNothingRefusedIsStored() async throws {
        let peer = FixturePeer()
        try await peer.start(documents: [
            "/actor": ("activitystreams/gotosocial/mastodon-social-gargron-person.json", "https://mastodon.social/users/Gargron", "/actor", Self.bobPEM)
        ])
        var harness = try ServerHarness("hostile-corpus") { $0.federation.allowPrivateAddresses = true }
        harness.configuration.admin.token = Self.operatorToken
        let live = await harness.startServer()
        let base = "http://127.0.0.1:\(live.port)"
        for (path, json) in [
            ("/api/v1/admin/tenants", #"{"slug": "acme", "name": "Acme"}"#),
            ("/api/v1/admin/instances?tenant=acme",
             #"{"domain": "mastodonwebsite", "actor": "https://mastodonwebsite/actor", "webhook_secret": "\#(Self.webhookSecret)"}"#),
        ] {
            var request = HTTPClientRequest(url: base + path)
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(Self.operatorToken)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(response.status == .created, "\(path)")
            _ = try await response.body.collect(upTo: 1 << 16)
        }
        var expectedInbox: Set<String> = []
        // The Mastodon report ids of accepted `report.*` webhooks: each is one report, replays included once.
        var acceptedReports: Set<String> = []
        for (file, cases) in try Self.corpus() {
            for row in cases {
                let status = try await Self.send(row, origin: peer.origin, port: live.port)
                #expect(status == row.expect, "\(file): \(row.name): expected \(row.expect), got \(status)")
                if let stored = row.stores { expectedInbox.insert(stored.replacingOccurrences(of: "{origin}", with: peer.origin)) }
                if row.to == "webhook", row.expect == 200,
                    let object = try? JSONSerialization.jsonObject(with: Self.body(of: row, origin: peer.origin, host: "", now: Date())) as? [String: Any],
                    (object["event"] as? String)?.hasPrefix("report.") == true, let id = (object["object"] as? [String: Any])?["id"] as? String {
                    acceptedReports.insert(id)
                }
            }
        }
        let healthy = try await LoopbackHTTP.get(base + "/healthz")
        #expect(healthy.status == 200, "the server stays healthy")
        try await live.stop()
        await peer.stop()
        let store = try SQLiteStore(path: harness.configuration.databasePath)
        let stored = Set(try await store.inboxActivityIDs())
        #expect(stored == expectedInbox, "stored but refused: \(stored.subtracting(expectedInbox)); accepted but missing: \(expectedInbox.subtracting(stored))")
        let webhookReports = try await SQLiteShell.query(
            harness.configuration.databasePath, "SELECT source_key FROM reports WHERE source = 'webhook' ORDER BY source_key")
        #expect(
            Set(webhookReports) == Set(acceptedReports.map { "webhook:mastodonwebsite:\($0)" }),
            "exactly the accepted webhook reports are stored, no refused one")
        try store.close()
    }
}
