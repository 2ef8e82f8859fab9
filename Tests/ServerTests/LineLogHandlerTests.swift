import Foundation
import Logging
import Server
import Testing

@Suite struct LineLogHandlerTests {
    let sink = LogSink.capturing(now: { Date(timeIntervalSince1970: 1_795_000_000.25) })

    func logger(_ format: LogFormat, level: Logger.Level = .info) -> Logger {
        let sink = self.sink
        return Logger(label: "palisade") { LineLogHandler(label: $0, level: level, format: format, sink: sink) }
    }

    @Test func textLinesHaveTimeLevelLabelMessageAndSortedMetadata() {
        logger(.text).notice("listening", metadata: ["port": "8080", "address": "127.0.0.1"])
        #expect(sink.lines == ["2026-11-18T11:06:40.250Z notice palisade: listening address=127.0.0.1 port=8080"])
    }

    @Test func textValuesWithSpacesOrQuotesAreQuoted() {
        logger(.text).info("x", metadata: ["reason": "two words", "q": "say \"hi\""])
        #expect(sink.lines == [#"2026-11-18T11:06:40.250Z info palisade: x q="say \"hi\"" reason="two words""#])
    }

    @Test func controlCharactersFromOutsideCannotForgeLogLines() {
        logger(.text).info("request", metadata: ["path": "/a\nFAKE info palisade: admin logged in\u{1B}[2J"])
        #expect(sink.lines.count == 1)
        #expect(!sink.lines[0].contains("\n"))
        #expect(!sink.lines[0].contains("\u{1B}"))
        #expect(sink.lines[0].contains(#"/a\u{a}FAKE"#))
    }

    @Test func jsonLinesAreOneObjectWithMetadataAsFields() throws {
        logger(.json).warning("slow", metadata: ["route": "/healthz", "tags": ["a", "b"]])
        #expect(sink.lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(sink.lines[0].utf8)) as? [String: Any])
        #expect(object["ts"] as? String == "2026-11-18T11:06:40.250Z")
        #expect(object["level"] as? String == "warning")
        #expect(object["label"] as? String == "palisade")
        #expect(object["message"] as? String == "slow")
        #expect(object["route"] as? String == "/healthz")
        #expect(object["tags"] as? [String] == ["a", "b"])
    }

    @Test func metadataCannotOverwriteTheStandardJSONFields() throws {
        logger(.json).info("real", metadata: ["message": "forged", "level": "critical"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(sink.lines[0].utf8)) as? [String: Any])
        #expect(object["message"] as? String == "real")
        #expect(object["level"] as? String == "info")
    }

    @Test func eventsBelowTheLevelAreNotWritten() {
        let logger = logger(.text, level: .warning)
        logger.info("quiet")
        logger.error("loud")
        #expect(sink.lines.count == 1)
        #expect(sink.lines[0].contains("error palisade: loud"))
    }
}
