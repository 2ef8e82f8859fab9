import Foundation
import RawStructuredFieldValues

/// Verifies the HTTP signature on a message, in either dialect, under a `VerificationPolicy`.
public struct SignatureVerifier: Sendable {
    /// The rules applied.
    public var policy: VerificationPolicy

    /// A verifier applying `policy`.
    public init(policy: VerificationPolicy = .mastodon) {
        self.policy = policy
    }

    /// A signature found on a message, before its key is known.
    public enum Candidate: Sendable {
        /// A draft-cavage `Signature` or `Authorization: Signature` header.
        case cavage(CavageSignatureHeader)
        /// An RFC 9421 signature.
        case rfc9421(MessageSignatureInput)

        /// The key id to resolve.
        public var keyID: String {
            switch self {
            case .cavage(let header): return header.keyID
            case .rfc9421(let input): return input.keyID ?? ""
            }
        }
    }

    /// Finds the signature to check: RFC 9421 when `Signature-Input` is present, else the draft-cavage header.
    public func candidate(in message: HTTPMessage) throws(SignatureError) -> Candidate {
        if !message.values(of: "signature-input").isEmpty {
            let inputs = try MessageSignatureInput.all(in: message)
            guard let input = inputs.first(where: { $0.keyID != nil }) else {
                if inputs.isEmpty { throw SignatureError.missingSignature }
                throw SignatureError.missingParameter("keyid")
            }
            return .rfc9421(input)
        }
        let signatures = message.values(of: "signature")
        if signatures.count > 1 { throw SignatureError.malformedHeader(field: "Signature", detail: "the header appears \(signatures.count) times") }
        if let value = signatures.first { return .cavage(try CavageSignatureHeader.parse(value)) }
        if let authorization = message.values(of: "authorization").first, authorization.lowercased().hasPrefix("signature ") {
            return .cavage(try CavageSignatureHeader.parse(authorization, field: "Authorization"))
        }
        throw SignatureError.missingSignature
    }

    /// Resolves the key through `keys` and verifies; a resolver failure becomes `unknownKey`.
    public func verify(
        _ message: HTTPMessage, now: Date, keys: (String) async throws -> VerificationKey
    ) async throws(SignatureError) -> VerifiedSignature {
        let found = try candidate(in: message)
        let key: VerificationKey
        do {
            key = try await keys(found.keyID)
        } catch let error as SignatureError {
            throw error
        } catch {
            throw SignatureError.unknownKey(keyID: found.keyID, detail: String(describing: error))
        }
        return try verify(message, candidate: found, key: key, now: now)
    }

    /// Verifies `candidate` on `message` with `key` at `now`.
    public func verify(_ message: HTTPMessage, candidate: Candidate, key: VerificationKey, now: Date) throws(SignatureError) -> VerifiedSignature {
        try verify(message, prechecked: precheck(message, candidate: candidate, now: now), key: key)
    }

    /// What a signature says before its key is known: checked for coverage, digest, time window and a known algorithm.
    public struct Prechecked: Sendable {
        /// The signature.
        public let candidate: Candidate
        /// When it was made, from what it covers.
        public let created: Date?
        /// When it ends.
        public let expires: Date?
    }

    /// Everything that can be checked without the key — a known algorithm, coverage, the body's digest and the time
    /// window — so that a request failing any of them causes no key fetch.
    public func precheck(_ message: HTTPMessage, candidate: Candidate, now: Date) throws(SignatureError) -> Prechecked {
        switch candidate {
        case .cavage(let header): return try precheckCavage(message, header, candidate: candidate, now: now)
        case .rfc9421(let input): return try precheckRFC9421(message, input, candidate: candidate, now: now)
        }
    }

    /// Finishes a prechecked signature with its key: the algorithm against the key, then the cryptography.
    public func verify(_ message: HTTPMessage, prechecked: Prechecked, key: VerificationKey) throws(SignatureError) -> VerifiedSignature {
        switch prechecked.candidate {
        case .cavage(let header): return try verifyCavage(message, header, key: key, prechecked: prechecked)
        case .rfc9421(let input): return try verifyRFC9421(message, input, key: key, prechecked: prechecked)
        }
    }

    /// The longest key id looked up.
    public static let maximumKeyIDLength = 2048

    /// A key id to be fetched must be an absolute http(s) URL of reasonable length, without credentials.
    public static func checkFetchableKeyID(_ keyID: String) throws(SignatureError) {
        guard keyID.utf8.count <= maximumKeyIDLength else {
            throw SignatureError.malformedParameter(name: "keyId", detail: "longer than \(maximumKeyIDLength) bytes")
        }
        guard let components = URLComponents(string: keyID), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty, components.user == nil, components.password == nil
        else {
            throw SignatureError.malformedParameter(name: "keyId", detail: "'\(keyID.prefix(120))' is not an absolute http(s) URL")
        }
    }

    /// A digest header, when present, must match the body; a body without one is refused under the coverage rules.
    private func checkBodyDigest(
        _ message: HTTPMessage, field: String, check: (String, Data) throws(SignatureError) -> Void
    ) throws(SignatureError) {
        if let digest = message.combinedValue(of: field) {
            try check(digest, message.body)
        } else if !message.body.isEmpty && policy.enforceCoverage {
            throw SignatureError.missingDigest
        }
    }

    private func bodyExpected(_ message: HTTPMessage) -> Bool {
        !message.body.isEmpty || ["POST", "PUT", "PATCH"].contains { HTTPMessage.sameName($0, message.method) }
    }

    private func precheckCavage(_ message: HTTPMessage, _ header: CavageSignatureHeader, candidate: Candidate, now: Date) throws(SignatureError) -> Prechecked {
        if let name = header.algorithm?.lowercased(), !CavageSigningString.algorithmNames.contains(name) {
            throw SignatureError.unsupportedAlgorithm(header.algorithm ?? "")
        }
        let covered = header.headers
        if policy.enforceCoverage {
            for required in ["(request-target)", "host"] where !covered.contains(required) {
                throw SignatureError.requiredComponentNotCovered(required)
            }
            if !covered.contains("date") && !covered.contains("(created)") {
                throw SignatureError.requiredComponentNotCovered("date or (created)")
            }
            if bodyExpected(message) && !covered.contains("digest") {
                throw SignatureError.requiredComponentNotCovered("digest")
            }
        }
        try checkBodyDigest(message, field: "digest", check: BodyDigest.checkDigestHeader)
        // Only what the signature covers counts for freshness: a `created` or `expires` parameter outside `headers`
        // could be appended by anyone to an old signature (cavage-12 §2.3 binds them through `(created)`/`(expires)`).
        var created = covered.contains("(created)") ? header.created.map { Date(timeIntervalSince1970: TimeInterval($0)) } : nil
        if created == nil, covered.contains("date") {
            guard let date = message.combinedValue(of: "date") else { throw SignatureError.missingCoveredComponent("date") }
            guard let parsed = HTTPDate.parse(date) else { throw SignatureError.invalidDate(date) }
            created = parsed
        }
        var expires = covered.contains("(expires)") ? header.expires.map { Date(timeIntervalSince1970: TimeInterval($0)) } : nil
        if !covered.contains("(expires)"), let uncovered = header.expires.map({ Date(timeIntervalSince1970: TimeInterval($0)) }) {
            // An uncovered `expires` may only shorten the validity, never lengthen it.
            let ceiling = expires ?? created.map { $0.addingTimeInterval(policy.defaultLifetime) }
            expires = ceiling.map { min($0, uncovered) } ?? uncovered
        }
        try policy.checkWindow(created: created, expires: expires, now: now)
        return Prechecked(candidate: candidate, created: created, expires: expires)
    }

    private func verifyCavage(_ message: HTTPMessage, _ header: CavageSignatureHeader, key: VerificationKey, prechecked: Prechecked) throws(SignatureError) -> VerifiedSignature {
        let covered = header.headers
        let algorithm = try CavageSigningString.algorithm(named: header.algorithm, key: key)
        var matchedWithoutQuery = false
        var valid = try algorithm.isValid(header.signature, of: Data(CavageSigningString.bytes(for: message, header: header)), key: key)
        if !valid, message.query != nil, covered.contains("(request-target)") {
            let withoutQuery = try CavageSigningString.bytes(for: message, header: header, includeQuery: false)
            valid = try algorithm.isValid(header.signature, of: Data(withoutQuery), key: key)
            matchedWithoutQuery = valid
        }
        guard valid else { throw SignatureError.signatureDoesNotVerify(keyID: header.keyID) }
        return VerifiedSignature(
            dialect: .cavage, keyID: header.keyID, algorithm: algorithm, covered: covered,
            created: prechecked.created, expires: prechecked.expires, matchedWithoutQuery: matchedWithoutQuery)
    }

    private func precheckRFC9421(_ message: HTTPMessage, _ input: MessageSignatureInput, candidate: Candidate, now: Date) throws(SignatureError) -> Prechecked {
        if let named = input.algorithm, SignatureAlgorithm(rawValue: named) == nil { throw SignatureError.unsupportedAlgorithm(named) }
        var names: [String] = []
        for item in input.components {
            if case .string(let name) = item.rfc9651BareItem { names.append(name) }
        }
        if policy.enforceCoverage {
            if !names.contains("@method") { throw SignatureError.requiredComponentNotCovered("@method") }
            let targetCovered = names.contains("@target-uri")
                || (names.contains("@authority") && (names.contains("@path") || names.contains("@request-target")))
            if !targetCovered { throw SignatureError.requiredComponentNotCovered("@target-uri") }
            if input.created == nil { throw SignatureError.missingParameter("created") }
            if bodyExpected(message) && !names.contains("content-digest") {
                throw SignatureError.requiredComponentNotCovered("content-digest")
            }
        }
        try checkBodyDigest(message, field: "content-digest", check: BodyDigest.checkContentDigest)
        let created = input.created.map { Date(timeIntervalSince1970: TimeInterval($0)) }
        let expires = input.expires.map { Date(timeIntervalSince1970: TimeInterval($0)) }
        try policy.checkWindow(created: created, expires: expires, now: now)
        return Prechecked(candidate: candidate, created: created, expires: expires)
    }

    private func verifyRFC9421(_ message: HTTPMessage, _ input: MessageSignatureInput, key: VerificationKey, prechecked: Prechecked) throws(SignatureError) -> VerifiedSignature {
        let algorithm: SignatureAlgorithm
        if let named = input.algorithm {
            guard let known = SignatureAlgorithm(rawValue: named) else { throw SignatureError.unsupportedAlgorithm(named) }
            algorithm = known
        } else {
            algorithm = .implied(by: key)
        }
        let base = try SignatureBase.build(for: message, input: input)
        guard try algorithm.isValid(input.signature, of: Data(base.utf8), key: key) else {
            throw SignatureError.signatureDoesNotVerify(keyID: input.keyID ?? "")
        }
        return VerifiedSignature(
            dialect: .rfc9421(label: input.label), keyID: input.keyID ?? "", algorithm: algorithm,
            covered: input.componentNames, created: prechecked.created, expires: prechecked.expires, matchedWithoutQuery: false)
    }
}
