import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The delivery benchmark's far end: an HTTP/1.1 server on loopback that reads each request whole and answers
/// `202 Accepted`, counting them. Plain SwiftNIO on the event loop (no router, no tasks), so that on a 2-core
/// machine the receiving side takes as little of the CPU the worker is measured on as a real peer elsewhere would.
final class AcceptingSink: Sendable {
    private let channel: any Channel
    private let counter: Counter
    /// The loopback port it listens on.
    let port: Int
    /// Requests answered so far.
    var received: Int { counter.value.load(ordering: .relaxed) }

    init() async throws {
        let counter = Counter()
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(Handler(counter: counter))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        self.counter = counter
        port = channel.localAddress?.port ?? 0
    }

    func stop() async throws {
        try await channel.close()
    }

    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let counter: Counter

        init(counter: Counter) { self.counter = counter }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            counter.value.add(1, ordering: .relaxed)
            let head = HTTPResponseHead(version: .http1_1, status: .accepted, headers: ["content-length": "0"])
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
