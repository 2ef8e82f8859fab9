import ActivityStreams
import Foundation

/// Where the inbox worker finds remote actors (their inboxes) and drops what it cached of them.
public protocol ActorDirectory: Sendable {
    /// The actor document at `id`.
    func actor(_ id: String) async throws(RemoteFetchError) -> Actor
    /// Forgets the cached document and keys of the actor.
    func forgetActor(_ id: String) async
}

extension RemoteKeyDirectory: ActorDirectory {}

/// Applies the effects of accepted activities, from the durable inbox, in arrival order. Restart-safe: an entry is
/// marked processed only after its effects are stored, and every effect is idempotent, so an entry processed twice
/// (after a crash between the two) has its effect once.
public struct InboxProcessor: Sendable {
    /// Where the effects are stored.
    public struct Stores: Sendable {
        let inbox: any InboxStore
        let flags: any ReceivedFlagStore
        let received: any ReceivedActivityStore
        let accounts: any HostedAccountStore
        let followers: any FollowerStore

        /// The stores (in production, one `SQLiteStore` for all).
        public init(
            inbox: any InboxStore, flags: any ReceivedFlagStore, received: any ReceivedActivityStore, accounts: any HostedAccountStore,
            followers: any FollowerStore
        ) {
            self.inbox = inbox
            self.flags = flags
            self.received = received
            self.accounts = accounts
            self.followers = followers
        }
    }

    private let stores: Stores
    private let directory: any ActorDirectory
    private let planner: InboxEffectPlanner
    private let follows: FollowRequests
    private let now: @Sendable () -> Date

    /// A processor for the instance at `baseURL`.
    public init(stores: Stores, directory: any ActorDirectory, baseURL: URL, now: @escaping @Sendable () -> Date) {
        self.stores = stores
        self.directory = directory
        self.planner = InboxEffectPlanner(baseURL: baseURL)
        self.follows = FollowRequests(baseURL: baseURL, accounts: stores.accounts, followers: stores.followers, now: now)
        self.now = now
    }

    /// Processes up to `limit` entries one after the other; returns how many were processed.
    public func processBatch(limit: Int = 100) async throws -> Int {
        let entries = try await stores.inbox.unprocessed(limit: limit)
        guard !entries.isEmpty else { return 0 }
        try await process(entries)
        return entries.count
    }

    /// What waits, oldest first, grouped by actor (each group in arrival order), leaving out `busy` actors.
    public func pendingByActor(limit: Int, excludingActors busy: Set<String>) async throws -> [(actor: String, entries: [InboxEntry])] {
        let entries = try await stores.inbox.unprocessed(limit: limit, excludingActors: busy)
        var order: [String] = []
        var groups: [String: [InboxEntry]] = [:]
        for entry in entries {
            if groups[entry.actorID] == nil { order.append(entry.actorID) }
            groups[entry.actorID, default: []].append(entry)
        }
        return order.map { ($0, groups[$0]!) }
    }

    /// Applies `entries` in order, marking each processed once its effect is stored.
    public func process(_ entries: [InboxEntry]) async throws {
        let accounts = Set(try await stores.accounts.accounts().filter { $0.deletedAt == nil }.map(\.name))
        for entry in entries {
            let outcome = try await apply(entry, accounts: accounts)
            try await stores.inbox.markProcessed(activityID: entry.activityID, at: now(), outcome: outcome)
        }
    }

    /// Applies one entry's effect; returns what it did in words. Store failures throw (the batch is retried);
    /// a remote actor that cannot be fetched is an outcome, not a failure.
    private func apply(_ entry: InboxEntry, accounts: Set<String>) async throws -> String {
        let activity: Activity
        do {
            activity = try Activity(try ActivityStreamsDocument.decode(entry.body))
        } catch {
            return "unreadable: \(error)"
        }
        switch planner.plan(activity, entry: entry, accounts: accounts) {
        case .follow(let account, let followID, let actorID):
            let actor: Actor
            do {
                actor = try await directory.actor(actorID)
            } catch {
                return "follow not answered: \(error.description)"
            }
            guard let inbox = actor.inbox else { return "follow not answered: \(actorID) has no inbox" }
            let state = try await follows.receive(
                account: account, followID: followID, actorID: actorID, inbox: inbox, sharedInbox: actor.sharedInbox)
            return state == .accepted ? "follow of \(account) accepted" : "follow of \(account) pending approval"
        case .unfollow(let account, let actorID):
            let removed = try await follows.undo(account: account, actorID: actorID)
            return removed ? "unfollowed \(account)" : "undo of a follow that was not recorded"
        case .undoInteraction(let activityID, let actorID):
            let undone = try await stores.received.undoInteraction(activityID: activityID, actorID: actorID, at: now())
            return undone ? "interaction undone" : "undo of nothing recorded"
        case .saveObject(let object):
            try await stores.received.saveObject(object)
            return "\(object.type) kept for \(object.addressedTo.joined(separator: ","))"
        case .deleteObject(let id, let actorID):
            let deleted = try await stores.received.deleteObject(id: id, actorID: actorID, at: now())
            return deleted ? "object deleted" : "delete of nothing kept"
        case .purgeActor(let actorID):
            let purge = try await stores.received.purgeActor(actorID)
            await directory.forgetActor(actorID)
            return "actor purged: \(purge.objects) objects, \(purge.interactions) interactions, \(purge.follows) follows"
        case .refreshActor(let actorID):
            await directory.forgetActor(actorID)
            return "actor cache dropped"
        case .interaction(let interaction):
            try await stores.received.recordInteraction(interaction)
            return "\(interaction.kind.rawValue) recorded"
        case .move(let move):
            try await stores.received.recordMove(move)
            return "move recorded"
        case .flag(let flag):
            try await stores.flags.record(flag)
            return "flag recorded for moderation"
        case .none(let reason):
            return "no effect: \(reason)"
        }
    }
}
