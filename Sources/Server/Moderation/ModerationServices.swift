import Federation
import Foundation
import Logging
import Moderation
import ServiceLifecycle

/// The inbox worker's flag store in a moderating server: each accepted `Flag` is kept as received (as before) and
/// handed to intake. Both are idempotent per activity id, so a Flag processed twice after a crash is one report. A
/// `Flag` from Palisade's own actor (its decision, come back through an instance that is Palisade itself) is kept but
/// opens no case: a decision must not report itself.
struct ModeratedFlagStore: ReceivedFlagStore {
    let received: any ReceivedFlagStore
    let intake: Intake
    let ownActorID: String

    func record(_ flag: ReceivedFlag) async throws {
        try await received.record(flag)
        guard flag.reporterID != ownActorID else { return }
        try await intake.receive(flag: flag)
    }

    func receivedFlags() async throws -> [ReceivedFlag] {
        try await received.receivedFlags()
    }
}

/// Lifts sanctions whose time is up (timed silences), every `interval`, until graceful shutdown.
struct SanctionExpiryService: Service {
    let cases: any CaseStore
    let logger: Logger
    let now: @Sendable () -> Date
    var interval: Duration = .seconds(30)

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let lifted = try await cases.expireSanctions(at: now())
                if lifted > 0 { logger.notice("timed sanctions ended", metadata: ["count": .stringConvertible(lifted)]) }
            } catch {
                logger.error("sanction expiry failed; retrying", metadata: ["error": .string(String(describing: error))])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
