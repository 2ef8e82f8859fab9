import CLibFuzzer
import Foundation
import Moderation

private let domain = InstanceDomain("mastodon.example")!
private let now = Date(timeIntervalSince1970: 1_764_000_000)

/// libFuzzer's entry point: any bytes as the body of a Mastodon admin webhook delivery.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let body = start.map { Data(bytes: $0, count: count) } ?? Data()
    _ = try? MastodonWebhook.parse(body, domain: domain, now: now)
    return 0
}

/// The executable's entry point (SwiftPM links `main` to `FuzzMastodonWebhook_main`): libFuzzer's driver, with its usual flags.
@_cdecl("FuzzMastodonWebhook_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) }
}
