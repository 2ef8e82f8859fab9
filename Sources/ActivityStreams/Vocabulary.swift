/// The ActivityStreams types Palisade recognises, grouped by what they are.
public enum Vocabulary {
    /// Activities the fediverse sends.
    public static let activityTypes: Set<String> = [
        "Create", "Update", "Delete", "Follow", "Accept", "Reject", "Undo", "Like", "Dislike", "Announce", "Block",
        "Flag", "Move", "EmojiReact", "Add", "Remove", "TentativeAccept", "TentativeReject",
    ]
    /// Actors.
    public static let actorTypes: Set<String> = ["Person", "Service", "Application", "Group", "Organization"]
    /// Objects that carry content a moderator reads.
    public static let postTypes: Set<String> = ["Note", "Question", "Article", "Page", "Image", "Video", "Audio", "Event", "ChatMessage"]
    /// The public audience, in every spelling servers use.
    public static let publicAudience: Set<String> = ["https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"]
}
