import ActivityStreams
import AsyncHTTPClient
import Federation
import Foundation
import HTTPSignatures
import PalisadeTesting
import Testing

/// Resolving signature keys from real actor documents served on loopback.
@Suite(.serialized) struct RemoteKeyDirectoryTests {
    let bobPEM = try! Fixtures.text("keys/mastodon-remote-domain-bob.public.pem")

    func withPeer(allowPrivate: Bool = true, _ body: (FixturePeer, RemoteKeyDirectory) async throws -> Void) async throws {
        let peer = FixturePeer()
        try await peer.start(documents: [
            "/users/bob": ("activitystreams/gotosocial/mastodon-social-gargron-person.json", "https://mastodon.social/users/Gargron", "/users/bob", bobPEM),
            "/key": ("activitystreams/fedify/example.com-key.json", "https://example.com", "", nil),
            "/person": ("activitystreams/fedify/example.com-person-two-keys.json", "https://example.com", "", nil),
            "/users/foreign": ("activitystreams/akkoma/hostile-actor-foreign-keyid.json", "http://remote.example", "", nil),
        ])
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        let serviceKey = try SigningKey(pem: Fixtures.text("keys/rfc9421-test-key-rsa.private.pkcs1.pem"))
        let directory = RemoteKeyDirectory(
            client: client, signer: MessageSigner(key: serviceKey, keyID: "https://mod.example.org/actor#main-key"),
            settings: .init(addressPolicy: AddressPolicy(allowPrivateAddresses: allowPrivate)), now: { Date() })
        do {
            try await body(peer, directory)
        } catch {
            try? await client.shutdown()
            await peer.stop()
            throw error
        }
        try await client.shutdown()
        await peer.stop()
    }

    @Test func aMastodonActorsMainKeyIsResolvedWithASignedGETAndCached() async throws {
        try await withPeer { peer, directory in
            let keyID = peer.origin + "/users/bob#main-key"
            let resolved = try await directory.resolve(keyID)
            #expect(resolved.ownerID == peer.origin + "/users/bob")
            #expect(resolved.key.kind == "RSA-2048")
            _ = try await directory.resolve(keyID)
            #expect(peer.requests.count == 1, "the second resolve must come from the cache")
            let signature = try #require(peer.requests.first?.signature)
            #expect(signature.contains(#"keyId="https://mod.example.org/actor#main-key""#))
            #expect(signature.contains(#"headers="(request-target) host date""#))
            await directory.forget(keyID)
            _ = try await directory.resolve(keyID)
            #expect(peer.requests.count == 2)
        }
    }

    @Test func aSeparateKeyDocumentIsResolvedThroughItsOwner() async throws {
        try await withPeer { peer, directory in
            let resolved = try await directory.resolve(peer.origin + "/key")
            #expect(resolved.ownerID == peer.origin + "/person")
            #expect(peer.requests.map(\.path) == ["/key", "/person"])
        }
    }

    @Test func anActorListingAnotherServersKeyIsNotTrusted() async throws {
        try await withPeer { peer, directory in
            // Akkoma's hostile actor lives on our peer but lists a key id on mastodon.example.org: a key id on the
            // peer cannot be resolved through it, whatever the document claims.
            let error = await #expect(throws: RemoteFetchError.self) { try await directory.resolve(peer.origin + "/users/foreign#main-key") }
            guard case .keyNotPublished? = error else {
                Issue.record("expected keyNotPublished, got \(String(describing: error))")
                return
            }
        }
    }

    @Test func missingHugeAndRedirectedDocumentsAreHandled() async throws {
        try await withPeer { peer, directory in
            await #expect(throws: RemoteFetchError.status(404, url: peer.origin + "/missing")) {
                try await directory.resolve(peer.origin + "/missing#main-key")
            }
            await #expect(throws: RemoteFetchError.tooLarge(url: peer.origin + "/huge", limit: 1_048_576)) {
                try await directory.resolve(peer.origin + "/huge#main-key")
            }
            // A redirect is followed (and checked), but the key id must still match what the actor publishes.
            let error = await #expect(throws: RemoteFetchError.self) { try await directory.resolve(peer.origin + "/redirect-to-bob#main-key") }
            guard case .keyNotPublished? = error else {
                Issue.record("expected keyNotPublished, got \(String(describing: error))")
                return
            }
            #expect(peer.requests.map(\.path).suffix(2) == ["/redirect-to-bob", "/users/bob"])
        }
    }

    /// `user@host` through the host's WebFinger (served from real answers on loopback), then the actor it names.
    func resolveAccount(webFinger fixture: String, prefix: String?) async throws -> (Result<ActivityStreams.Actor, RemoteFetchError>, [String]) {
        let peer = FixturePeer()
        var documents = ["/users/Gargron": ("activitystreams/gotosocial/mastodon-social-gargron-person.json", "https://mastodon.social", "", bobPEM as String?)]
        documents["/.well-known/webfinger"] = ("activitystreams/" + fixture, prefix ?? "\u{0}", "", nil)
        try await peer.start(documents: documents)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        var settings = RemoteKeyDirectory.Settings(addressPolicy: AddressPolicy(allowPrivateAddresses: true))
        settings.webFingerScheme = "http"
        let directory = RemoteKeyDirectory(client: client, signer: nil, settings: settings, now: { Date() })
        let result: Result<ActivityStreams.Actor, RemoteFetchError>
        do throws(RemoteFetchError) {
            result = .success(try await directory.actor(account: "Gargron@127.0.0.1:\(peer.port)"))
        } catch {
            result = .failure(error)
        }
        try await client.shutdown()
        await peer.stop()
        return (result, peer.requests.map(\.path))
    }

    @Test func anAccountIsResolvedThroughWebFingerToItsActor() async throws {
        let (result, requests) = try await resolveAccount(webFinger: "mastodon-docs/webfinger-gargron.json", prefix: "https://mastodon.social")
        let actor = try result.get()
        #expect(actor.id.hasSuffix("/users/Gargron") && actor.id.hasPrefix("http://127.0.0.1:"))
        #expect(requests == ["/.well-known/webfinger", "/users/Gargron"])
    }

    /// Akkoma's spoofed WebFinger answers name an actor on another server than the one asked: refused, never fetched.
    @Test(arguments: ["akkoma/hostile-webfinger-spoof.json", "akkoma/hostile-webfinger-imposter.json"])
    func aWebFingerAnswerPointingToAnotherServerIsRefused(fixture: String) async throws {
        let (result, requests) = try await resolveAccount(webFinger: fixture, prefix: nil)
        guard case .failure(.unreadable(_, let detail)) = result else {
            Issue.record("expected a refusal, got \(result)")
            return
        }
        #expect(detail.contains("https://bad.com/") && detail.contains("on another host"), "\(detail)")
        #expect(requests == ["/.well-known/webfinger"])
    }

    @Test func aWebFingerAnswerWithoutAnActivityPubSelfLinkIsRefused() async throws {
        // Something other than a JRD in WebFinger's place (Akkoma's hostile actor document): no self link, no fetch.
        let (result, _) = try await resolveAccount(webFinger: "akkoma/hostile-actor-foreign-keyid.json", prefix: nil)
        guard case .failure(.unreadable(_, let detail)) = result else {
            Issue.record("expected a refusal, got \(result)")
            return
        }
        #expect(detail == "the WebFinger answer has no self link to an ActivityPub actor")
    }

    @Test func loopbackIsRefusedUnlessAllowed() async throws {
        try await withPeer(allowPrivate: false) { peer, directory in
            await #expect(throws: RemoteFetchError.privateAddress(host: "127.0.0.1", address: "127.0.0.1")) {
                try await directory.resolve(peer.origin + "/users/bob#main-key")
            }
            #expect(peer.requests.isEmpty)
        }
    }
}

@Suite struct AddressPolicyTests {
    @Test(arguments: ["127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                      "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1", "::ffff:10.0.0.1",
                      // Issue 16, item 3: ranges that embed or translate to an internal IPv4 address, and the rest of IANA's
                      // special-purpose registries.
                      "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b:1::a00:1", "2002:7f00:1::1", "2002:a00:1::", "::127.0.0.1", "::10.0.0.1",
                      "fec0::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:db8::1", "3fff::1", "100::1", "2001:2::1",
                      "::ffff:8.8.8.8", "0.1.2.3", "192.0.0.1", "192.0.2.1", "198.51.100.7", "203.0.113.9", "198.18.0.1", "240.0.0.1",
                      "192.88.99.1", "100.127.255.254", "not an address", ""])
    func nonPublicAddressesAreRecognised(address: String) {
        #expect(!AddressPolicy.isPublic(address))
    }

    @Test(arguments: ["93.184.215.14", "1.1.1.1", "172.32.0.1", "192.169.0.1", "2606:4700:4700::1111", "2a01:4f8::1", "100.128.0.1"])
    func publicAddressesAreRecognised(address: String) {
        #expect(AddressPolicy.isPublic(address))
    }

    @Test func ipv6LiteralsAreCheckedWithoutTheirBrackets() async throws {
        let policy = AddressPolicy(allowPrivateAddresses: false)
        #expect(try await policy.checkedAddresses(host: "[2606:4700:4700::1111]") == ["2606:4700:4700::1111"])
        await #expect(throws: RemoteFetchError.privateAddress(host: "[::1]", address: "::1")) { try await policy.checkedAddresses(host: "[::1]") }
        await #expect(throws: RemoteFetchError.privateAddress(host: "[64:ff9b::a00:1]", address: "64:ff9b::a00:1")) {
            try await policy.checkedAddresses(host: "[64:ff9b::a00:1]")
        }
    }

    @Test func aHostResolvingToLoopbackIsRefused() async {
        let error = await #expect(throws: RemoteFetchError.self) { try await AddressPolicy(allowPrivateAddresses: false).checkedAddresses(host: "localhost") }
        guard case .privateAddress(host: "localhost", _)? = error else {
            Issue.record("expected privateAddress, got \(String(describing: error))")
            return
        }
        await #expect(throws: Never.self) { try await AddressPolicy(allowPrivateAddresses: true).checkedAddresses(host: "localhost") }
    }
}
