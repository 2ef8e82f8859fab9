import CLibFuzzer
import ActivityStreams
import Foundation

/// libFuzzer's entry point: any bytes as an ActivityStreams document; what decodes is read as an activity, an actor
/// and a post, and a post's HTML turned into text and links. Errors are expected; a crash, a hang or a leak is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    guard let object = try? ActivityStreamsDocument.decode(data) else { return 0 }
    if let activity = try? Activity(object) { _ = activity.isPublic }
    _ = try? Actor(object)
    if let post = try? Post(object) {
        _ = post.contentText
        _ = HTMLText.links(post.contentHTML ?? "")
        _ = post.summary.map(HTMLText.plainText)
    }
    return 0
}

/// The executable's entry point (SwiftPM links `main` to `FuzzActivityStreams_main`): libFuzzer's driver, with its usual flags.
@_cdecl("FuzzActivityStreams_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) }
}
