import ActivityStreams
import Federation
import Foundation
import HTTPSignatures
import PalisadeTesting
import Testing

/// The inbox's acceptance rules on real activities, signed the way their servers sign.
@Suite struct InboxGateTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let gate = InboxGate(policy: .mastodon, maximumBodyBytes: 1_048_576)
    let signingKey: SigningKey
    let publicKey: VerificationKey

    init() throws {
        signingKey = try SigningKey(pem: Fixtures.text("keys/mastodon-remote-domain-bob.private.pem"))
        publicKey = signingKey.verificationKey
    }

    /// A POST of `body` to `/inbox`, signed by `keyID` (draft-cavage, as Mastodon sends).
    func signedPost(_ body: Data, keyID: String) throws -> HTTPMessage {
        var message = HTTPMessage(method: "POST", target: "/inbox", fields: [.init("Host", "mod.example.org"), .init("Content-Type", "application/activity+json")], body: body)
        try MessageSigner(key: signingKey, keyID: keyID).signCavage(&message, now: now)
        return message
    }

    func fixture(_ path: String) throws -> Data {
        try Data(contentsOf: Fixtures.url("activitystreams/" + path))
    }

    /// The remote servers' answers: each key id is owned by the actor whose URL it extends.
    func keys(_ keyID: String) throws -> ResolvedKey {
        guard let owner = keyID.split(separator: "#").first, keyID.contains("#main-key") else {
            throw HarnessError("404 for \(keyID)")
        }
        return ResolvedKey(key: publicKey, ownerID: String(owner))
    }

    @Test func aSignedFlagFromItsInstanceActorIsAccepted() async throws {
        let body = try fixture("gotosocial/captured-flags/mastodon-flag-account-and-status.json")
        let accepted = try await gate.check(try signedPost(body, keyID: "https://example.org/actor#main-key"), now: now, keys: keys)
        #expect(accepted.entry.activityID == "https://example.org/341e866f-93f8-4755-9cf4-f8fb17f434fd")
        #expect(accepted.entry.type == "Flag")
        #expect(accepted.entry.actorID == "https://example.org/actor")
        #expect(accepted.entry.body == body)
        #expect(accepted.signature.covered == ["(request-target)", "host", "date", "digest"])
    }

    @Test func aSelfDeleteOfAnActorHeldNowhereIsAnsweredBeforeAnyKeyIsFetched() async throws {
        let body = try fixture("pleroma/mastodon-delete-actor.json")
        let unsigned = HTTPMessage(method: "POST", target: "/inbox", fields: [.init("Host", "mod.example.org")], body: body)
        let noFetch: (String) async throws -> ResolvedKey = { keyID in throw HarnessError("fetched \(keyID)") }
        await #expect(throws: InboxRefusal.nothingHeldOfActor(type: "Delete", actor: "http://mastodon.example.org/users/admin")) {
            try await gate.check(unsigned, now: now, keys: noFetch, holdsActor: { _ in false })
        }
        // Held (or unknown because the lookup failed): verified like any activity, so the unsigned one is refused.
        await #expect(throws: InboxRefusal.signature(.missingSignature)) {
            try await gate.check(unsigned, now: now, keys: noFetch, holdsActor: { _ in true })
        }
        await #expect(throws: InboxRefusal.signature(.missingSignature)) {
            try await gate.check(unsigned, now: now, keys: noFetch, holdsActor: { _ in throw HarnessError("database down") })
        }
        let signed = try await gate.check(try signedPost(body, keyID: "http://mastodon.example.org/users/admin#main-key"), now: now, keys: keys)
        #expect(signed.entry.type == "Delete")
    }

    @Test func aDeleteOfSomethingElseIsAlwaysVerified() async throws {
        let body = try fixture("pleroma/mastodon-delete-note.json")
        let unsigned = HTTPMessage(method: "POST", target: "/inbox", fields: [.init("Host", "mod.example.org")], body: body)
        await #expect(throws: InboxRefusal.signature(.missingSignature)) {
            try await gate.check(unsigned, now: now, keys: keys, holdsActor: { _ in false })
        }
    }

    @Test func aKeyOfAnotherActorIsRefused() async throws {
        let body = try fixture("gotosocial/captured-flags/mastodon-flag-account-only.json")
        await #expect(throws: InboxRefusal.keyNotOwnedByActor(keyOwner: "https://example.org/users/mallory", actor: "https://example.org/actor")) {
            try await gate.check(try signedPost(body, keyID: "https://example.org/users/mallory#main-key"), now: now, keys: keys)
        }
    }

    @Test func anActivityIdOnAnotherServerThanItsActorIsRefused() async throws {
        let body = try fixture("fedify/hostile-cross-origin-actor.json")
        await #expect(throws: InboxRefusal.foreignOrigin(id: "https://example.com/cross-origin-actor", actor: "https://cross-origin.com/actor")) {
            try await gate.check(try signedPost(body, keyID: "https://cross-origin.com/actor#main-key"), now: now, keys: keys)
        }
    }

    @Test func aCreateOfAnotherServersObjectIsRefused() async throws {
        let body = Data(#"{"type":"Create","id":"https://a.example/activities/1","actor":"https://a.example/users/eve","object":{"type":"Note","id":"https://b.example/notes/1","attributedTo":"https://b.example/users/bob","content":"I quit"}}"#.utf8)
        await #expect(throws: InboxRefusal.foreignOrigin(id: "https://b.example/notes/1", actor: "https://a.example/users/eve")) {
            try await gate.check(try signedPost(body, keyID: "https://a.example/users/eve#main-key"), now: now, keys: keys)
        }
    }

    @Test func anAnnounceMayCarryAnotherServersObject() async throws {
        let body = Data(#"{"type":"Announce","id":"https://a.example/activities/2","actor":"https://a.example/users/eve","object":{"type":"Note","id":"https://b.example/notes/1","attributedTo":"https://b.example/users/bob"}}"#.utf8)
        let accepted = try await gate.check(try signedPost(body, keyID: "https://a.example/users/eve#main-key"), now: now, keys: keys)
        #expect(accepted.entry.type == "Announce")
    }

    @Test func unsignedTamperedAndUnknownKeyRequestsAreRefused() async throws {
        let body = try fixture("gotosocial/captured-flags/mastodon-flag-account-only.json")
        var unsigned = try signedPost(body, keyID: "https://example.org/actor#main-key")
        unsigned.fields.removeAll { $0.name == "Signature" }
        await #expect(throws: InboxRefusal.signature(.missingSignature)) { try await gate.check(unsigned, now: now, keys: keys) }

        var tampered = try signedPost(body, keyID: "https://example.org/actor#main-key")
        tampered.body = Data(String(decoding: body, as: UTF8.self).replacingOccurrences(of: "smelly", with: "lovely").utf8)
        let error = await #expect(throws: InboxRefusal.self) { try await gate.check(tampered, now: now, keys: keys) }
        guard case .signature(.digestMismatch)? = error else {
            Issue.record("expected a digest mismatch, got \(String(describing: error))")
            return
        }

        let unknown = try signedPost(body, keyID: "https://example.org/actor#other-key")
        await #expect(throws: InboxRefusal.signature(.unknownKey(keyID: "https://example.org/actor#other-key", detail: "404 for https://example.org/actor#other-key"))) {
            try await gate.check(unknown, now: now, keys: keys)
        }
    }

    @Test func malformedDocumentsAndNonActivitiesAreRefusedBeforeAnyKeyIsFetched() async throws {
        let noKeys: (String) async throws -> ResolvedKey = { _ in throw HarnessError("no key should be fetched") }
        await #expect(throws: InboxRefusal.malformedDocument(.notAnObject)) {
            try await gate.check(try signedPost(Data("[]".utf8), keyID: "https://a.example/u#main-key"), now: now, keys: noKeys)
        }
        let person = try fixture("gotosocial/person.json")
        let error = await #expect(throws: InboxRefusal.self) {
            try await gate.check(try signedPost(person, keyID: "https://a.example/u#main-key"), now: now, keys: noKeys)
        }
        guard case .notAnActivity(.unexpectedType)? = error else {
            Issue.record("expected notAnActivity, got \(String(describing: error))")
            return
        }
        let small = InboxGate(policy: .mastodon, maximumBodyBytes: 64)
        await #expect(throws: InboxRefusal.malformedDocument(.tooLarge(bytes: 200, limit: 64))) {
            try await small.check(try signedPost(Data(repeating: 0x20, count: 200), keyID: "https://a.example/u#main-key"), now: now, keys: noKeys)
        }
    }

    @Test func aTransientActivityGetsAStableContentId() async throws {
        let body = Data(#"{"type":"Like","actor":"https://a.example/users/eve","object":"https://b.example/notes/1"}"#.utf8)
        let first = try await gate.check(try signedPost(body, keyID: "https://a.example/users/eve#main-key"), now: now, keys: keys)
        let second = try await gate.check(try signedPost(body, keyID: "https://a.example/users/eve#main-key"), now: now, keys: keys)
        #expect(first.entry.activityID.hasPrefix("urn:palisade:transient:SHA-256="))
        #expect(first.entry.activityID == second.entry.activityID)
    }
}
