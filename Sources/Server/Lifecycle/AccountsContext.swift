import Federation
import Logging
import Store

/// Opens the configured database for an accounts command and closes it afterwards.
public enum AccountsContext {
    /// What an accounts command works with.
    public struct Services: Sendable {
        /// Creating, listing, deleting accounts.
        public let accounts: HostedAccounts
        /// Publishing posts.
        public let outbox: Outbox
        /// Followers and follow requests.
        public let follows: FollowRequests
        /// The delivery queue (to report what was queued).
        public let deliveries: any DeliveryQueue
    }

    /// Runs `body` with the hosted accounts of the configured data directory.
    public static func with(_ configuration: PalisadeConfiguration, _ body: (Services) async throws -> Void) async throws {
        let store = try PalisadeServer.openExistingStore(configuration, logger: Logger(label: "palisade", factory: { _ in SwiftLogNoOpLogHandler() }))
        let baseURL = configuration.effectiveBaseURL
        let now = SystemClock.now
        do {
            try await body(Services(
                accounts: HostedAccounts(accounts: store, keys: store, followers: store, baseURL: baseURL, now: now),
                outbox: Outbox(baseURL: baseURL, accounts: store, posts: store, followers: store, now: now),
                follows: FollowRequests(baseURL: baseURL, accounts: store, followers: store, now: now),
                deliveries: store))
        } catch {
            try? store.close()
            throw error
        }
        try store.close()
    }
}
