import Hummingbird
import Logging

/// The request context every Palisade route sees.
public struct PalisadeRequestContext: RequestContext {
    /// Hummingbird's core state (logger, routing, body limits).
    public var coreContext: CoreRequestContextStorage
    /// The request id: the caller's `X-Request-Id` when acceptable, otherwise one minted here.
    public var requestID: String
    /// The largest body a route may collect (`limits.body_bytes`); set per request by `BodyLimitMiddleware`.
    public var maxUploadSize: Int

    /// Makes a context for a new request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.maxUploadSize = PalisadeConfiguration().limits.bodyBytes
    }
}
