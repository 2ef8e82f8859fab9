import Crypto
import Foundation
import Moderation
import Testing

/// The domain-proof token: derived from the service secret, the tenant and the domain (one spelling per domain).
@Suite struct DomainProofTokenTests {
    @Test func theTokenIsStableAndFoundInTheWellKnownFileOrTheActor() throws {
        let secret = SymmetricKey(data: Data(repeating: 7, count: 32))
        let domain = InstanceDomain("m.example")!
        let token = DomainProof.token(secret: secret, tenant: "acme", domain: domain)
        #expect(token == DomainProof.token(secret: secret, tenant: "acme", domain: InstanceDomain("M.EXAMPLE:443")!))
        #expect(token != DomainProof.token(secret: secret, tenant: "acme", domain: InstanceDomain("m2.example")!))
        #expect(DomainProof.isShown(token, wellKnown: Data("\(token)\n".utf8), actor: nil))
        #expect(!DomainProof.isShown(token, wellKnown: Data(token.dropLast().utf8), actor: nil))
        #expect(!DomainProof.isShown(token, wellKnown: nil, actor: nil))
    }
}
