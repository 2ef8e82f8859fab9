/// Why key material could not be created or read.
public enum KeyError: Error, Equatable, CustomStringConvertible {
    /// The text is not PEM at all (no `-----BEGIN` line).
    case notPEM
    /// The PEM could not be read as an RSA private key; the detail comes from the crypto library.
    case unreadablePrivateKey(String)
    /// The RSA key is smaller than 2048 bits.
    case tooSmall(bits: Int)
    /// The system could not generate a key.
    case generationFailed(String)

    /// A sentence an operator can act on.
    public var description: String {
        switch self {
        case .notPEM:
            return "the key is not PEM text (expected a '-----BEGIN PRIVATE KEY-----' block)"
        case .unreadablePrivateKey(let detail):
            return "the PEM block is not a readable RSA private key (PKCS#8 or PKCS#1): \(detail)"
        case .tooSmall(let bits):
            return "the RSA key has \(bits) bits; Palisade signs only with keys of 2048 bits or more"
        case .generationFailed(let detail):
            return "could not generate an RSA key: \(detail)"
        }
    }
}
