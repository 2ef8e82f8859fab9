import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PalisadeTesting
import Server
import Testing

@Suite struct DiscoveryRoutesTests {
    @Test func theActorIsServedWithContentNegotiation() async throws {
        let harness = try ServerHarness("actor")
        try await harness.withApplication(.router) { client in
            try await client.execute(uri: "/actor", method: .get, headers: [.accept: "application/activity+json"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/activity+json; charset=utf-8")
                #expect(response.headers[.vary] == "Accept")
                let body = String(buffer: response.body)
                #expect(body.contains(#""id":"http://127.0.0.1:0/actor""#))
                #expect(body.contains(#""publicKeyPem":"-----BEGIN PUBLIC KEY-----"#))
            }
            try await client.execute(uri: "/actor", method: .get, headers: [.accept: #"application/ld+json; profile="https://www.w3.org/ns/activitystreams""#]) { response in
                #expect(response.headers[.contentType] == #"application/ld+json; profile="https://www.w3.org/ns/activitystreams"; charset=utf-8"#)
            }
        }
    }

    @Test func webFingerAnswersFindsAndRefuses() async throws {
        let harness = try ServerHarness("webfinger")
        try await harness.withApplication(.router) { client in
            try await client.execute(uri: "/.well-known/webfinger?resource=acct:127.0.0.1:0@127.0.0.1:0", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/jrd+json; charset=utf-8")
            }
            try await client.execute(uri: "/.well-known/webfinger?resource=acct:nobody@127.0.0.1:0", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains(#""code":"not_found""#))
            }
            try await client.execute(uri: "/.well-known/webfinger", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func nodeInfoAndHostMetaAreServed() async throws {
        let harness = try ServerHarness("nodeinfo")
        try await harness.withApplication(.router) { client in
            try await client.execute(uri: "/.well-known/nodeinfo", method: .get) { response in
                #expect(String(buffer: response.body).contains(#""href":"http://127.0.0.1:0/nodeinfo/2.1""#))
            }
            try await client.execute(uri: "/nodeinfo/2.1", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""openRegistrations":false"#))
                #expect(String(buffer: response.body).contains(#""name":"palisade""#))
            }
            try await client.execute(uri: "/.well-known/host-meta", method: .get) { response in
                #expect(response.headers[.contentType] == "application/xrd+xml; charset=utf-8")
                #expect(String(buffer: response.body).contains(#"template="http://127.0.0.1:0/.well-known/webfinger?resource={uri}""#))
            }
        }
    }
}
