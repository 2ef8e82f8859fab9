import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PalisadeTesting
import Testing

/// `palisade serve` as a real process: it starts on the embedded defaults, answers, and stops cleanly on a signal.
@Suite struct ServeProcessTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func serveStopsCleanlyOnASignal(signal: Int32) async throws {
        let directory = try TemporaryDirectory("serve")
        defer { directory.remove() }
        let child = try PalisadeCLI.launch(["serve"], in: directory.url, environment: ["PALISADE_LISTEN": "127.0.0.1:0"])
        let line = try await child.waitForLogLine(containing: "notice palisade: listening")
        let port = try #require(line.firstMatch(of: /address=127\.0\.0\.1:(\d+)/).map { Int($0.1)! })

        let (status, body) = try await LoopbackHTTP.get("http://127.0.0.1:\(port)/healthz")
        #expect(status == 200)
        #expect(body.contains(#""status":"ok""#))

        child.send(signal)
        #expect(await child.waitForExit(timeout: 30))
        #expect(child.process.terminationReason == .exit)
        #expect(child.process.terminationStatus == 0)
        #expect(child.stderr.contains("notice palisade: stopped: requests drained, database closed"))
        #expect(child.stderr.contains("created the service actor's RSA-2048 key"))
        #expect(FileManager.default.fileExists(atPath: directory.path("data/palisade.sqlite")))
    }

    /// Issue 18: a port another process listens on is named as such, before any database, key or migration is made.
    @Test func aPortInUseIsNamedBeforeAnythingIsCreated() async throws {
        let directory = try TemporaryDirectory("serve-port-in-use")
        defer { directory.remove() }
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && listen(listener, 1) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let result = try await PalisadeCLI.run(["serve"], in: directory.url, environment: ["PALISADE_LISTEN": "127.0.0.1:\(port)"], timeout: 30)
        #expect(result.status == 1)
        #expect(result.stderr.hasSuffix("Error: cannot listen on 127.0.0.1:\(port): address in use (another process listens there; stop it or set listen)\n"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("data")))

        let foreign = try await PalisadeCLI.run(["serve"], in: directory.url, environment: ["PALISADE_LISTEN": "192.0.2.1:8080"], timeout: 30)
        #expect(foreign.status == 1)
        #expect(foreign.stderr.hasSuffix("Error: cannot listen on 192.0.2.1:8080: 192.0.2.1 is not an address of this machine\n"), "\(foreign.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("data")))
    }

    @Test func jsonLogFormatWritesOneObjectPerLine() async throws {
        let directory = try TemporaryDirectory("serve-json")
        defer { directory.remove() }
        let child = try PalisadeCLI.launch(
            ["serve"], in: directory.url, environment: ["PALISADE_LISTEN": "127.0.0.1:0", "PALISADE_LOG__FORMAT": "json"])
        _ = try await child.waitForLogLine(containing: #""message":"listening""#)
        child.send(SIGTERM)
        #expect(await child.waitForExit(timeout: 30))
        let lines = child.stderr.split(separator: "\n")
        #expect(lines.count >= 4)
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "not JSON: \(line)")
        }
    }
}
