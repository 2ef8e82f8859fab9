import CVectorscan
import Crypto
import Foundation

/// Compiled prefilter databases kept on disk by the SHA-256 of what they were compiled from (Vectorscan's version,
/// the flags, the gates' ids and text), so a restart or a reload of an unchanged rule set skips Vectorscan's
/// compiler. A file that does not read back (truncated, another Vectorscan, another CPU) is compiled again and
/// rewritten; files not used for `retention` are removed once per load.
public struct PrefilterCache: Sendable {
    /// The directory holding the files (created on first write).
    public let directory: String
    /// How long a file nobody uses is kept.
    public let retention: TimeInterval

    /// A cache in `directory` (e.g. `data_dir/cache/prefilter`).
    public init(directory: String, retention: TimeInterval = 30 * 24 * 3600) {
        self.directory = directory
        self.retention = retention
    }

    private static let magic: [UInt8] = Array("palisade-prefilter-1\n".utf8)

    /// The file name for a database of `entries` compiled as `kind` with `flags`.
    static func key(kind: String, flags: UInt32, entries: [(id: Int, text: String)]) -> String {
        var hasher = SHA256()
        let platform = Prefilter.platform
        hasher.update(data: Array("\(kind)\u{0}\(flags)\u{0}\(String(cString: hs_version()))\u{0}\(platform.tune)/\(platform.cpu_features)\u{0}".utf8))
        for entry in entries { hasher.update(data: Array("\(entry.id)\u{0}\(entry.text)\u{0}".utf8)) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    private func path(_ key: String) -> String { directory + "/" + key + ".hsdb" }

    /// The database stored under `key` and the ids its compile refused, or nil (absent or unreadable).
    func load(_ key: String) -> (database: OpaquePointer, refused: [Int])? {
        guard let data = FileManager.default.contents(atPath: path(key)) else { return nil }
        let bytes = [UInt8](data)
        guard bytes.count > Self.magic.count + 4, Array(bytes[..<Self.magic.count]) == Self.magic else { return nil }
        var offset = Self.magic.count
        func word() -> UInt32? {
            guard offset + 4 <= bytes.count else { return nil }
            defer { offset += 4 }
            return bytes[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) }
        }
        guard let count = word(), Int(count) <= (bytes.count - offset) / 4 else { return nil }
        var refused: [Int] = []
        for _ in 0..<count {
            guard let id = word() else { return nil }
            refused.append(Int(id))
        }
        var database: OpaquePointer?
        let result = bytes[offset...].withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { hs_deserialize_database($0.baseAddress, $0.count, &database) }
        }
        guard result == HS_SUCCESS, let database else { return nil }
        // Used: kept another `retention`.
        try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: path(key))
        return (database, refused)
    }

    /// Writes `database` (and the ids its compile refused) under `key`, atomically; failures only cost a compile
    /// next time.
    func store(_ key: String, database: OpaquePointer, refused: [Int]) {
        var serialized: UnsafeMutablePointer<CChar>?
        var length = 0
        guard hs_serialize_database(database, &serialized, &length) == HS_SUCCESS, let serialized else { return }
        defer { free(serialized) }
        var bytes = Self.magic
        func append(_ value: UInt32) { for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) } }
        append(UInt32(refused.count))
        for id in refused { append(UInt32(id)) }
        serialized.withMemoryRebound(to: UInt8.self, capacity: length) { bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: length)) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: path(key)), options: .atomic)
        } catch {
            return
        }
    }

    /// Removes files not used within `retention` (a load marks each file it reads as used).
    func prune() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        let cutoff = Date().addingTimeInterval(-retention)
        for name in names where name.hasSuffix(".hsdb") {
            let file = directory + "/" + name
            if let modified = (try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date, modified < cutoff {
                try? FileManager.default.removeItem(atPath: file)
            }
        }
    }
}
