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
    /// Clients pinned to checked addresses (when private addresses are refused).
    private let pinned: PinnedClients

    /// A client posting through `client` (redirects off), to addresses `addressPolicy` allows; where it refuses private
    /// addresses, each request goes to the address that was checked, through a client pinned to it.
    public init(client: HTTPClient, addressPolicy: AddressPolicy, timeout: TimeAmount = .seconds(10), userAgent: String) {
        self.client = client
        self.addressPolicy = addressPolicy
        self.timeout = timeout
        self.userAgent = userAgent
        self.pinned = PinnedClients(eventLoopGroup: client.eventLoopGroup)
    }

    /// Shuts down the clients pinned to checked addresses (the shared `client` belongs to the caller).
    public func shutdown() async {
        await pinned.shutdown()
    }

    /// Signs and sends the delivery; never throws: every failure is an answer the retry schedule judges.
    public func send(_ delivery: Delivery, signer: MessageSigner, now: Date) async -> DeliveryAnswer {
        guard let components = URLComponents(string: delivery.inbox), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty
        else { return .refused("the inbox URL \(delivery.inbox.prefix(200)) is not an http(s) URL") }
        let sender: HTTPClient
        do {
            // Sent to the address just checked, never to whatever a second resolution would answer.
            sender = try await pinned.client(for: host, policy: addressPolicy, shared: client)
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
            let response = try await sender.execute(request, timeout: timeout)
            // Read (and drop) a bounded body so the connection can be reused.
            _ = try? await response.body.collect(upTo: 65_536)
            return .status(Int(response.status.code), retryAfter: response.headers.first(name: "retry-after"))
        } catch {
            return .transport(String(describing: error).prefix(300).description)
        }
    }
}
