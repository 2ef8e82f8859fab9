import ActivityStreams
import Foundation
import PalisadeTesting
import Testing

/// Every real document other projects published decodes, and reads as the kind of thing it is; the malformed
/// ones fail with a clear, specific error.
@Suite struct FixtureDecodingTests {
    static let root = Fixtures.url("activitystreams")

    static let all: [String] = {
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
        return enumerator.compactMap { ($0 as? URL)?.path }
            .filter { $0.hasSuffix(".json") }
            .map { String($0.dropFirst(root.path.count + 1)) }
            .sorted()
    }()

    /// Documents that are not ActivityStreams objects (WebFinger JRDs, a bare `@type`), and why they are refused.
    static let refused: [String: ActivityStreamsError] = [
        "fedify/malformed-wrong-type.json": .missingType,
        "akkoma/hostile-webfinger-spoof.json": .missingType,
        "akkoma/hostile-webfinger-imposter.json": .missingType,
        "fep/fep-d556-mastodon-instance-actor-webfinger.json": .missingType,
        "fep/fep-d556-server-actor-webfinger.json": .missingType,
        "mastodon-docs/webfinger-gargron.json": .missingType,
        "pleroma/webfinger-mastodon-emelie.json": .missingType,
    ]

    static func decode(_ path: String) throws(ActivityStreamsError) -> ASObject {
        try ActivityStreamsDocument.decode((try? Data(contentsOf: root.appendingPathComponent(path))) ?? Data())
    }

    @Test func thereAreOverOneHundredRealDocuments() {
        #expect(Self.all.count > 100)
    }

    @Test(arguments: all)
    func documentDecodesAndReadsAsItsKind(path: String) throws {
        if let expected = Self.refused[path] {
            #expect(throws: expected) { try Self.decode(path) }
            return
        }
        let object = try Self.decode(path)
        if object.isA(Vocabulary.activityTypes) {
            let activity = try Activity(object)
            #expect(!activity.actorID.isEmpty)
        } else if object.isA(Vocabulary.actorTypes) {
            if path == "gotosocial/malformed-not-an-actor.json" { return }
            let actor = try Actor(object)
            #expect(actor.inbox?.hasPrefix("http") ?? true)
        } else if object.isA(Vocabulary.postTypes) {
            _ = try Post(object)
        }
    }

    /// Mastodon's documentation prints a Note with a trailing comma; Foundation's decoder, like many servers', reads it.
    @Test func aTrailingCommaIsTolerated() throws {
        let post = try Post(Self.decode("mastodon-docs/note-custom-emoji-TRAILING-COMMA.json"))
        #expect(post.contentText == "Hello world :kappa:")
    }

    @Test func aDocumentThatIsNotAnActorIsRefusedAsOne() throws {
        let object = try Self.decode("gotosocial/malformed-not-an-actor.json")
        #expect(throws: ActivityStreamsError.unexpectedType(object.type, expected: "an actor")) { try Actor(object) }
    }
}
