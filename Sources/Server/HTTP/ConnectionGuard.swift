import HTTPTypes
import NIOHTTPTypes
import NIOConcurrencyHelpers
import NIOCore

/// How many connections are open, over all and per client address: shared by every connection's `ConnectionGuard`.
final class ConnectionCount: Sendable {
    /// Connections allowed at once.
    let total: Int
    /// Connections allowed at once from one address.
    let perAddress: Int
    /// Refused connections allowed at once to wait (a second at most) for the request they are refused for; beyond
    /// it a refused connection is closed at once, so a flood of connections never holds more descriptors than this.
    let refusing: Int
    private let state = NIOLockedValueBox((open: 0, byAddress: [String: Int](), refusing: 0))

    /// A count with the given caps.
    init(total: Int, perAddress: Int, refusing: Int = 64) {
        self.total = total
        self.perAddress = perAddress
        self.refusing = refusing
    }

    /// Counts a new connection from `address`; false (and nothing counted) when a cap is reached.
    func admit(_ address: String) -> Bool {
        state.withLockedValue { state in
            guard state.open < total, state.byAddress[address, default: 0] < perAddress else { return false }
            state.open += 1
            state.byAddress[address, default: 0] += 1
            return true
        }
    }

    /// Counts a refused connection that waits to be told why; false (and nothing counted) when as many already wait.
    func admitRefusal() -> Bool {
        state.withLockedValue { state in
            guard state.refusing < refusing else { return false }
            state.refusing += 1
            return true
        }
    }

    /// Forgets a refused connection `admitRefusal` counted.
    func releaseRefusal() {
        state.withLockedValue { $0.refusing -= 1 }
    }

    /// Forgets a connection `admit` counted.
    func release(_ address: String) {
        state.withLockedValue { state in
            state.open -= 1
            let left = state.byAddress[address, default: 1] - 1
            state.byAddress[address] = left > 0 ? left : nil
        }
    }

    /// Connections open now.
    var open: Int { state.withLockedValue { $0.open } }
}

/// Guards one connection: refuses it politely (503, `Connection: close`) when the server or its client address already
/// holds as many connections as allowed (or at once, without an answer, when `ConnectionCount.refusing` refused ones
/// already wait for theirs), and closes it when a request's head and body take longer than
/// `requestTime` plus the body's declared length at `minimumBytesPerSecond` (a slow-loris sender). The clock runs from
/// the connection's start or the previous response until the request has fully arrived; not while it is answered.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let count: ConnectionCount
    private let requestTime: TimeAmount
    private let minimumBytesPerSecond: Int
    private var address: String?
    private var refused = false
    private var waitsForRefusal = false
    private var refusalSent = false
    private var deadline: Scheduled<Void>?
    /// How long a refused connection may stay silent before it is closed.
    private let refusedGrace: TimeAmount = .seconds(1)

    /// A guard over `count`, allowing `requestTime` (plus the body's share) for each request to arrive.
    init(count: ConnectionCount, requestTime: TimeAmount, minimumBytesPerSecond: Int) {
        self.count = count
        self.requestTime = requestTime
        self.minimumBytesPerSecond = max(1, minimumBytesPerSecond)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        if count.admit(address) {
            self.address = address
            startClock(context: context, allowance: requestTime)
        } else if count.admitRefusal() {
            // A refused connection already holds a descriptor: it gets a second to send the request it is refused
            // for, so connections opened and left silent cannot hold descriptors for the whole request time.
            refused = true
            waitsForRefusal = true
            startClock(context: context, allowance: refusedGrace)
        } else {
            // A flood: answering each connection politely would let it hold the descriptors the database, the logs
            // and outgoing fetches need (they failed with EMFILE before this), so it is closed unanswered.
            refused = true
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        if let address {
            count.release(address)
            self.address = nil
        }
        if waitsForRefusal {
            count.releaseRefusal()
            waitsForRefusal = false
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if refused {
            if case .head = part, !refusalSent { refuse(context: context) }
            return  // nothing of a refused connection reaches the application
        }
        switch part {
        case .head(let head):
            if let length = head.headerFields[.contentLength].flatMap(Int.init), length > 0 {
                // The body's own allowance at the slowest accepted rate, on top of what is left.
                startClock(context: context, allowance: requestTime + .seconds(Int64(length / minimumBytesPerSecond)))
            }
        case .end:
            deadline?.cancel()
            deadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            // The next request's clock starts when this answer is written.
            startClock(context: context, allowance: requestTime)
        }
        context.write(data, promise: promise)
    }

    private func startClock(context: ChannelHandlerContext, allowance: TimeAmount) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: allowance) {
            channel.close(promise: nil)
        }
    }

    private func refuse(context: ChannelHandlerContext) {
        refusalSent = true
        let body = #"{"error":"the server is at its connection limit; try again shortly","code":"too_many_connections"}"#
        var fields = HTTPFields()
        fields[.contentType] = "application/json; charset=utf-8"
        fields[.contentLength] = String(body.utf8.count)
        fields[.connection] = "close"
        fields[.retryAfter] = "5"
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .serviceUnavailable, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(string: body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
