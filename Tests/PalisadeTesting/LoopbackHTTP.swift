import AsyncHTTPClient
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
}
