import ActivityStreams
import Federation
import Foundation
import Hummingbird
import HummingbirdTesting
import PalisadeTesting
import Server
import Store
import Testing

/// Hosted accounts as other servers see them.
@Suite struct UsersRoutesTests {
    func withAccounts(_ setUp: (HostedAccounts) async throws -> Void, _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let harness = try ServerHarness("users")
        let store = try harness.openStore()
        try await setUp(HostedAccounts(
            accounts: store, keys: store, followers: store, baseURL: harness.configuration.effectiveBaseURL,
            now: { Date(timeIntervalSince1970: 1_795_000_000) }))
        try store.close()
        try await harness.withApplication(.router, test)
    }

    @Test func anAccountIsAPersonOthersCanReadAndFind() async throws {
        try await withAccounts({ _ = try await $0.create(name: "alice", displayName: "Alice", summary: "Tea & <b>cake</b>") }) { client in
            try await client.execute(uri: "/users/alice", method: .get, headers: [.accept: "application/activity+json"]) { response in
                #expect(response.status == .ok)
                let actor = try Actor(ActivityStreamsDocument.decode(Data(String(buffer: response.body).utf8)))
                #expect(actor.type == "Person")
                #expect(actor.id == "http://127.0.0.1:0/users/alice")
                #expect(actor.inbox == "http://127.0.0.1:0/users/alice/inbox")
                #expect(actor.sharedInbox == "http://127.0.0.1:0/inbox")
                #expect(actor.summary == "<p>Tea &amp; &lt;b&gt;cake&lt;/b&gt;</p>")
                #expect(actor.publicKeys.first?.id == "http://127.0.0.1:0/users/alice#main-key")
            }
            try await client.execute(uri: "/users/alice/followers", method: .get) { response in
                #expect(String(buffer: response.body).contains(#""type":"OrderedCollection""#))
            }
            try await client.execute(uri: "/.well-known/webfinger?resource=acct:alice@127.0.0.1:0", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""href":"http://127.0.0.1:0/users/alice""#))
            }
            try await client.execute(uri: "/nodeinfo/2.1", method: .get) { response in
                #expect(String(buffer: response.body).contains(#""total":1"#))
            }
        }
    }

    @Test func aDeletedAccountIsATombstoneAndUnknownOnesAre404() async throws {
        try await withAccounts({ accounts in
            _ = try await accounts.create(name: "gone", displayName: nil, summary: nil)
            try await accounts.delete(name: "gone")
        }) { client in
            try await client.execute(uri: "/users/gone", method: .get) { response in
                #expect(response.status == .gone)
                #expect(String(buffer: response.body).contains(#""type":"Tombstone""#))
            }
            try await client.execute(uri: "/users/gone/outbox", method: .get) { #expect($0.status == .gone) }
            try await client.execute(uri: "/users/nobody", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/.well-known/webfinger?resource=acct:gone@127.0.0.1:0", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/users/gone/inbox", method: .post, headers: [.contentType: "application/activity+json"], body: ByteBuffer(string: "{}")) {
                #expect($0.status == .notFound)
            }
        }
    }
}
