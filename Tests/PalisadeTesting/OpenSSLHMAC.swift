import Foundation

/// HMAC-SHA256 computed by the system's `openssl` command, so webhook tests do not check Palisade's signature code
/// with itself.
public enum OpenSSLHMAC {
    /// The hex HMAC-SHA256 of `message` under `key`.
    public static func sha256(key: String, _ message: Data) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "dgst", "-sha256", "-hmac", key, "-hex"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try! process.run()
        input.fileHandleForWriting.write(message)
        try! input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // "HMAC-SHA2-256(stdin)= <hex>"
        return text.split(separator: "=").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
    }
}
