import Foundation
import PalisadeTesting
import Rules
import Testing

/// `RuleSetLoader.load(file:text:lists:)`, one rule file in memory (the rules fuzzer's entry point), reads a file as the
/// directory loader does.
@Suite struct InMemoryLoadTests {
    static let giveaway = """
        id: spam.giveaway
        title: Giveaway
        applies_to: [Create]
        when:
          all:
            - content: { matches_any: $coins }
            - links.count: { gte: 1 }
        action: { queue: spam, priority: 80 }
        tests:
          - match: { content: "free btc", links.count: 1 }

        """

    @Test func aFileInMemoryCompilesAsInADirectory() throws {
        let directory = try TemporaryDirectory("rules-in-memory")
        defer { directory.remove() }
        _ = try directory.write("rules/giveaway.yml", Self.giveaway)
        _ = try directory.write("rules/lists/coins.txt", "btc\neth\n")
        let fromDirectory = try #require(RuleSetLoader.load(directory: directory.path("rules")).ruleSet)

        let load = RuleSetLoader.load(file: "giveaway.yml", text: Self.giveaway, lists: ["coins": "btc\neth\n"])
        let inMemory = try #require(load.ruleSet, "\(load.renderedDiagnostics())")
        #expect(load.diagnostics.isEmpty)
        #expect(inMemory.rules.map(\.definition.id) == fromDirectory.rules.map(\.definition.id))
        #expect(inMemory.rules.map(\.definition.version) == fromDirectory.rules.map(\.definition.version))
    }

    @Test func problemsAreNamedAfterTheFileGiven() {
        let load = RuleSetLoader.load(file: "broken.yml", text: Self.giveaway + "---\n" + Self.giveaway)
        #expect(load.ruleSet == nil)
        let messages = load.diagnostics.map { "\($0.location.file):\($0.location.line): \($0.message)" }
        #expect(messages.contains { $0.hasPrefix("broken.yml:") && $0.contains("duplicate id 'spam.giveaway'") })
        #expect(messages.contains { $0.hasPrefix("broken.yml:") && $0.contains("coins") })
    }
}
