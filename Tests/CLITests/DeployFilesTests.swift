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

    /// Runs `program ARGS`; standard output and the exit status.
    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    static var containerfile: String {
        get throws { try String(contentsOf: Fixtures.projectRoot.appendingPathComponent("deploy/Containerfile"), encoding: .utf8) }
    }

    /// The runtime stage installs the package of every shared library the binary links (the Swift runtime aside,
    /// which the image links statically; libc and its companions come with the base image), and copies only what exists.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/dpkg-query"), "not a Debian system"))
    func theContainerfileInstallsWhatTheBinaryLinks() throws {
        let file = try Self.containerfile
        let runtime = try #require(file.components(separatedBy: "FROM ${RUNTIME_IMAGE}").last)
        let install = try #require(runtime.split(separator: "\n").first { $0.contains("apt-get install") })
        let words = install.split(separator: " ").map(String.init)
        let packages = Set(words.filter { word in !word.hasPrefix("-") && !["&&", "apt-get", "install"].contains(word) })
        let linked = try Self.run("/usr/bin/ldd", [try PalisadeCLI.executable.path])
        #expect(linked.status == 0)
        let base: Set<String> = ["libc.so.6", "libm.so.6", "libgcc_s.so.1"]
        var libraries: [String] = []
        for line in linked.output.split(separator: "\n") {
            guard let arrow = line.range(of: " => ") else { continue }
            let path = line[arrow.upperBound...].split(separator: " ").first.map(String.init) ?? ""
            let name = (path as NSString).lastPathComponent
            if path.contains("/swift/") || base.contains(name) { continue }
            libraries.append(name)
        }
        #expect(libraries.contains("libhs.so.5") && libraries.contains("libpcre2-8.so.0") && libraries.contains("libsqlite3.so.0"), "\(libraries)")
        for library in libraries {
            let owner = try Self.run("/usr/bin/dpkg", ["-S", library])
            let package = try #require(owner.output.split(separator: ":").first.map(String.init), "no package owns \(library)")
            #expect(packages.contains(package), "\(library) comes from \(package), which the runtime stage does not install: \(install)")
        }
        for line in file.split(separator: "\n") where line.hasPrefix("COPY ") && !line.contains("--from") {
            let source = String(line.split(separator: " ")[1])
            #expect(FileManager.default.fileExists(atPath: Fixtures.projectRoot.appendingPathComponent(source).path), "COPY \(source): not in the repository")
        }
        #expect(file.contains(#"CMD ["serve", "--config", "/etc/palisade/palisade.yml"]"#))
        #expect(file.contains("--static-swift-stdlib"), "the runtime stage installs no Swift runtime")
    }

    /// The configuration the container runs with: deploy/palisade.yml at /etc/palisade with the image's environment.
    @Test func theContainerConfigurationLoads() async throws {
        let file = try Self.containerfile
        let environment = file.split(separator: "\n").filter { $0.hasPrefix("ENV ") }.reduce(into: [String: String]()) { values, line in
            let pair = line.dropFirst(4).split(separator: "=", maxSplits: 1)
            values[String(pair[0])] = String(pair[1])
        }
        #expect(environment["PALISADE_LISTEN"] == "0.0.0.0:8080")
        let etc = try TemporaryDirectory("container-etc")
        defer { etc.remove() }
        let config = try etc.write("palisade.yml", try String(contentsOf: Fixtures.projectRoot.appendingPathComponent("deploy/palisade.yml"), encoding: .utf8))
        let result = try await PalisadeCLI.run(["serve", "--print-config", "--config", config], in: etc.url, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("listen: 0.0.0.0:8080 "), "\(result.stdout)")
        #expect(result.stdout.contains("data_dir: /var/lib/palisade "), "the volume the image declares")
        #expect(result.stdout.contains("rules_dir: \(etc.url.standardizedFileURL.path)/rules "), "where the image copies the starter rules, beside the config")
    }

    /// With a container engine at hand (not on the 2-core CI machine, which has no daemon and no base images offline),
    /// the image builds and its binary runs.
    static let engine = ["/usr/bin/docker", "/usr/local/bin/docker", "/usr/bin/podman"].first { path in
        FileManager.default.isExecutableFile(atPath: path) && (try? run(path, ["info"]).status) == 0
    }

    @Test(.enabled(if: engine != nil, "no container engine answers (docker info / podman info)"), .timeLimit(.minutes(60)))
    func theImageBuildsAndRuns() throws {
        let engine = try #require(Self.engine)
        let tag = "palisade-test:\(UUID().uuidString.prefix(8).lowercased())"
        let built = try Self.run(engine, ["build", "-f", "deploy/Containerfile", "-t", tag, Fixtures.projectRoot.path])
        #expect(built.status == 0)
        let version = try Self.run(engine, ["run", "--rm", tag, "version"])
        #expect(version.status == 0 && version.output.hasPrefix("palisade "), "\(version.output)")
        _ = try? Self.run(engine, ["rmi", tag])
    }
}
