import CLibFuzzer
import Foundation
import Rules

/// Term lists under the names `rules/lists/` uses, so the shipped rules in the corpus compile as they do in `rules/`.
private let lists = [
    "crypto_terms": "# coins\nbtc\neth(?:ereum)?\nliteral: $btc\n",
    "link_shorteners": "bit.ly\nt.co\n",
    "staff_names": "\\badmin(?:istrator)?\\b\n\\bmoderator\\b\n",
    "trusted_domains": "mastodon.social\n",
]

/// libFuzzer's entry point: any bytes as one rule file, parsed, validated and compiled in memory. Only UTF-8 is a rule
/// file (the directory loader refuses the rest before parsing).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = start.map { UnsafeRawBufferPointer(start: $0, count: count) } ?? UnsafeRawBufferPointer(start: nil, count: 0)
    guard let text = String(validating: bytes, as: UTF8.self) else { return 0 }
    _ = RuleSetLoader.load(file: "fuzz.yml", text: text, lists: lists)
    return 0
}

/// The executable's entry point (SwiftPM links `main` to `FuzzRules_main`): libFuzzer's driver, with its usual flags.
@_cdecl("FuzzRules_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) }
}
