import ActivityStreams
import Federation
import Foundation
import PalisadeTesting
import Testing

@Suite struct DiscoveryDocumentTests {
    let actor = ServiceActor(
        baseURL: URL(string: "https://mod.example.org")!,
        publicKeyPEM: try! Fixtures.text("keys/mastodon-remote-domain-bob.public.pem"))

    private func roundTrip(_ document: JSONValue) throws -> ASObject {
        try ActivityStreamsDocument.decode(JSONEncoder().encode(document))
    }

    @Test func theServiceActorIsAnApplicationOthersCanRead() throws {
        let read = try Actor(roundTrip(actor.document))
        #expect(read.id == "https://mod.example.org/actor")
        #expect(read.type == "Application")
        #expect(read.isBot)
        #expect(read.username == "mod.example.org")
        #expect(read.inbox == "https://mod.example.org/inbox")
        #expect(read.sharedInbox == "https://mod.example.org/inbox")
        #expect(read.publicKeys == [Actor.PublicKey(id: "https://mod.example.org/actor#main-key", owner: "https://mod.example.org/actor", pem: actor.publicKeyPEM)])
        #expect(read.manuallyApprovesFollowers)
    }

    @Test func aNonDefaultPortIsPartOfTheHost() {
        let local = ServiceActor(baseURL: URL(string: "http://127.0.0.1:8080")!, publicKeyPEM: "")
        #expect(local.host == "127.0.0.1:8080")
        #expect(local.account == "acct:127.0.0.1:8080@127.0.0.1:8080")
        #expect(local.keyID == "http://127.0.0.1:8080/actor#main-key")
    }

    @Test func theOutboxIsAnEmptyOrderedCollection() throws {
        let outbox = try roundTrip(actor.outboxDocument)
        #expect(outbox.type == "OrderedCollection")
        #expect(outbox.integer("totalItems") == 0)
    }

    @Test(arguments: ["acct:mod.example.org@mod.example.org", "ACCT:Mod.Example.Org@mod.example.org", "https://mod.example.org/actor", "https://mod.example.org/", "https://mod.example.org"])
    func webFingerFindsTheServiceActor(resource: String) throws {
        let answer = try WebFinger.answer(resource: resource, serviceActor: actor)
        let links = answer.objectValue?["links"]?.listValue.compactMap(\.objectValue) ?? []
        let selfLink = try #require(links.first { $0["rel"]?.stringValue == "self" })
        #expect(selfLink["href"]?.stringValue == "https://mod.example.org/actor")
        #expect(selfLink["type"]?.stringValue == "application/activity+json")
    }

    @Test func webFingerRefusesOtherAccountsAndMalformedResources() {
        #expect(throws: WebFinger.Failure.notFound("acct:alice@mod.example.org")) {
            try WebFinger.answer(resource: "acct:alice@mod.example.org", serviceActor: actor)
        }
        #expect(throws: WebFinger.Failure.notFound("acct:mod.example.org@evil.example")) {
            try WebFinger.answer(resource: "acct:mod.example.org@evil.example", serviceActor: actor)
        }
        #expect(throws: WebFinger.Failure.malformedResource("")) { try WebFinger.answer(resource: nil, serviceActor: actor) }
        #expect(throws: WebFinger.Failure.malformedResource("mailto:x@y")) { try WebFinger.answer(resource: "mailto:x@y", serviceActor: actor) }
    }

    /// The document has the shape of the schema's own example (same keys), with closed registrations.
    @Test func nodeInfoFollowsTheSchemaExample() throws {
        let ours = try #require(NodeInfo.document(version: "0.1.0", usage: .init(users: 2, localPosts: 5)).objectValue)
        let example = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(Fixtures.text("nodeinfo/nodeinfo-2.1-example.json").utf8)).objectValue)
        #expect(Set(ours.keys) == Set(example.keys))
        #expect(ours["version"] == .string("2.1"))
        #expect(ours["openRegistrations"] == .bool(false))
        let software = try #require(ours["software"]?.objectValue)
        #expect(software["name"]?.stringValue?.range(of: "^[a-z0-9-]+$", options: .regularExpression) != nil)
        #expect(ours["usage"]?.objectValue?["users"]?.objectValue?["total"] == .number(2))
    }

    @Test func theWellKnownNodeInfoLinkHasTheFormOfTheProtocolExample() throws {
        let ours = try #require(NodeInfo.wellKnown(baseURL: actor.baseURL).objectValue?["links"]?.listValue.first?.objectValue)
        let example = try JSONDecoder().decode(JSONValue.self, from: Data(Fixtures.text("nodeinfo/well-known-nodeinfo-jrd.json").utf8))
        let exampleLink = try #require(example.objectValue?["links"]?.listValue.first?.objectValue)
        #expect(Set(ours.keys) == Set(exampleLink.keys))
        #expect(ours["href"] == .string("https://mod.example.org/nodeinfo/2.1"))
        #expect(ours["rel"] == .string(NodeInfo.schema21))
    }
}
