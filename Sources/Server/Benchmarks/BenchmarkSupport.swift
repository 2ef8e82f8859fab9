import Foundation
import HTTPSignatures
import Hummingbird
import Logging
import ServiceLifecycle

/// Shared pieces of the `palisade bench inbox|delivery` measurements.
enum BenchmarkSupport {
    /// Mastodon's `Create{Note}` as Pleroma's test suite captured it (fixtures/activitystreams/pleroma/mastodon-create-note.json,
    /// from pleroma/pleroma test/fixtures, AGPL-3.0), minified and without its Linked Data signature (rewriting
    /// would void it); the benchmarks rewrite its host and status id.
    static let mastodonCreateNote = #"""
        {"@context":["https://www.w3.org/ns/activitystreams","https://w3id.org/security/v1",{"Emoji":"toot:Emoji","Hashtag":"as:Hashtag","atomUri":"ostatus:atomUri","conversation":"ostatus:conversation","inReplyToAtomUri":"ostatus:inReplyToAtomUri","manuallyApprovesFollowers":"as:manuallyApprovesFollowers","movedTo":"as:movedTo","ostatus":"http://ostatus.org#","sensitive":"as:sensitive","toot":"http://joinmastodon.org/ns#"}],"actor":"http://mastodon.example.org/users/admin","cc":["http://mastodon.example.org/users/admin/followers","http://localtesting.pleroma.lol/users/lain"],"id":"http://mastodon.example.org/users/admin/statuses/99512778738411822/activity","object":{"atomUri":"http://mastodon.example.org/users/admin/statuses/99512778738411822","attachment":[],"attributedTo":"http://mastodon.example.org/users/admin","cc":["http://mastodon.example.org/users/admin/followers","http://localtesting.pleroma.lol/users/lain"],"content":"<p><span class=\"h-card\"><a href=\"http://localtesting.pleroma.lol/users/lain\" class=\"u-url mention\">@<span>lain</span></a></span></p>","conversation":"tag:mastodon.example.org,2018-02-12:objectId=20:objectType=Conversation","id":"http://mastodon.example.org/users/admin/statuses/99512778738411822","inReplyTo":null,"inReplyToAtomUri":null,"published":"2018-02-12T14:08:20Z","replies":{"id":"http://mastodon.example.org/users/admin/statuses/99512778738411822/replies","type":"Collection","first":{"type":"CollectionPage","next":"http://mastodon.example.org/users/admin/statuses/99512778738411822/replies?min_id=99512778738411824&page=true","partOf":"http://mastodon.example.org/users/admin/statuses/99512778738411822/replies","items":["http://mastodon.example.org/users/admin/statuses/99512778738411823","http://mastodon.example.org/users/admin/statuses/99512778738411824"]}},"sensitive":true,"summary":"cw","tag":[{"href":"http://localtesting.pleroma.lol/users/lain","name":"@lain@localtesting.pleroma.lol","type":"Mention"}],"to":["https://www.w3.org/ns/activitystreams#Public"],"type":"Note","url":"http://mastodon.example.org/@admin/99512778738411822"},"published":"2018-02-12T14:08:20Z","to":["https://www.w3.org/ns/activitystreams#Public"],"type":"Create"}
        """#

    /// The note re-hosted at `origin` with status id `number`.
    static func createNote(origin: String, number: Int) -> Data {
        Data(mastodonCreateNote
            .replacingOccurrences(of: "http://mastodon.example.org", with: origin)
            .replacingOccurrences(of: "99512778738411822", with: String(number)).utf8)
    }

    /// A logger that writes nothing (request logs would measure the terminal).
    static let silent = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs a Hummingbird router on a loopback port until `stop` is called; returns the port.
    final class LoopbackServer: @unchecked Sendable {
        private let group: ServiceGroup
        private let task: Task<Void, any Error>
        let port: Int

        init(_ router: Router<BasicRequestContext>) async {
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let app = Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: BenchmarkSupport.silent)
            let group = ServiceGroup(services: [app], logger: BenchmarkSupport.silent)
            self.group = group
            task = Task { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            port = await iterator.next() ?? 0
        }

        func stop() async {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
        }
    }

    /// Operations per second of `operation` on each of `cores` threads at once, for `seconds`.
    static func parallelRate(cores: Int, seconds: Double, _ operation: @escaping @Sendable () throws -> Void) async throws -> Double {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<cores {
                group.addTask {
                    let clock = ContinuousClock()
                    let start = clock.now
                    var count = 0
                    while clock.now - start < .milliseconds(Int64(seconds * 1000)) {
                        for _ in 0..<16 { try operation() }
                        count += 16
                    }
                    return count
                }
            }
            var total = 0
            for try await count in group { total += count }
            return Double(total) / seconds
        }
    }

    /// The value at quantile `q` (0…1) of sorted durations, in milliseconds.
    static func percentile(_ sorted: [Duration], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let index = min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))
        let value = sorted[index].components
        return Double(value.seconds) * 1000 + Double(value.attoseconds) / 1e15
    }

    /// RSA-2048 signatures per second on all cores, signing a draft-cavage signing string, for two seconds.
    static func rsaSignRate() async throws -> Double {
        let signingKey = try SigningKey(RSAKeyPair.generate())
        let data = Data("(request-target): post /inbox\nhost: mastodon.example\ndate: Fri, 27 Nov 2026 12:00:00 GMT\ndigest: SHA-256=abc".utf8)
        return try await BenchmarkSupport.parallelRate(cores: BenchmarkSupport.cores, seconds: 2) {
            _ = try SignatureAlgorithm.rsaV15SHA256.sign(data, with: signingKey)
        }
    }

    /// The machine's core count.
    static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }
}

/// A benchmark that could not set itself up.
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
