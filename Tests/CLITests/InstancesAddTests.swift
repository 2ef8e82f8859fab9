import Foundation
import PalisadeTesting
import Testing

/// Issue 18: `admin instances add` against an instance that speaks only plain http says so, instead of passing on the
/// TLS library's error.
@Suite(.serialized) struct InstancesAddTests {
    @Test func anHTTPOnlyInstanceIsNamedPlainly() async throws {
        let directory = try TemporaryDirectory("instances-http-only")
        defer { directory.remove() }
        // A plain-HTTP server on 127.0.0.2: loopback, but not the 127.0.0.1 a test instance is reached on over http,
        // so discovery asks it for https as it would a real instance.
        let port = try LoopbackHTTP.unusedPort()
        // It answers WebFinger (a JRD, as a Mastodon behind no TLS would), over http only.
        let served = directory.url.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: served.appendingPathComponent(".well-known"), withIntermediateDirectories: true)
        try #"{"subject": "acct:x@x", "links": []}"#.write(to: served.appendingPathComponent(".well-known/webfinger"), atomically: true, encoding: .utf8)
        let server = Process()
        server.executableURL = try PythonPeer.python
        server.arguments = ["-m", "http.server", "--bind", "127.0.0.2", String(port)]
        server.currentDirectoryURL = served
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate() }
        for _ in 0..<50 where (try? await LoopbackHTTP.get("http://127.0.0.2:\(port)/")) == nil {
            try await Task.sleep(for: .milliseconds(100))
        }
        let environment = ["PALISADE_FEDERATION__ALLOW_PRIVATE_ADDRESSES": "true"]
        #expect(try await PalisadeCLI.run(["admin", "init"], in: directory.url, environment: environment).status == 0)
        #expect(try await PalisadeCLI.run(["admin", "tenants", "add", "acme"], in: directory.url, environment: environment).status == 0)

        let added = try await PalisadeCLI.run(["admin", "instances", "add", "127.0.0.2:\(port)", "--tenant", "acme"], in: directory.url, environment: environment)
        #expect(added.status == 1)
        #expect(added.stderr.contains("127.0.0.2:\(port) speaks only plain http: it answered http:// but not https://"), "\(added.stderr)")
        #expect(!added.stderr.lowercased().contains("ssl") && !added.stderr.lowercased().contains("handshake"), "\(added.stderr)")
        let listed = try await PalisadeCLI.run(["admin", "instances", "list"], in: directory.url, environment: environment)
        #expect(listed.stdout == "no attached instances\n", "nothing refused is stored")

        // A plain-HTTP server that does not answer WebFinger (a redirect, an error page) is not called an instance
        // that speaks plain http; nor is nothing listening at all.
        try FileManager.default.removeItem(at: served.appendingPathComponent(".well-known/webfinger"))
        let notFound = try await PalisadeCLI.run(["admin", "instances", "add", "127.0.0.2:\(port)", "--tenant", "acme"], in: directory.url, environment: environment)
        #expect(notFound.status == 1 && !notFound.stderr.contains("plain http"), "\(notFound.stderr)")
        let closed = try LoopbackHTTP.unusedPort()
        let nobody = try await PalisadeCLI.run(["admin", "instances", "add", "127.0.0.2:\(closed)", "--tenant", "acme"], in: directory.url, environment: environment)
        #expect(nobody.status == 1)
        #expect(nobody.stderr.contains("could not discover the instance actor of 127.0.0.2:\(closed)"), "\(nobody.stderr)")
        #expect(!nobody.stderr.contains("plain http"))
    }
}
