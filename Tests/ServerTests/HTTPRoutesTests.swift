import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PalisadeTesting
import Server
import Store
import Testing

@Suite struct HTTPRoutesTests {
    @Test func healthzAnswersOKWhenTheDatabaseAnswers() async throws {
        let harness = try ServerHarness("healthz")
        try await harness.withApplication(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                #expect(String(buffer: response.body) == #"{"checks":{"database":"ok"},"status":"ok"}"#)
            }
        }
    }

    @Test func healthzAnswers503AndLogsWhenTheDatabaseIsGone() async throws {
        let harness = try ServerHarness("healthz-down")
        let store = try harness.openStore()
        try store.close()
        let app = buildApplication(harness.dependencies(store: store))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body) == #"{"checks":{"database":"failing"},"status":"unavailable"}"#)
            }
        }
        #expect(harness.logLines(containing: "health check failed").count == 1)
    }

    @Test func metricsCountRequestsByRouteAndStatusWithLatencyHistograms() async throws {
        let harness = try ServerHarness("metrics") { $0.metrics.token = "metrics-token-0123456789" }
        try await harness.withApplication(.router) { client in
            for _ in 0..<3 { try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) } }
            try await client.execute(uri: "/no/such/thing", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer metrics-token-0123456789"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                let text = String(buffer: response.body)
                let lines = Set(text.split(separator: "\n").map(String.init))
                #expect(lines.contains(#"palisade_http_requests_total{method="GET",route="/healthz",status="200"} 3"#))
                #expect(lines.contains(#"palisade_http_request_duration_seconds_count{method="GET",route="/healthz"} 3"#))
                #expect(lines.contains("# TYPE palisade_http_request_duration_seconds histogram"))
                #expect(lines.contains { $0.hasPrefix(#"palisade_http_requests_total{method="GET",route="#) && $0.hasSuffix(#",status="404"} 1"#) })
                #expect(!text.contains("/no/such/thing"), "an unmatched path must not become a label value")
            }
        }
    }

    /// The memory gauges an operator reads to tell a cache at its bound from a leak: real figures, read at scrape time.
    @Test func metricsCarryTheProcessMemoryAndRemoteCacheGauges() async throws {
        let token = "metrics-token-0123456789"
        let harness = try ServerHarness("metrics-memory") { $0.metrics.token = token }
        try await harness.withApplication(.router) { client in
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .ok)
                var values: [String: Double] = [:]
                for line in String(buffer: response.body).split(separator: "\n") where !line.hasPrefix("#") {
                    let parts = line.split(separator: " ")
                    if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
                }
                // glibc's mallinfo2 and /proc are there on this platform: the heap and the resident set are not zero.
                #expect((values[#"palisade_memory_bytes{kind="resident"}"#] ?? 0) > 1_000_000)
                #expect((values[#"palisade_memory_bytes{kind="heap_in_use"}"#] ?? 0) > 100_000)
                #expect(values[#"palisade_memory_bytes{kind="heap_free"}"#] != nil)
                #expect((values[#"palisade_memory_bytes{kind="sqlite"}"#] ?? 0) > 0, "the harness's database is open")
                #expect(values[#"palisade_remote_cache_entries{cache="failures"}"#] == 0)
                #expect(values["palisade_remote_actor_cache_bytes"] == 0)
            }
        }
    }

    /// Issue 16, item 11: without `metrics.token`, `/metrics` is not served on the public listener at all.
    @Test func metricsAreNotServedOnThePublicListenerWithoutAToken() async throws {
        let harness = try ServerHarness("metrics-closed")
        try await harness.withApplication(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(!String(buffer: response.body).contains("palisade_http"))
            }
        }
    }

    @Test func metricsNeedTheBearerTokenWhenOneIsConfigured() async throws {
        let token = "metrics-token-0123456789"
        let harness = try ServerHarness("metrics-token") { $0.metrics.token = token }
        try await harness.withApplication(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="metrics""#)
                #expect(String(buffer: response.body).contains(#""code":"unauthenticated""#))
            }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer wrong-token-0123456789"]) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(token)"]) {
                #expect($0.status == .ok)
            }
        }
    }

    @Test func unknownRoutesAnswerTheJSONErrorShape() async throws {
        let harness = try ServerHarness("not-found")
        try await harness.withApplication(.router) { client in
            try await client.execute(uri: "/users/nobody", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let body = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: String]
                #expect(body?["code"] == "not_found")
                #expect(body?["error"]?.isEmpty == false)
            }
        }
    }

    @Test func aBodyDeclaredLargerThanTheLimitIsRefusedWith413() async throws {
        let harness = try ServerHarness("body-limit") { $0.limits.bodyBytes = 4096 }
        try await harness.withApplication(.live) { client in
            let body = ByteBuffer(repeating: UInt8(ascii: "a"), count: 10_000)
            try await client.execute(uri: "/inbox", method: .post, headers: [.contentType: "application/activity+json"], body: body) { response in
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body) == #"{"code":"body_too_large","error":"the body is 10000 bytes; the limit is 4096"}"#)
            }
            try await client.execute(uri: "/inbox", method: .post, headers: [.contentLength: "12abc"]) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func aPlainRequestIDIsEchoedAndLoggedOnEveryLineOfTheRequest() async throws {
        let harness = try ServerHarness("request-id")
        let store = try harness.openStore()
        try store.close()  // makes /healthz log an error line as well as the access line
        let app = buildApplication(harness.dependencies(store: store))
        let requestID = HTTPField.Name("X-Request-Id")!
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get, headers: [requestID: "trace-42.a_b:c"]) { response in
                #expect(response.headers[requestID] == "trace-42.a_b:c")
            }
        }
        let lines = harness.logLines(containing: "request_id=trace-42.a_b:c")
        #expect(lines.count == 2)
        #expect(lines.contains { $0.contains("health check failed") })
        #expect(lines.contains { $0.contains("info palisade: request ") && $0.contains("status=503") })
    }

    @Test func aHostileRequestIDIsReplaced() async throws {
        let harness = try ServerHarness("request-id-hostile")
        let store = try harness.openStore()
        defer { try? store.close() }
        let app = buildApplication(harness.dependencies(store: store))
        let requestID = HTTPField.Name("X-Request-Id")!
        try await app.test(.router) { client in
            for hostile in [String(repeating: "x", count: 200), "a b", "id=\"1\"", "ünïcode"] {
                try await client.execute(uri: "/healthz", method: .get, headers: [requestID: hostile]) { response in
                    let echoed = response.headers[requestID]
                    #expect(echoed != nil && echoed != hostile)
                    #expect(echoed?.count ?? 0 >= 16)
                }
            }
        }
    }

    @Test func jsonLogsCarryTheRequestIDAsAField() async throws {
        let harness = try ServerHarness("json-log")
        try await harness.withApplication(.router, format: .json) { client in
            try await client.execute(uri: "/healthz", method: .get, headers: [HTTPField.Name("X-Request-Id")!: "json-7"]) { _ in }
        }
        let line = try #require(harness.logLines(containing: "json-7").first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["request_id"] as? String == "json-7")
        #expect(object["message"] as? String == "request")
        #expect(object["status"] as? String == "200")
        #expect(object["route"] as? String == "/healthz")
        #expect(object["level"] as? String == "info")
    }
}
