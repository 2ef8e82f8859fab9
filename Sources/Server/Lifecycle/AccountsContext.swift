import Federation
import Logging
import Store

/// Opens the configured database for an accounts command and closes it afterwards.
public enum AccountsContext {
    /// Runs `body` with the hosted accounts of the configured data directory.
    public static func with(_ configuration: PalisadeConfiguration, _ body: (HostedAccounts) async throws -> Void) async throws {
        let store = try PalisadeServer.openStore(configuration, logger: Logger(label: "palisade", factory: { _ in SwiftLogNoOpLogHandler() }))
        do {
            try await body(HostedAccounts(accounts: store, keys: store, now: SystemClock.now))
        } catch {
            try? store.close()
            throw error
        }
        try store.close()
    }
}
