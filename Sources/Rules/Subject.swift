import ActivityStreams
import Foundation

/// A field's value in a subject: text, a list of texts, a number or a flag.
public enum FieldValue: Sendable, Equatable {
    /// Text (normalised for pattern conditions, unless `raw`).
    case text(String)
    /// Several texts; a condition matches when any element does.
    case list([String])
    /// A count, an age.
    case number(Double)
    /// A flag.
    case bool(Bool)

    /// The texts a pattern or membership condition looks at.
    public var texts: [String] {
        switch self {
        case .text(let text): return [text]
        case .list(let texts): return texts
        case .number(let number): return [number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)]
        case .bool(let flag): return [flag ? "true" : "false"]
        }
    }

    /// The value as JSON, for `rules explain --json`.
    public var json: JSONValue {
        switch self {
        case .text(let text): return .string(text)
        case .list(let texts): return .array(texts.map(JSONValue.string))
        case .number(let number): return .number(number)
        case .bool(let flag): return .bool(flag)
        }
    }
}

/// What rules evaluate: named fields (RULES-FORMAT.md, "Fields") taken from an activity, an actor or a report.
public struct Subject: Sendable, Equatable {
    /// What the subject is, for `applies_to`.
    public enum Kind: String, Sendable {
        /// An activity (`applies_to` names its type: `Create`, `Update`, …).
        case activity
        /// An actor, new or updated (`applies_to: [Account]`).
        case account
        /// A report: a `Flag` or a webhook report (`applies_to: [Report]`).
        case report
    }

    /// What it is.
    public var kind: Kind
    /// Field name → value; absent fields are unknown (only `exists: false` matches them).
    public var fields: [String: FieldValue]

    /// A subject with these fields.
    public init(kind: Kind, fields: [String: FieldValue]) {
        self.kind = kind
        self.fields = fields
    }

    /// The value of a field.
    public subscript(field: String) -> FieldValue? { fields[field] }

    /// The type `applies_to` is checked against: the activity's type, `Account` or `Report`.
    public var appliesToType: String {
        switch kind {
        case .activity: if case .text(let type) = fields["type"] { return type } else { return "" }
        case .account: return "Account"
        case .report: return "Report"
        }
    }

    /// Reads any document: a `Flag` becomes a report, an actor an account, anything else an activity.
    public init(document: ASObject, now: Date) {
        if document.type == "Flag" {
            self = Subject(report: document)
        } else if document.isA(Vocabulary.actorTypes) {
            self = Subject(actor: document, now: now)
        } else {
            self = Subject(activity: document, now: now)
        }
    }

    /// An activity (`Create`/`Update`/… of a post, or anything else: then only its type and actor are known).
    /// An object that is not wrapped in an activity is read as its `Create`.
    public init(activity: ASObject, now: Date) {
        var fields: [String: FieldValue] = [:]
        var object = activity
        if activity.isA(Vocabulary.postTypes) {
            fields["type"] = .text("Create")
            fields["object.type"] = .text(activity.type)
        } else {
            fields["type"] = .text(activity.type)
            if let embedded = activity.reference("object")?.embedded {
                object = embedded
                fields["object.type"] = .text(embedded.type)
            }
        }
        let actorID = activity.reference("actor")?.id ?? object.reference("attributedTo")?.id
        if let actorID { Self.addAccountID(actorID, to: &fields) }
        if let actor = activity.reference("actor")?.embedded ?? object.reference("attributedTo")?.embedded {
            Self.addAccount(actor, now: now, to: &fields)
        }
        if let post = try? Post(object) {
            Self.addPost(post, to: &fields)
        }
        self.init(kind: .activity, fields: fields)
    }

    /// An actor document (`Person`, `Service`, …).
    public init(actor: ASObject, now: Date) {
        var fields: [String: FieldValue] = ["type": .text(actor.type)]
        if let id = actor.id { Self.addAccountID(id, to: &fields) }
        Self.addAccount(actor, now: now, to: &fields)
        self.init(kind: .account, fields: fields)
    }

    /// A `Flag`: Mastodon's shape (`object` = the account, then statuses; `content` = the comment), and the
    /// shapes of GoToSocial, Misskey and Lemmy, which differ only in what `object` lists.
    public init(report flag: ASObject) {
        var fields: [String: FieldValue] = ["type": .text(flag.type)]
        let objects = flag.ids("object")
        if let reporter = flag.reference("actor")?.id { fields["report.reporter"] = .text(reporter) }
        // Mastodon, GoToSocial and Misskey put the comment in `content`; Lemmy in `summary`.
        if let comment = flag.text("content") ?? flag.text("summary") { fields["report.comment"] = .text(HTMLText.plainText(comment)) }
        fields["report.forwarded"] = .bool(false)
        fields["report.objects"] = .list(objects)
        if let account = objects.first { Self.addAccountID(account, to: &fields) }
        self.init(kind: .report, fields: fields)
    }

    /// A plain `{field: value}` object: strings, numbers, booleans and lists of strings; `kind` from `applies_to`-style
    /// `type` (`Account`, `Report`, or an activity type).
    public init(plain object: [String: JSONValue]) {
        var fields: [String: FieldValue] = [:]
        for (name, value) in object {
            switch value {
            case .string(let text): fields[name] = .text(text)
            case .number(let number): fields[name] = .number(number)
            case .bool(let flag): fields[name] = .bool(flag)
            case .array(let items): fields[name] = .list(items.compactMap(\.stringValue))
            default: continue
            }
        }
        let kind: Kind
        switch fields["type"] {
        case .text("Account"): kind = .account
        case .text("Report"), .text("Flag"): kind = .report
        default: kind = .activity
        }
        if kind == .activity, fields["type"] == nil { fields["type"] = .text("Create") }
        self.init(kind: kind, fields: fields)
    }

    private static func addAccountID(_ id: String, to fields: inout [String: FieldValue]) {
        fields["account.id"] = .text(id)
        if let components = URLComponents(string: id), let host = components.host {
            let domain = host.lowercased() + (components.port.map { ":\($0)" } ?? "")
            fields["account.domain"] = .text(domain)
            fields["instance.domain"] = .text(domain)
        }
    }

    private static func addAccount(_ object: ASObject, now: Date, to fields: inout [String: FieldValue]) {
        guard let actor = try? Actor(object) else { return }
        if let username = actor.username { fields["account.username"] = .text(username) }
        if let name = actor.displayName { fields["account.display_name"] = .text(name) }
        if let bio = actor.summary {
            fields["account.bio"] = .text(HTMLText.plainText(bio))
            fields["account.bio.raw"] = .text(bio)
        }
        fields["account.fields"] = .list(actor.fields.map { "\($0.name): \(HTMLText.plainText($0.value))" })
        fields["account.bot"] = .bool(actor.isBot)
        if let published = actor.published {
            fields["account.age_days"] = .number(max(0, now.timeIntervalSince(published) / 86_400).rounded(.down))
        }
    }

    private static func addPost(_ post: Post, to fields: inout [String: FieldValue]) {
        let content = post.contentText
        fields["content"] = .text(content)
        fields["content.raw"] = .text(post.contentHTML ?? "")
        if let summary = post.summary { fields["summary"] = .text(summary) }
        let descriptions = post.attachments.compactMap(\.description)
        fields["text"] = .text(([post.summary ?? "", content] + post.pollOptions + descriptions).filter { !$0.isEmpty }.joined(separator: "\n"))
        if let language = post.language { fields["language"] = .text(language) }
        fields["sensitive"] = .bool(post.sensitive)
        fields["hashtags"] = .list(post.hashtags)
        fields["hashtags.count"] = .number(Double(post.hashtags.count))
        let tags = (post.object.properties["tag"] ?? .null).listValue.compactMap(\.objectValue).map(ASObject.init)
        let mentions = tags.filter { $0.type == "Mention" }.compactMap { tag -> String? in
            if let name = tag.string("name") { return name.hasPrefix("@") ? String(name.dropFirst()) : name }
            return tag.string("href")
        }
        fields["mentions"] = .list(mentions)
        fields["mentions.count"] = .number(Double(mentions.count))
        let tagLinks = Set(tags.compactMap { $0.string("href") })
        let links = Self.links(in: post.contentHTML ?? "").filter { !tagLinks.contains($0) }
        fields["links"] = .list(links)
        fields["links.domains"] = .list(links.compactMap { URLComponents(string: $0)?.host?.lowercased() })
        fields["links.count"] = .number(Double(links.count))
        fields["attachments.count"] = .number(Double(post.attachments.count))
        fields["attachments.media_types"] = .list(post.attachments.compactMap(\.mediaType))
        fields["attachments.descriptions"] = .list(descriptions)
    }

    /// `href`s of `<a>` elements (`HTMLText.links`), in order, without duplicates; mention and hashtag links (Mastodon
    /// and Misskey mark them with a `mention` or `hashtag` class) are not links for rules.
    static func links(in html: String) -> [String] {
        var found: [String] = []
        for link in HTMLText.links(html) where !link.classes.contains("mention") && !link.classes.contains("hashtag") {
            if !link.href.isEmpty, !found.contains(link.href) { found.append(link.href) }
        }
        return found
    }
}
