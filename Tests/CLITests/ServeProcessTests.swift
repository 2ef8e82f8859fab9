import Foundation
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
