import AsyncHTTPClient
import Foundation
import HTTPSignatures
import NIOCore
import NIOHTTP1

/// Makes one signed delivery: a POST of the activity to the inbox with a draft-cavage signature over
/// `(request-target) host date digest content-type`, which Mastodon, GoToSocial, Misskey, Pleroma and bovine verify.
public struct DeliveryClient: Sendable {
    private let client: HTTPClient
    private let addressPolicy: AddressPolicy
    private let timeout: TimeAmount
    private let userAgent: String

    /// A client posting through `client` (redirects off), to addresses `addressPolicy` allows.
    public init(client: HTTPClient, addressPolicy: AddressPolicy, timeout: TimeAmount = .seconds(10), userAgent: String) {
        self.client = client
        self.addressPolicy = addressPolicy
        self.timeout = timeout
        self.userAgent = userAgent
    }

    /// Signs and sends the delivery; never throws: every failure is an answer the retry schedule judges.
    public func send(_ delivery: Delivery, signer: MessageSigner, now: Date) async -> DeliveryAnswer {
        guard let components = URLComponents(string: delivery.inbox), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty
        else { return .refused("the inbox URL \(delivery.inbox.prefix(200)) is not an http(s) URL") }
        do {
            try await addressPolicy.check(host: host)
        } catch {
            return .refused(error.description)
        }
        var target = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { target += "?" + query }
        var message = HTTPMessage(
            method: "POST", target: target, scheme: scheme,
            fields: [.init("Host", delivery.host), .init("Content-Type", "application/activity+json")],
            body: delivery.body)
        do {
            try signer.signCavage(&message, now: now, headers: ["(request-target)", "host", "date", "digest", "content-type"])
        } catch {
            return .refused("cannot sign: \(error.description)")
        }
        var request = HTTPClientRequest(url: delivery.inbox)
        request.method = .POST
        for field in message.fields { request.headers.add(name: field.name, value: field.value) }
        request.headers.add(name: "User-Agent", value: userAgent)
        request.body = .bytes(ByteBuffer(bytes: delivery.body))
        do {
            let response = try await client.execute(request, timeout: timeout)
            // Read (and drop) a bounded body so the connection can be reused.
            _ = try? await response.body.collect(upTo: 65_536)
            return .status(Int(response.status.code), retryAfter: response.headers.first(name: "retry-after"))
        } catch {
            return .transport(String(describing: error).prefix(300).description)
        }
    }
}
