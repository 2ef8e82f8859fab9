import AsyncHTTPClient
import Federation
import Foundation
import Moderation
import NIOCore
import PalisadeTesting
import Testing

@testable import Server

/// Issue 16, item 5: a reported status whose server fails for a moment (a 503, a timeout) is fetched again before the
/// report is taken as unverified; an answer that will not change (404) is not retried.
@Suite(.serialized) struct RemoteStatusLookupTests {
    static let note = "activitystreams/gotosocial/spam-note-4-mentions-attachment.json"
    static let noteID = "http://fossbros-anonymous.io/users/foss_satan/statuses/111985188827079562"

    static func lookup(_ peer: FixturePeer) -> RemoteStatusLookup {
        var settings = RemoteKeyDirectory.Settings(addressPolicy: AddressPolicy(allowPrivateAddresses: true))
        settings.timeout = .seconds(5)
        let directory = RemoteKeyDirectory(client: HTTPClient.shared, signer: nil, settings: settings, now: { Date() })
        return RemoteStatusLookup(directory: directory, retryDelays: [.milliseconds(50), .milliseconds(200)])
    }

    @Test func aStatusWhoseServerFailsTwiceIsFetchedOnTheThirdAttempt() async throws {
        let peer = FixturePeer()
        try await peer.start(documents: ["/statuses/1": (Self.note, Self.noteID, "/statuses/1", nil)])
        peer.failNextGets(of: "/statuses/1", times: 2, status: 503)
        let found = await Self.lookup(peer).status(peer.origin + "/statuses/1")
        #expect(found?.status.id == peer.origin + "/statuses/1")
        #expect(found?.status.text?.isEmpty == false, "the text was read: \(String(describing: found))")
        #expect(peer.requests.filter { $0.path == "/statuses/1" }.count == 3)
        await peer.stop()
    }

    @Test func aStatusThatStaysUnavailableIsGivenUpAfterThreeAttempts() async throws {
        let peer = FixturePeer()
        try await peer.start(documents: ["/statuses/1": (Self.note, Self.noteID, "/statuses/1", nil)])
        peer.failNextGets(of: "/statuses/1", times: 10, status: 429)
        #expect(await Self.lookup(peer).status(peer.origin + "/statuses/1") == nil)
        #expect(peer.requests.filter { $0.path == "/statuses/1" }.count == 3)
        await peer.stop()
    }

    @Test func aMissingStatusIsNotRetried() async throws {
        let peer = FixturePeer()
        try await peer.start(documents: [:])
        #expect(await Self.lookup(peer).status(peer.origin + "/statuses/404") == nil)
        #expect(peer.requests.filter { $0.path == "/statuses/404" }.count == 1)
        await peer.stop()
    }

    @Test func transientFailuresAreThoseThatMayPass() {
        #expect(RemoteFetchError.transport(url: "u", detail: "timeout").isTransient)
        #expect(RemoteFetchError.busy(host: "h").isTransient)
        for status in [408, 429, 500, 502, 503, 504] { #expect(RemoteFetchError.status(status, url: "u").isTransient) }
        for status in [400, 401, 403, 404, 410] { #expect(!RemoteFetchError.status(status, url: "u").isTransient) }
        #expect(!RemoteFetchError.privateAddress(host: "h", address: "10.0.0.1").isTransient)
        #expect(!RemoteFetchError.tooLarge(url: "u", limit: 1).isTransient)
        #expect(!RemoteFetchError.unreadable(url: "u", detail: "d").isTransient)
    }
}
