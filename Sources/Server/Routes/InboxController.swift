import ActivityStreams
import Federation
import Foundation
import HTTPSignatures
import Hummingbird
import Logging

/// `POST /inbox`: verify, store durably, answer `202`. Processing happens later, from the store.
struct InboxController {
    let gate: InboxGate
    let keys: RemoteKeyDirectory
    let store: any InboxStore
    let received: any ReceivedActivityStore
    let accounts: HostedAccounts
    let scheme: String
    let now: @Sendable () -> Date

    /// Media types fediverse servers post activities with.
    static let acceptedMediaTypes = ["application/activity+json", "application/ld+json", "application/json"]

    func addRoutes(to router: Router<PalisadeRequestContext>) {
        router.post("/inbox", use: receive)
        router.post("/users/:name/inbox") { request, context in
            let name = context.parameters.get("name") ?? ""
            guard try await accounts.isActive(name: name) else {
                throw APIError.notFound("no account named \(name.prefix(60))")
            }
            return try await receive(request, context: context)
        }
    }

    @Sendable func receive(_ request: Request, context: PalisadeRequestContext) async throws -> Response {
        let mediaType = (request.headers[.contentType] ?? "").split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        guard Self.acceptedMediaTypes.contains(mediaType) else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "post activities as application/activity+json")
        }
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let message = HTTPMessage(request: request, body: body, scheme: scheme)
        let accepted: InboxGate.Accepted
        do {
            accepted = try await check(message)
        } catch .nothingHeldOfActor(let type, let actor) {
            context.logger.info("inbox acknowledged without storing", metadata: [
                "type": .string(type), "actor": .string(actor), "reason": "nothing of the actor is held",
            ])
            return Response(status: .accepted)
        } catch {
            context.logger.notice("inbox refused", metadata: ["reason": .string(error.description)])
            throw Self.apiError(error)
        }
        let outcome = try await store.store(accepted.entry)
        context.logger.info(
            "inbox accepted",
            metadata: [
                "activity": .string(accepted.entry.activityID), "type": .string(accepted.entry.type),
                "actor": .string(accepted.entry.actorID), "outcome": .string(outcome == .stored ? "stored" : "duplicate"),
            ])
        return Response(status: .accepted)
    }

    /// Checks the request; a signature that fails with a cached key is checked once more with the key fetched anew
    /// (the sender may have rotated its key).
    private func check(_ message: HTTPMessage) async throws(InboxRefusal) -> InboxGate.Accepted {
        let resolve: (String) async throws -> ResolvedKey = { keyID in try await keys.resolve(keyID) }
        let holds: (String) async throws -> Bool = { actor in
            if await keys.isCached(actor: actor) { return true }
            return try await received.holdsAnything(of: actor)
        }
        do {
            return try await gate.check(message, now: now(), keys: resolve, holdsActor: holds)
        } catch .signature(.signatureDoesNotVerify(let keyID)) {
            // At most one refetch per key id per interval: junk signatures cannot make every request a fetch.
            guard await keys.forgetForRefetch(keyID) else { throw InboxRefusal.signature(.signatureDoesNotVerify(keyID: keyID)) }
            return try await gate.check(message, now: now(), keys: resolve, holdsActor: holds)
        }
    }

    static func apiError(_ refusal: InboxRefusal) -> APIError {
        if case .malformedDocument(let error) = refusal, case .tooLarge = error {
            return APIError(.contentTooLarge, code: "body_too_large", message: refusal.description)
        }
        switch refusal {
        case .signature(.unknownKey):
            // What the fetch met (addresses, an internal server's answer) is for the log only.
            return APIError(.unauthorized, code: "unauthenticated", message: "the signing key could not be fetched")
        case .notOurHost:
            return APIError(.misdirectedRequest, code: "misdirected", message: refusal.description)
        case .malformedDocument, .notAnActivity:
            return APIError(.badRequest, code: "malformed", message: refusal.description)
        case .signature, .keyNotOwnedByActor:
            return APIError(.unauthorized, code: "unauthenticated", message: refusal.description)
        case .foreignOrigin:
            return APIError(.forbidden, code: "forbidden", message: refusal.description)
        case .nothingHeldOfActor:
            // Answered 202 by `receive`; mapped here only for completeness.
            return APIError(.accepted, code: "nothing_to_apply", message: refusal.description)
        }
    }
}
