import ActivityStreams
import Foundation
import Hummingbird
import Rules

/// The admin API for the rule set, behind `admin.token`: `GET /api/v1/admin/rules` (version and rules in use) and
/// `POST /api/v1/admin/rules/reload[?force=true]` (reload now; 200 with what changed, or 422 with every diagnostic or
/// failing test while the running set stays; `force` takes a set whose tests fail).
struct AdminRulesController {
    let rules: ActiveRules
    let token: String?

    func addRoutes(to router: Router<PalisadeRequestContext>) {
        router.get("/api/v1/admin/rules") { request, _ in
            try BearerToken.requireAdmin(request, token: token)
            let set = rules.ruleSet
            return try JSONResponse.json(.object([
                "version": .string(set.version),
                "rules": .array(set.rules.map { .object(["id": .string($0.definition.id), "version": .string($0.definition.version)]) }),
            ]), contentType: "application/json; charset=utf-8")
        }
        router.post("/api/v1/admin/rules/reload") { request, _ in
            try BearerToken.requireAdmin(request, token: token)
            let force = request.uri.queryParameters.get("force") == "true"
            switch await rules.reload(reason: "admin API", force: force) {
            case .loaded(let set, let changes, let warnings):
                return try JSONResponse.json(.object([
                    "version": .string(set.version), "rules": .number(Double(set.rules.count)),
                    "added": .array(changes.added.map(JSONValue.string)), "removed": .array(changes.removed.map(JSONValue.string)),
                    "changed": .array(changes.changed.map(JSONValue.string)), "warnings": .array(warnings.map { .string(Self.line($0)) }),
                ]), contentType: "application/json; charset=utf-8")
            case .refused(let load):
                return try JSONResponse.json(.object([
                    "error": .string("the rules do not compile; the running set stays"), "code": .string("rules_invalid"),
                    "version": .string(rules.ruleSet.version),
                    "diagnostics": .array(load.diagnostics.map { .string(Self.line($0)) }),
                ]), contentType: "application/json; charset=utf-8", status: .unprocessableContent)
            case .testsFailed(let failing):
                return try JSONResponse.json(.object([
                    "error": .string("the rules' own tests fail; the running set stays (reload with ?force=true to take them anyway)"),
                    "code": .string("rules_tests_failed"), "version": .string(rules.ruleSet.version),
                    "diagnostics": .array(failing.map { .string(ActiveRules.line($0)) }),
                ]), contentType: "application/json; charset=utf-8", status: .unprocessableContent)
            }
        }
    }

    private static func line(_ diagnostic: Diagnostic) -> String {
        let location = diagnostic.location
        return "\(location.file):\(location.line):\(location.column): \(diagnostic.severity.rawValue): \(diagnostic.message)"
    }
}
