import Crypto
import Foundation

/// Secrets the store keeps but must be able to read back (webhook secrets, Mastodon admin-API tokens, private keys),
/// sealed with ChaCha20-Poly1305 under a key derived from the service secret, which lives outside the database. A
/// sealed value reads `sealed:v1:` + base64(nonce ‖ ciphertext ‖ tag); a value without the prefix is plaintext written
/// before sealing existed (`SQLiteStore.sealPlaintextSecrets` rewrites those).
struct SecretBox: Sendable {
    static let prefix = "sealed:v1:"
    let key: SymmetricKey

    /// A box keyed from `secret`.
    init(_ secret: ServiceSecret) {
        key = secret.key(for: "secrets-at-rest")
    }

    /// The sealed form of `plaintext`.
    func seal(_ plaintext: String) throws(StoreError) -> String {
        do {
            return Self.prefix + (try ChaChaPoly.seal(Data(plaintext.utf8), using: key).combined.base64EncodedString())
        } catch {
            throw StoreError.secret(detail: "could not seal a secret: \(error)")
        }
    }

    /// The plaintext of `stored` (sealed or, from before sealing, plain).
    func open(_ stored: String) throws(StoreError) -> String {
        guard stored.hasPrefix(Self.prefix) else { return stored }
        guard let combined = Data(base64Encoded: String(stored.dropFirst(Self.prefix.count))),
            let box = try? ChaChaPoly.SealedBox(combined: combined), let plain = try? ChaChaPoly.open(box, using: key)
        else { throw StoreError.secret(detail: "a sealed secret does not open with data_dir/palisade.key: is it the key this database was sealed with?") }
        return String(decoding: plain, as: UTF8.self)
    }

    /// Whether `stored` is sealed.
    static func isSealed(_ stored: String) -> Bool { stored.hasPrefix(prefix) }
}

extension Optional where Wrapped == SecretBox {
    /// Seals with the box, or keeps plaintext when the store has no service secret (a database opened alone).
    func seal(_ plaintext: String?) throws(StoreError) -> String? {
        guard let plaintext else { return nil }
        guard let box = self else { return plaintext }
        return try box.seal(plaintext)
    }

    /// Opens a stored value; a sealed one without a box is an error naming the missing key.
    func open(_ stored: String?) throws(StoreError) -> String? {
        guard let stored else { return nil }
        if let box = self { return try box.open(stored) }
        guard !SecretBox.isSealed(stored) else {
            throw StoreError.secret(detail: "this secret is sealed, and no palisade.key is beside the database to open it")
        }
        return stored
    }
}
