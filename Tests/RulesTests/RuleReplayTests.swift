import ActivityStreams
import Rules
import Testing

/// The backtest's tally, item by item: counts per set, gains and losses, examples, ordering and both renderings.
@Suite struct RuleReplayTests {
    @Test func gainsLossesAndExamplesAreCountedPerRule() {
        var replay = RuleReplay(examples: 1)
        replay.add(item: "a", active: ["r.kept", "r.lost"], candidate: ["r.kept", "r.new"])
        replay.add(item: "b", active: ["r.lost"], candidate: ["r.new"])
        replay.add(item: "c", active: [], candidate: [])
        replay.add(item: "d", active: ["r.kept", "r.kept"], candidate: ["r.kept"])
        #expect(replay.items == 4)
        #expect(replay.tally.map(\.rule) == ["r.lost", "r.new", "r.kept"], "changed rules first, then by id")
        let lost = replay.tally[0]
        #expect((lost.active, lost.candidate, lost.gained, lost.lost) == (2, 0, 0, 2))
        #expect(lost.lostExamples == ["a"], "one example kept")
        let new = replay.tally[1]
        #expect((new.active, new.candidate, new.gained, new.lost) == (0, 2, 2, 0))
        let kept = replay.tally[2]
        #expect((kept.active, kept.candidate, kept.gained, kept.lost) == (2, 2, 0, 0), "a rule hitting twice on one item counts once")
        #expect(replay.rendered() == """
            r.lost  active 2  candidate 0  +0 -2
              - a
            r.new  active 0  candidate 2  +2 -0
              + a
            r.kept  active 2  candidate 2  unchanged
            4 items replayed, 3 rules hit, 2 changed

            """)
        guard case .object(let json) = replay.json, case .array(let rules) = json["rules"] else { Issue.record("not the documented JSON"); return }
        #expect(json["items"] == .number(4))
        #expect(rules.count == 3)
        #expect(rules.first == .object([
            "rule": .string("r.lost"), "active": .number(2), "candidate": .number(0), "gained": .number(0), "lost": .number(2),
            "gained_examples": .array([]), "lost_examples": .array([.string("a")]),
        ]))
    }

    @Test func anEmptyReplaySaysSo() {
        #expect(RuleReplay().rendered() == "0 items replayed, 0 rules hit, 0 changed\n")
    }
}
