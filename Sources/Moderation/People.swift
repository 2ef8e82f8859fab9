import Foundation

/// Who is the same person as whom, for two-person rules: identities joined by minting (a moderator added by another,
/// or given a token by another) are one person. The root minters — the operator at the command line (`operator:USER`)
/// and the configured `admin.token` (`operator`) — join nobody: they stand outside the tenants and mint the people
/// who are meant to be distinct. A group is the whole minting-connected component, so an admin who mints two
/// identities cannot approve as one what they proposed as the other.
public struct People: Sendable, Equatable {
    /// One identity made (or given a token) by another.
    public struct Minting: Sendable, Equatable {
        /// The identity made or given a token.
        public let identity: String
        /// Who did it.
        public let mintedBy: String

        /// Makes a minting edge.
        public init(identity: String, mintedBy: String) {
            self.identity = identity
            self.mintedBy = mintedBy
        }
    }

    /// Each identity's group representative (only identities joined to another appear).
    private var representative: [String: String] = [:]

    /// Every identity its own person (nobody minted anybody).
    public static let distinct = People(mintings: [])

    /// The groups made by `mintings`; edges from a root minter (or to or from a rule) are ignored.
    public init(mintings: [Minting]) {
        var parent: [String: String] = [:]
        func find(_ name: String) -> String {
            var current = name
            while let next = parent[current], next != current { current = next }
            return current
        }
        for minting in mintings where minting.identity != minting.mintedBy {
            guard ModeratorID(minting.identity).isPerson, ModeratorID(minting.mintedBy).isPerson else { continue }
            let a = find(minting.identity)
            let b = find(minting.mintedBy)
            parent[a] = parent[a] ?? a
            parent[b] = parent[b] ?? b
            if a != b { parent[max(a, b)] = min(a, b) }
        }
        for name in parent.keys { representative[name] = find(name) }
    }

    /// Whether `a` and `b` are the same identity or joined by minting.
    public func samePerson(_ a: ModeratorID, _ b: ModeratorID) -> Bool {
        if a == b { return true }
        guard let left = representative[a.rawValue], let right = representative[b.rawValue] else { return false }
        return left == right
    }
}

extension ModeratorID {
    /// Whether the id names a person who can approve: not a rule (`rule:ID`), not `system`, and not the shared operator
    /// credentials (`operator`, `operator:USER`), which stand for whoever holds the file or the configured token.
    public var isPerson: Bool {
        !(rawValue.hasPrefix("rule:") || rawValue == "system" || rawValue == "operator" || rawValue.hasPrefix("operator:") || rawValue.isEmpty)
    }
}

/// What a transition is judged under besides the case itself: the tenant's approval setting and who is whom.
public struct ApprovalPolicy: Sendable, Equatable {
    /// The action names (`suspend`, `defederate`, …) whose sanctions need a second person, to apply and to lift.
    public let requiredFor: Set<String>
    /// The minting groups (identities in one group are one person).
    public let people: People

    /// No approval required anywhere; everyone distinct.
    public static let none = ApprovalPolicy(requiredFor: [], people: .distinct)

    /// Makes a policy.
    public init(requiredFor: Set<String>, people: People = .distinct) {
        self.requiredFor = requiredFor
        self.people = people
    }

    /// Whether putting `decision` in force needs a second person.
    public func needsApproval(_ decision: Decision) -> Bool {
        decision.actions.contains { requiredFor.contains($0.name) }
    }

    /// Whether lifting `decision`'s sanctions (a reversal, or a new decision replacing it after an appeal) needs a
    /// second person: it does when putting them in force did.
    public func liftNeedsApproval(_ decision: Decision) -> Bool {
        decision.actions.contains { $0.sanctions && requiredFor.contains($0.name) }
    }
}
