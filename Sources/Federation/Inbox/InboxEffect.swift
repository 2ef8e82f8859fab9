import ActivityStreams
import Foundation

/// What the inbox worker does with one accepted activity.
public enum InboxEffect: Sendable, Equatable {
    /// A follow of a hosted account: accept it (or keep it pending) and answer.
    case follow(account: String, followID: String, actorID: String)
    /// `Undo{Follow}`: the actor stops following the account.
    case unfollow(account: String, actorID: String)
    /// `Undo` of an interaction, by its activity id.
    case undoInteraction(activityID: String, actorID: String)
    /// A post addressed to hosted accounts, created or updated.
    case saveObject(ReceivedObject)
    /// `Delete` of an object by its author.
    case deleteObject(id: String, actorID: String)
    /// `Delete` of the actor itself: purge what is stored and cached of it.
    case purgeActor(String)
    /// `Update` of the actor: drop the cached document and keys so they are fetched anew.
    case refreshActor(String)
    /// A like, boost, reaction or block of something local.
    case interaction(Interaction)
    /// The actor moved to another account.
    case move(ReceivedMove)
    /// A report, handed on to moderation.
    case flag(ReceivedFlag)
    /// Recorded in the inbox only, for the reason given.
    case none(String)
}

/// Decides the effect of an accepted activity from the activity and the instance's hosted accounts. Pure.
public struct InboxEffectPlanner: Sendable {
    /// The public base URL, which local ids start with.
    public let baseURL: URL

    /// A planner for the instance at `baseURL`.
    public init(baseURL: URL) {
        self.baseURL = baseURL
    }

    /// The effect of `activity` (accepted as `entry`), given the names of the live hosted accounts.
    public func plan(_ activity: Activity, entry: InboxEntry, accounts: Set<String>) -> InboxEffect {
        let actor = activity.actorID
        let first = activity.objects.first
        let activityID = activity.id ?? entry.activityID
        switch activity.type {
        case "Follow":
            guard let target = first?.id, let name = localAccount(target), accounts.contains(name) else {
                return .none("a Follow of \(first?.id ?? "nothing"), which is not a hosted account")
            }
            return .follow(account: name, followID: activityID, actorID: actor)
        case "Undo":
            guard let inner = first else { return .none("an Undo of nothing") }
            if let embedded = inner.embedded {
                if let innerActor = embedded.reference("actor")?.id, innerActor != actor {
                    return .none("an Undo of another actor's activity")
                }
                if embedded.type == "Follow" {
                    guard let target = embedded.reference("object")?.id, let name = localAccount(target) else {
                        return .none("an Undo of a Follow of something not hosted here")
                    }
                    return .unfollow(account: name, actorID: actor)
                }
            }
            guard let innerID = inner.id else { return .none("an Undo of an activity without id") }
            return .undoInteraction(activityID: innerID, actorID: actor)
        case "Create", "Update":
            guard let object = first?.embedded else {
                return .none("a \(activity.type) whose object is only a link (not fetched)")
            }
            if activity.type == "Update", object.isA(Vocabulary.actorTypes) {
                return object.id == actor ? .refreshActor(actor) : .none("an Update of another actor")
            }
            guard object.isA(Vocabulary.postTypes), let id = object.id else {
                return .none("a \(activity.type) of a \(object.type), which is not kept")
            }
            if let author = object.reference("attributedTo")?.id, author != actor {
                return .none("a \(activity.type) of an object attributed to another actor")
            }
            let addressed = addressedAccounts(activity, object: object).intersection(accounts)
            guard !addressed.isEmpty else { return .none("a \(object.type) not addressed to a hosted account") }
            return .saveObject(ReceivedObject(
                id: id, actorID: actor, type: object.type, addressedTo: addressed.sorted(),
                body: JSONValue.object(object.properties).serialized(), receivedAt: entry.receivedAt))
        case "Delete":
            guard let id = first?.id else { return .none("a Delete of nothing") }
            return id == actor ? .purgeActor(actor) : .deleteObject(id: id, actorID: actor)
        case "Like", "Announce", "EmojiReact":
            guard let objectID = first?.id, isLocal(objectID) else { return .none("a \(activity.type) of something not hosted here") }
            let reaction = activity.content ?? activity.object.string("_misskey_reaction")
            let kind: Interaction.Kind = activity.type == "Announce" ? .announce
                : (activity.type == "EmojiReact" || reaction != nil ? .emojiReact : .like)
            return .interaction(Interaction(
                activityID: activityID, kind: kind, actorID: actor, objectID: objectID, content: kind == .emojiReact ? reaction : nil,
                createdAt: entry.receivedAt))
        case "Block":
            guard let objectID = first?.id, localAccount(objectID) != nil || objectID == baseURL.absoluteString + "/actor" else {
                return .none("a Block of an actor not hosted here")
            }
            return .interaction(Interaction(
                activityID: activityID, kind: .block, actorID: actor, objectID: objectID, content: nil, createdAt: entry.receivedAt))
        case "Move":
            guard first?.id == actor, let target = activity.target?.id else { return .none("a Move of another actor or without target") }
            return .move(ReceivedMove(activityID: activityID, actorID: actor, target: target, createdAt: entry.receivedAt))
        case "Flag":
            return .flag(ReceivedFlag(
                activityID: entry.activityID, reporterID: actor, objectIDs: activity.objects.compactMap(\.id),
                comment: activity.content ?? activity.object.text("summary"), receivedAt: entry.receivedAt))
        case "Accept", "Reject":
            return .none("an \(activity.type); hosted accounts follow nobody")
        default:
            return .none("a \(activity.type), which has no effect here")
        }
    }

    /// The hosted account name of a local actor id (`BASE/users/NAME`), or nil.
    func localAccount(_ id: String) -> String? {
        let prefix = baseURL.absoluteString + "/users/"
        guard id.hasPrefix(prefix) else { return nil }
        return HostedAccount.validName(String(id.dropFirst(prefix.count)))
    }

    private func isLocal(_ id: String) -> Bool {
        id.hasPrefix(baseURL.absoluteString + "/")
    }

    /// Hosted accounts named in the addressing, the mentions, or as the author of the post replied to.
    private func addressedAccounts(_ activity: Activity, object: ASObject) -> Set<String> {
        var ids = activity.recipients
        ids += ["to", "cc", "bto", "bcc", "audience"].flatMap { object.ids($0) }
        ids += object.references("tag").compactMap { tag in tag.embedded?.type == "Mention" ? tag.embedded?.string("href") : tag.id }
        if let reply = object.reference("inReplyTo")?.id, let range = reply.range(of: "/statuses/") {
            ids.append(String(reply[..<range.lowerBound]))
        }
        return Set(ids.compactMap(localAccount))
    }
}
