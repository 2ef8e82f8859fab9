import Foundation
import PalisadeTesting
import Testing

/// Issue 18: the files in `deploy/` work as shipped: the systemd unit passes `systemd-analyze verify`, and the example
/// configuration loads, its relative paths read against its own directory.
@Suite struct DeployFilesTests {
    static let analyzer = "/usr/bin/systemd-analyze"

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: analyzer), "systemd-analyze is not installed"))
    func theSystemdUnitVerifies() throws {
        let directory = try TemporaryDirectory("deploy-unit")
        defer { directory.remove() }
        let shipped = try String(contentsOf: Fixtures.projectRoot.appendingPathComponent("deploy/palisade.service"), encoding: .utf8)
        #expect(shipped.contains("ExecStart=/usr/local/bin/palisade serve --config /etc/palisade/palisade.yml"))
        // verify checks that ExecStart's program exists: the one just built stands in for the installed one.
        let unit = try directory.write("palisade.service", shipped.replacingOccurrences(of: "/usr/local/bin/palisade", with: try PalisadeCLI.executable.path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.analyzer)
        process.arguments = ["verify", unit]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(stderr.isEmpty, "systemd-analyze verify: \(stderr)")
    }

    @Test func theExampleConfigurationLoads() async throws {
        let deploy = Fixtures.projectRoot.appendingPathComponent("deploy")
        let result = try await PalisadeCLI.run(["serve", "--print-config", "--config", deploy.appendingPathComponent("palisade.yml").path], in: deploy)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("data_dir: /var/lib/palisade "), "\(result.stdout)")
        #expect(result.stdout.contains("rules_dir: \(deploy.path)/rules "), "\(result.stdout)")
    }
}
