import Foundation

/// A piece of content: a `Note`, `Question`, `Article`, `Page`, media object or event.
public struct Post: Sendable, Equatable {
    /// A media attachment.
    public struct Attachment: Sendable, Equatable {
        /// `mediaType` (`image/png`).
        public let mediaType: String?
        /// The media URL.
        public let url: String?
        /// The description (`name`, the alt text).
        public let description: String?
    }

    /// The object as received.
    public let object: ASObject
    /// `id`.
    public let id: String?
    /// The type.
    public let type: String
    /// `attributedTo`.
    public let authorID: String?
    /// `content` (HTML).
    public let contentHTML: String?
    /// `summary` (the content warning).
    public let summary: String?
    /// `sensitive`.
    public let sensitive: Bool
    /// `inReplyTo`.
    public let inReplyTo: String?
    /// `published`.
    public let published: Date?
    /// The declared language (from `contentMap`).
    public let language: String?
    /// Hashtags, without `#`.
    public let hashtags: [String]
    /// Mentioned actors' ids (`Mention` tags' `href`).
    public let mentions: [String]
    /// Attachments.
    public let attachments: [Attachment]
    /// Poll options (`oneOf`/`anyOf` names).
    public let pollOptions: [String]
    /// `to`, `cc`, `bto`, `bcc`, `audience`.
    public let recipients: [String]

    /// Reads a post; fails for other types.
    public init(_ object: ASObject) throws(ActivityStreamsError) {
        guard object.isA(Vocabulary.postTypes) else {
            throw ActivityStreamsError.unexpectedType(object.type, expected: "a post")
        }
        self.object = object
        self.id = object.id
        self.type = object.types.first { Vocabulary.postTypes.contains($0) } ?? object.type
        self.authorID = object.reference("attributedTo")?.id
        self.contentHTML = object.text("content")
        self.summary = object.text("summary")
        self.sensitive = object.bool("sensitive") ?? false
        self.inReplyTo = object.reference("inReplyTo")?.id
        self.published = object.date("published")
        self.language = object.language
        let tags = (object.properties["tag"] ?? .null).listValue.compactMap(\.objectValue).map(ASObject.init)
        self.hashtags = tags.filter { $0.type == "Hashtag" }.compactMap { $0.string("name") }.map { name in
            name.hasPrefix("#") ? String(name.dropFirst()) : name
        }
        self.mentions = tags.filter { $0.type == "Mention" }.compactMap { $0.string("href") }
        self.attachments = (object.properties["attachment"] ?? .null).listValue.compactMap(\.objectValue).map(ASObject.init).map { attachment in
            let url = attachment.reference("url")?.id ?? attachment.string("href")
            return Attachment(mediaType: attachment.string("mediaType"), url: url, description: attachment.text("name"))
        }
        self.pollOptions = ["oneOf", "anyOf"].flatMap { (object.properties[$0] ?? .null).listValue }
            .compactMap(\.objectValue).compactMap { ASObject(properties: $0).text("name") }
        self.recipients = ["to", "cc", "bto", "bcc", "audience"].flatMap { object.ids($0) }
    }

    /// The content as plain text (see `HTMLText`).
    public var contentText: String {
        contentHTML.map(HTMLText.plainText) ?? ""
    }
}
