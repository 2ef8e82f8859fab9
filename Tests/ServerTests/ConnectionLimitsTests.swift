import Foundation
import PalisadeTesting
import Server
import Store
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 16, item 2: a stranger cannot hold the server's connections — requests that trickle in are cut off, and
/// connections beyond the caps are refused with a 503 instead of exhausting the process's descriptors.
@Suite(.serialized) struct ConnectionLimitsTests {
    /// A raw TCP connection to the server, to send bytes as slowly as an attacker would.
    final class RawConnection {
        let descriptor: Int32

        init(port: Int) throws {
            descriptor = try RawSocket.connect(port: port)
        }

        /// Sends `text`; false once the server has closed the connection.
        @discardableResult
        func send(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            return bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
        }

        /// What the server sent within a second ("" when nothing); nil when it closed the connection.
        func receiveOnce() -> String? {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count == 0 { return nil }
            if count < 0 { return "" }
            return String(decoding: buffer[..<count], as: UTF8.self)
        }

        /// The first answer within `seconds` ("" when none came); nil when the server closed the connection.
        func receive(within seconds: Double = 10) -> String? {
            let start = Date()
            while true {
                guard let received = receiveOnce() else { return nil }
                if !received.isEmpty || Date().timeIntervalSince(start) >= seconds { return received }
            }
        }

        /// Whether the server closed the connection within `seconds`.
        func closedByServer(within seconds: Double) -> Bool {
            let start = Date()
            while Date().timeIntervalSince(start) < seconds {
                if receiveOnce() == nil { return true }
            }
            return false
        }

        deinit { close(descriptor) }
    }

    @Test func aBodySentOneByteAtATimeIsCutOff() async throws {
        let harness = try ServerHarness("slow-body") { $0.limits.requestSeconds = 2 }
        let live = await harness.startServer()
        let connection = try RawConnection(port: live.port)
        connection.send("POST /inbox HTTP/1.1\r\nHost: 127.0.0.1:\(live.port)\r\nContent-Type: application/activity+json\r\nContent-Length: 400\r\n\r\n")
        let start = Date()
        var closed = false
        // Before the fix a byte every few seconds kept the request (and its socket) open for ever. The deadline is a few
        // seconds; the bound here is generous, since the suite shares 2 cores and timers can run late.
        while Date().timeIntervalSince(start) < 30 {
            if !connection.send("{") { closed = true; break }
            if connection.closedByServer(within: 0.5) { closed = true; break }
        }
        #expect(closed, "the trickling body is cut off")
        #expect(Date().timeIntervalSince(start) < 15)
        try await live.stop()
        let store = try SQLiteStore(path: harness.configuration.databasePath)
        #expect(try await store.inboxActivityIDs().isEmpty)
        try store.close()
    }

    @Test func aHeadSentOneByteAtATimeIsCutOff() async throws {
        let harness = try ServerHarness("slow-head") { $0.limits.requestSeconds = 2 }
        let live = await harness.startServer()
        let connection = try RawConnection(port: live.port)
        let head = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + String(repeating: "a", count: 40)
        let start = Date()
        var closed = false
        for character in head {
            if !connection.send(String(character)) { closed = true; break }
            if connection.closedByServer(within: 0.25) { closed = true; break }
        }
        #expect(closed, "a head that never ends is cut off")
        #expect(Date().timeIntervalSince(start) < 5)
        try await live.stop()
    }

    @Test func connectionsBeyondThePerAddressCapAreRefusedPolitely() async throws {
        let harness = try ServerHarness("connection-cap") { $0.limits.connectionsPerAddress = 4 }
        let live = await harness.startServer()
        var held: [RawConnection] = []
        for _ in 0..<4 {
            let connection = try RawConnection(port: live.port)
            connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(connection.receive()?.hasPrefix("HTTP/1.1 200") == true)
            held.append(connection)
        }
        let fifth = try RawConnection(port: live.port)
        fifth.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let answer = fifth.receive() ?? ""
        #expect(answer.hasPrefix("HTTP/1.1 503"), "\(answer)")
        #expect(answer.contains("too_many_connections"))
        #expect(fifth.closedByServer(within: 2))
        // A refused connection that stays silent is closed at once, not after the whole request time.
        let silent = try RawConnection(port: live.port)
        #expect(silent.closedByServer(within: 3), "a refused, silent connection does not hold a descriptor for long")
        // A slot freed is a slot to use again.
        held.removeFirst()
        try await Task.sleep(for: .milliseconds(200))
        let again = try RawConnection(port: live.port)
        again.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(again.receive()?.hasPrefix("HTTP/1.1 200") == true)
        try await live.stop()
    }

    @Test func serveRaisesItsOpenFileLimit() async throws {
        let directory = try TemporaryDirectory("file-limit")
        defer { directory.remove() }
        var hard = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &hard)
        guard hard.rlim_max > 512 else { return }  // nothing to raise to on this machine
        let child = try PalisadeCLI.launch(
            ["serve"], in: directory.url,
            environment: ["PALISADE_LISTEN": "127.0.0.1:0", "PALISADE_DATA_DIR": directory.path("data")], softFileLimit: 256)
        _ = try await child.waitForLogLine(containing: "listening")
        let limits = try String(contentsOfFile: "/proc/\(child.process.processIdentifier)/limits", encoding: .utf8)
        let line = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max open files") })
        let soft = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(3).first.flatMap { Int($0) } ?? 0
        #expect(soft > 256, "started with a soft limit of 256, serve raised it: \(line)")
        child.send(SIGTERM)
        _ = await child.waitForExit(timeout: 20)
    }

    /// Issue 16, item 2: started with too few descriptors, NIO trapped (SIGILL) when an event loop could not get its
    /// epoll descriptor (limits 16 and 20), or the server ran with a database it could not open. It now refuses to
    /// start, saying why.
    @Test func serveRefusesToStartWithTooFewDescriptorsInsteadOfTrapping() async throws {
        let directory = try TemporaryDirectory("file-limit-low")
        defer { directory.remove() }
        for limit in [16, 20, 64] {
            let child = try PalisadeCLI.launch(
                ["serve"], in: directory.url,
                environment: ["PALISADE_LISTEN": "127.0.0.1:0", "PALISADE_DATA_DIR": directory.path("data-\(limit)")], fileLimit: limit)
            #expect(await child.waitForExit(timeout: 30), "serve exited under a limit of \(limit)")
            #expect(child.process.terminationReason == .exit, "not killed by a signal under a limit of \(limit)")
            #expect(child.process.terminationStatus == 1)
            #expect(child.stderr.contains("the open-file limit is \(limit) descriptors and serve needs at least 128"), "\(child.stderr)")
        }
    }

    /// Issue 16, item 2: a flood of silent connections against a server with 300 descriptors. Each refused connection was
    /// kept a second to be told why, so a flood faster than that held every descriptor the process had (300 of 300):
    /// the database, the audit checkpoint and outgoing fetches failed with EMFILE. Refused connections waiting for
    /// their answer are now capped, and beyond the cap closed at once.
    @Test func aFloodOfConnectionsNeverTakesTheLastDescriptors() async throws {
        let directory = try TemporaryDirectory("file-limit-flood")
        defer { directory.remove() }
        let limit = 300
        let child = try PalisadeCLI.launch(
            ["serve"], in: directory.url,
            environment: ["PALISADE_LISTEN": "127.0.0.1:0", "PALISADE_DATA_DIR": directory.path("data")], fileLimit: limit)
        let line = try await child.waitForLogLine(containing: "listening address=")
        let port = try #require(line.split(separator: " ").first { $0.hasPrefix("address=") }.flatMap { Int($0.split(separator: ":").last ?? "") })
        let pid = child.process.processIdentifier
        func descriptors() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0 }

        // Connections are opened as fast as one thread can, and held; the server's descriptors are counted every 10.
        let (opened, peak) = await Task.detached { () -> (Int, Int) in
            var held: [Int32] = []
            var peak = 0
            for index in 0..<1500 {
                if let descriptor = try? RawSocket.connect(port: port) { held.append(descriptor) }
                if index % 10 == 0 { peak = max(peak, descriptors()) }
            }
            for _ in 0..<20 {
                peak = max(peak, descriptors())
                usleep(25_000)
            }
            for descriptor in held { close(descriptor) }
            return (held.count, peak)
        }.value
        #expect(opened > 600, "the flood opened \(opened) connections")
        #expect(child.process.isRunning, "serve survived the flood")
        #expect(peak <= limit - 64, "at most \(limit - 64) of \(limit) descriptors in use during the flood, saw \(peak)")
        try await Task.sleep(for: .milliseconds(1500))
        let after = try RawConnection(port: port)
        after.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(after.receive()?.hasPrefix("HTTP/1.1 200") == true, "serves again once the flood ends")
        #expect(!child.stderr.contains("Too many open files"), "\(child.stderr.suffix(2000))")
        child.send(SIGTERM)
        _ = await child.waitForExit(timeout: 20)
    }
}
