import Foundation
import HTTPSignatures
import Hummingbird

extension HTTPMessage {
    /// The signature view of a request Hummingbird received: method, target, header fields in order, collected body.
    /// `scheme` is the public one (`https` behind a TLS-terminating proxy), from `base_url`.
    /// HTTP/1.1's `Host` arrives as the `:authority` pseudo-header; it is put back as `Host`, first.
    public init(request: Request, body: ByteBuffer, scheme: String) {
        var fields = request.headers.map { HTTPMessage.Field($0.name.rawName, $0.value) }
        if let authority = request.head.authority, !fields.contains(where: { $0.name.lowercased() == "host" }) {
            fields.insert(HTTPMessage.Field("Host", authority), at: 0)
        }
        self.init(
            method: request.method.rawValue, target: request.uri.string, scheme: scheme,
            fields: fields, body: Data(body.readableBytesView))
    }
}
