import Foundation
import Logging
import PalisadeTesting
import Server
import Testing

@Suite struct ConfigurationTests {
    private func parse(_ yaml: String?, environment: [String: String] = [:]) throws -> LoadedConfiguration {
        try ConfigurationLoader.parse(yaml: yaml, filePath: "palisade.yml", environment: environment)
    }

    /// The problems a bad configuration produces, as the operator reads them.
    private func problems(_ yaml: String?, environment: [String: String] = [:]) -> [String] {
        do {
            _ = try parse(yaml, environment: environment)
            Issue.record("expected the configuration to be refused")
            return []
        } catch let error as ConfigurationError {
            guard case .invalid(let problems) = error else {
                Issue.record("expected invalid, got \(error)")
                return []
            }
            return problems.map(\.description)
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    // MARK: Good files

    @Test func noFileAndNoEnvironmentGiveTheEmbeddedDefaults() throws {
        let loaded = try parse(nil)
        let config = loaded.configuration
        #expect(config.listen == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(config.dataDirectory == "./data")
        #expect(config.rulesDirectory == "./rules")
        #expect(config.log.level == .info)
        #expect(config.log.format == .text)
        #expect(config.limits.bodyBytes == 1_048_576)
        #expect(config.signatures.clockSkewPastSeconds == 3600)
        #expect(config.signatures.clockSkewFutureSeconds == 3600)
        #expect(config.federation.allowPrivateAddresses == false)
        #expect(config.metrics.token == nil)
        #expect(config.effectiveBaseURL.absoluteString == "http://127.0.0.1:8080")
        #expect(loaded.origin(of: "listen") == .defaultValue)
    }

    @Test func aFullFileSetsEveryKeyAndRecordsItsLine() throws {
        let loaded = try parse("""
            base_url: https://mod.example.org/
            listen: "[::1]:9090"
            data_dir: /var/lib/palisade
            rules_dir: /etc/palisade/rules
            log:
              level: debug
              format: json
            limits:
              body_bytes: 262144
            signatures:
              clock_skew_past: 5m
              clock_skew_future: 90
            federation:
              allow_private_addresses: true
            metrics:
              token: s3cret-metrics-token-0123
            """)
        let config = loaded.configuration
        #expect(config.baseURL?.absoluteString == "https://mod.example.org")
        #expect(config.listen == ListenAddress(host: "::1", port: 9090))
        #expect(config.listen.description == "[::1]:9090")
        #expect(config.dataDirectory == "/var/lib/palisade")
        #expect(config.databasePath == "/var/lib/palisade/palisade.sqlite")
        #expect(config.rulesDirectory == "/etc/palisade/rules")
        #expect(config.log.level == .debug)
        #expect(config.log.format == .json)
        #expect(config.limits.bodyBytes == 262_144)
        #expect(config.signatures.clockSkewPastSeconds == 300)
        #expect(config.signatures.clockSkewFutureSeconds == 90)
        #expect(config.federation.allowPrivateAddresses)
        #expect(config.metrics.token == "s3cret-metrics-token-0123")
        #expect(loaded.origin(of: "base_url") == .file(path: "palisade.yml", line: 1))
        #expect(loaded.origin(of: "log.format") == .file(path: "palisade.yml", line: 7))
        #expect(loaded.origin(of: "metrics.token") == .file(path: "palisade.yml", line: 16))
    }

    @Test func dottedKeysAtTheTopLevelMeanTheSameAsSections() throws {
        let config = try parse("log.level: warning\nlimits.body_bytes: 2048\n").configuration
        #expect(config.log.level == .warning)
        #expect(config.limits.bodyBytes == 2048)
    }

    @Test func anEmptyFileOrOneOfCommentsGivesTheDefaults() throws {
        #expect(try parse("").configuration == PalisadeConfiguration())
        #expect(try parse("# nothing configured yet\n").configuration == PalisadeConfiguration())
    }

    @Test func durationsAcceptSecondsAndUnits() throws {
        for (text, seconds) in [("0", 0), ("45", 45), ("30s", 30), ("5m", 300), ("1h", 3600), ("1h30m", 5400), ("2h0m5s", 7205)] {
            let config = try parse("signatures:\n  clock_skew_past: \(text)\n").configuration
            #expect(config.signatures.clockSkewPastSeconds == seconds, "\(text)")
        }
    }

    // MARK: Environment overrides

    @Test func environmentOverridesTheFileAndRecordsTheVariable() throws {
        let loaded = try parse(
            "listen: 127.0.0.1:8080\nlog:\n  level: info\n",
            environment: [
                "PALISADE_LISTEN": "0.0.0.0:8443",
                "PALISADE_LOG__LEVEL": "error",
                "PALISADE_FEDERATION__ALLOW_PRIVATE_ADDRESSES": "1",
                "PALISADE_SIGNATURES__CLOCK_SKEW_FUTURE": "10m",
                "PALISADE_LIMITS__BODY_BYTES": "65536",
            ])
        #expect(loaded.configuration.listen == ListenAddress(host: "0.0.0.0", port: 8443))
        #expect(loaded.configuration.log.level == .error)
        #expect(loaded.configuration.federation.allowPrivateAddresses)
        #expect(loaded.configuration.signatures.clockSkewFutureSeconds == 600)
        #expect(loaded.configuration.limits.bodyBytes == 65536)
        #expect(loaded.origin(of: "listen") == .environment(name: "PALISADE_LISTEN"))
        #expect(loaded.origin(of: "log.level") == .environment(name: "PALISADE_LOG__LEVEL"))
    }

    @Test func variablesOfOtherPalisadeToolsAndOtherProgramsAreIgnored() throws {
        let loaded = try parse(nil, environment: ["PALISADE_TOKEN": "abc", "PALISADE_SERVER": "http://x", "HOME": "/root"])
        #expect(loaded.configuration == PalisadeConfiguration())
    }

    @Test func anEmptyBaseURLVariableFallsBackToTheDerivedOne() throws {
        let loaded = try parse("base_url: https://mod.example.org\n", environment: ["PALISADE_BASE_URL": ""])
        #expect(loaded.configuration.baseURL == nil)
    }

    // MARK: Bad files: each problem names the file, line, column and key

    @Test func yamlSyntaxErrorsNameTheLineAndColumn() {
        let found = problems("listen: 127.0.0.1:8080\nlog:\n  level: [debug\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("palisade.yml:4:1: not valid YAML") == true, "\(found)")
    }

    @Test func anUnknownKeyIsNamedWithASuggestion() {
        #expect(problems("lisen: 127.0.0.1:8080\n") == ["palisade.yml:1:1: lisen: unknown key (did you mean 'listen'?)"])
        #expect(problems("log:\n  levle: info\n") == ["palisade.yml:2:3: log.levle: unknown key (did you mean 'log.level'?)"])
    }

    @Test func anUnknownKeyFarFromAnyKnownOneListsTheKnownKeys() {
        let found = problems("database_url: postgres://x\n")
        #expect(found.first?.hasPrefix("palisade.yml:1:1: database_url: unknown key; known keys: base_url, listen,") == true, "\(found)")
    }

    @Test func aWrongTypeIsNamedWithWhatWasExpected() {
        #expect(problems("limits:\n  body_bytes: lots\n") == [
            "palisade.yml:2:15: limits.body_bytes: expected an integer from 1024 to 104857600, got the string 'lots'"
        ])
        #expect(problems("federation:\n  allow_private_addresses: \"true\"\n") == [
            "palisade.yml:2:28: federation.allow_private_addresses: expected true or false, got the string 'true'"
        ])
        #expect(problems("listen: true\n") == [
            "palisade.yml:1:9: listen: expected host:port such as 127.0.0.1:8080 or [::1]:8080, got 'true'"
        ])
    }

    @Test func badValuesAreNamed() {
        #expect(problems("listen: 127.0.0.1:70000\n") == ["palisade.yml:1:9: listen: the port must be a number from 0 to 65535, got '70000'"])
        #expect(problems("listen: localhost\n").first?.contains("expected host:port") == true)
        #expect(problems("base_url: ftp://mod.example.org\n").first?.contains("expected an absolute http(s) URL") == true)
        #expect(problems("base_url: https://mod.example.org/?x=1\n").first?.contains("must not carry a query") == true)
        #expect(problems("log:\n  level: loud\n") == [
            "palisade.yml:2:10: log.level: expected one of trace, debug, info, notice, warning, error, critical, got 'loud'"
        ])
        #expect(problems("limits:\n  body_bytes: 10\n") == ["palisade.yml:2:15: limits.body_bytes: expected an integer from 1024 to 104857600, got 10"])
        #expect(problems("signatures:\n  clock_skew_past: 2d\n").first?.contains("expected a duration") == true)
        #expect(problems("signatures:\n  clock_skew_past: 48h\n").first?.contains("at most 24h") == true)
        #expect(problems("metrics:\n  token: short\n") == ["palisade.yml:2:10: metrics.token: is too short; use at least 16 characters"])
        #expect(problems("data_dir: \"\"\n") == ["palisade.yml:1:11: data_dir: expected a directory path, got an empty string"])
        #expect(problems("audit:\n  checkpoint_interval: 0\n").first?.contains("audit.checkpoint_interval: expected at least 1s") == true)
        #expect(problems("audit:\n  checkpoint_interval: 2h\n").first?.contains("at most 1h") == true)
    }

    @Test func theAuditKeyFileAndCheckpointIntervalAreRead() throws {
        let config = try parse("audit:\n  key_file: /run/secrets/audit.key\n  checkpoint_interval: 5m\n", environment: ["PALISADE_DATA_DIR": "/srv/p"])
            .configuration
        #expect(config.auditKeyPath == "/run/secrets/audit.key")
        #expect(config.audit.checkpointIntervalSeconds == 300)
        #expect(config.auditCheckpointsPath == "/srv/p/audit.checkpoints")
        let defaults = try parse(nil, environment: ["PALISADE_DATA_DIR": "/srv/p"]).configuration
        #expect(defaults.auditKeyPath == "/srv/p/audit.key")
        #expect(defaults.audit.checkpointIntervalSeconds == 60)
    }

    @Test func aValueWhereASectionBelongsAndASectionWhereAValueBelongsAreRefused() {
        #expect(problems("log: debug\n") == ["palisade.yml:1:6: log: section 'log' must be a mapping of keys to values"])
        #expect(problems("listen:\n  host: 127.0.0.1\n") == ["palisade.yml:2:3: listen: expected a single value, got a mapping"])
        #expect(problems("listen: [127.0.0.1, 8080]\n") == ["palisade.yml:1:9: listen: expected a single value, got a list"])
    }

    @Test func aFileThatIsNotAMappingIsRefused() {
        #expect(problems("- listen\n- data_dir\n") == ["palisade.yml:1:1: the configuration must be a mapping of keys to values"])
    }

    @Test func aDuplicateKeyIsRefused() {
        let found = problems("listen: 127.0.0.1:8080\nlisten: 127.0.0.1:9090\n")
        #expect(found.count == 1)
        #expect(found.first?.contains("duplicate key 'listen'") == true, "\(found)")
    }

    @Test func everyProblemIsReportedAtOnce() {
        let found = problems(
            "lisen: x\nlog:\n  level: loud\nlimits:\n  body_bytes: -1\n",
            environment: ["PALISADE_LISTN": "x"])
        #expect(found.count == 4)
    }

    @Test func badEnvironmentVariablesAreNamed() {
        #expect(problems(nil, environment: ["PALISADE_LISTN": "127.0.0.1:1"]) == [
            "environment variable PALISADE_LISTN: listn: unknown key (did you mean 'listen'?)"
        ])
        #expect(problems(nil, environment: ["PALISADE_LOG__FORMAT": "xml"]) == [
            "environment variable PALISADE_LOG__FORMAT: log.format: expected one of text, json, got 'xml'"
        ])
        #expect(problems(nil, environment: ["PALISADE_FEDERATION__ALLOW_PRIVATE_ADDRESSES": "maybe"]) == [
            "environment variable PALISADE_FEDERATION__ALLOW_PRIVATE_ADDRESSES: federation.allow_private_addresses: expected true or false, got 'maybe'"
        ])
    }

    // MARK: Files on disk

    @Test func anExplicitConfigFileThatDoesNotExistIsAnError() {
        #expect(throws: ConfigurationError.missingFile(path: "/nonexistent/palisade.yml")) {
            try ConfigurationLoader.load(explicitPath: "/nonexistent/palisade.yml", environment: [:])
        }
    }

    @Test func aFileThatIsNotUTF8IsAnError() throws {
        let directory = try TemporaryDirectory("config")
        defer { directory.remove() }
        let path = directory.path("binary.yml")
        try Data([0x6C, 0x69, 0xFF, 0xFE, 0x00, 0x3A]).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: ConfigurationError.self) { try ConfigurationLoader.load(explicitPath: path, environment: [:]) }
        #expect(error == .unreadableFile(path: path, detail: "the file is not UTF-8 text"))
    }

    @Test func aRealFileIsReadWithItsPathInProblems() throws {
        let directory = try TemporaryDirectory("config")
        defer { directory.remove() }
        let path = try directory.write("site.yml", "listen: 127.0.0.1:0\nlog:\n  format: yaml\n")
        let error = #expect(throws: ConfigurationError.self) { try ConfigurationLoader.load(explicitPath: path, environment: [:]) }
        #expect(error?.description == "invalid configuration: \(path):3:11: log.format: expected one of text, json, got 'yaml'")
    }

    @Test func theMetricsListenerMustBeLoopback() throws {
        #expect(try parse("metrics:\n  listen: 127.0.0.1:9464\n").configuration.metrics.listen == ListenAddress(host: "127.0.0.1", port: 9464))
        #expect(try parse("metrics:\n  listen: \"[::1]:9464\"\n").configuration.metrics.listen == ListenAddress(host: "::1", port: 9464))
        let refused = problems("metrics:\n  listen: 0.0.0.0:9464\n")
        #expect(refused.contains { $0.contains("must be a loopback address") }, "\(refused)")
    }

    // MARK: --print-config

    @Test func printedConfigurationMasksSecretsAndShowsOrigins() throws {
        let loaded = try parse(
            "listen: 127.0.0.1:8081\nmetrics:\n  token: s3cret-metrics-token-0123\n",
            environment: ["PALISADE_LOG__FORMAT": "json"])
        let printed = ConfigurationPrinter.render(loaded)
        #expect(!printed.contains("s3cret"))
        try Golden.expect(printed, matches: "ServerTests/Golden/print-config.yml")
    }

    @Test func printedConfigurationReadsBackToTheSameConfiguration() throws {
        let loaded = try parse("""
            base_url: https://mod.example.org
            listen: "[::1]:9090"
            data_dir: "/srv/palisade data"
            log:
              level: trace
            signatures:
              clock_skew_past: 1h30m
            federation:
              allow_private_addresses: true
            """)
        let reread = try parse(ConfigurationPrinter.render(loaded))
        #expect(reread.configuration == loaded.configuration)
    }
}
