import Foundation
import PalisadeTesting
import RawStructuredFieldValues
import Testing
@testable import HTTPSignatures

/// Issue 21: the byte-level structured-field parser answers only where it answers what swift-http-structured-headers
/// answers. Real fields (the RFC 9421 vectors, Mastodon's and FASP's shapes) and many thousand mutations of them go
/// through both; wherever the quick parser returns a dictionary, the general parser returns the same one.
@Suite struct QuickStructuredFieldsTests {
    static let samples: [String] = {
        var samples = [
            #"sig1=("@method" "@target-uri" "content-digest" "host" "date");created=1795000000;keyid="https://mastodon.example/users/a#main-key";alg="rsa-v1_5-sha256""#,
            #"sig1=:dGVzdA==:"#,
            #"sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"#,
            #"a=1, b=?0, c, d=(1 2 "x";p=tok);q=:YQ==:, e=tok/x:y, f="a\"b\\c";g;h=-5"#,
            #"sig-b22=("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example""#,
            #"  x=1  ,y=2"#, #"x=1.5"#, #"x=@12345"#, #"x=%"f%c3%bc""#, #"x=1, x=2"#, #"x=("a" ("b"))"#, #"x=,"#, #"x=1,"#, #""#,
        ]
        if let examples = try? FileManager.default.contentsOfDirectory(atPath: Fixtures.url("http-signatures/rfc9421/unfolded").path) {
            for example in examples.sorted() {
                guard let text = try? Fixtures.text("http-signatures/rfc9421/unfolded/" + example + "/signature-headers.http") else { continue }
                for line in text.split(separator: "\n") where line.lowercased().hasPrefix("signature-input:") || line.lowercased().hasPrefix("signature:") {
                    samples.append(String(line.drop { $0 != ":" }.dropFirst()).trimmingCharacters(in: .whitespaces))
                }
            }
        }
        return samples
    }()

    static func general(_ text: String) -> OrderedMap<String, ItemOrInnerList>? {
        var parser = StructuredFieldValueParser(Array(text.utf8))
        return try? parser.parseDictionaryFieldValue()
    }

    static func canonical(_ dictionary: OrderedMap<String, ItemOrInnerList>) -> String? {
        var serializer = StructuredFieldValueSerializer()
        return (try? serializer.writeDictionaryFieldValue(dictionary)).map { String(decoding: $0, as: UTF8.self) }
    }

    func check(_ text: String, _ disagreements: inout [String]) -> Bool {
        guard let quick = QuickStructuredFields.dictionary(text) else { return false }
        guard let general = Self.general(text), let expected = Self.canonical(general), Self.canonical(quick) == expected else {
            disagreements.append(text)
            return true
        }
        // Item by item, the quick serialiser writes what the library's writes.
        for (_, member) in quick {
            if case .item(let item) = member, let written = QuickStructuredFields.serialize(item) {
                var serializer = StructuredFieldValueSerializer()
                let library = (try? serializer.writeItemFieldValue(item)).map { String(decoding: $0, as: UTF8.self) }
                if written != library { disagreements.append("item of \(text): \(written) vs \(library ?? "nil")") }
            }
            if case .innerList(let list) = member,
                let written = QuickStructuredFields.serialize(innerList: Array(list.bareInnerList), parameters: list.rfc9651Parameters)
            {
                var serializer = StructuredFieldValueSerializer()
                let library = (try? serializer.writeListFieldValue([.innerList(list)])).map { String(decoding: $0, as: UTF8.self) }
                if written != library { disagreements.append("list of \(text): \(written) vs \(library ?? "nil")") }
            }
        }
        return true
    }

    @Test func theRealFieldsParseAsTheGeneralParserParsesThem() {
        var disagreements: [String] = []
        var answered = 0
        for sample in Self.samples where check(sample, &disagreements) { answered += 1 }
        #expect(disagreements.isEmpty, "\(disagreements)")
        #expect(answered >= 10, "the quick parser reads the usual shapes itself (\(answered))")
        // What it leaves to the general parser: decimals, dates, display strings, repeated keys, nesting, trailing commas.
        for text in [#"x=1.5"#, #"x=@12345"#, #"x=%"f%c3%bc""#, #"x=1, x=2"#, #"x=("a" ("b"))"#, #"x=1,"#, #""#] {
            #expect(QuickStructuredFields.dictionary(text) == nil, "\(text)")
        }
    }

    @Test func mutationsOfRealFieldsNeverDisagree() {
        var random = SeededGenerator(seed: 9421)
        let alphabet = Array(#"abcXYZ019*-_.;=,:()" \?+/%@#"#.utf8) + [0x09, 0x7F, 0xC3, 0x00]
        var disagreements: [String] = []
        var answered = 0
        for _ in 0..<20_000 {
            var bytes = Array(random.pick(Self.samples).utf8)
            for _ in 0..<(1 + random.below(3)) {
                let position = bytes.isEmpty ? 0 : random.below(bytes.count)
                switch random.below(3) {
                case 0: bytes.insert(random.pick(alphabet), at: position)
                case 1: if !bytes.isEmpty { bytes.remove(at: position) }
                default: if !bytes.isEmpty { bytes[position] = random.pick(alphabet) }
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            if check(text, &disagreements) { answered += 1 }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
        #expect(answered > 2_000)
    }
}
