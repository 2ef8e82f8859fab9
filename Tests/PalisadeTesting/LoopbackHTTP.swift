import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Plain HTTP requests to a server on loopback, through AsyncHTTPClient (an implementation independent of ours).
public enum LoopbackHTTP {
    /// GETs `url`; returns the status code and the body as text.
    public static func get(_ url: String, headers: [(String, String)] = []) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    /// POSTs `json` to `url`; returns the status code and the body as text.
    public static func post(_ url: String, json: String, timeout: Int64 = 30) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    /// A TCP port on 127.0.0.1 that nothing is bound to right now, below the ephemeral range (released at once).
    public static func unusedPort() throws -> Int {
        // Below the kernel's ephemeral range (32768-60999 on Linux): a port picked there could be taken, before the server
        // binds it, as the source port of any test's outgoing connection; here only another test's pick can collide.
        var random = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let port = Int.random(in: 20_000..<32_768, using: &random)
            if try bindable(port) { return port }
        }
        throw HarnessError("no free port between 20000 and 32767 after 200 tries")
    }

    /// Whether 127.0.0.1:`port` can be bound now (as the server binds it, with SO_REUSEADDR).
    private static func bindable(_ port: Int) throws -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket() failed: \(errno)") }
        defer { close(descriptor) }
        var on: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        return withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 }
        }
    }
}
