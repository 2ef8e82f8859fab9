/// Base58 (Bitcoin alphabet) decoding for multibase `z…` keys. Written by hand: no listed package decodes base58.
enum Base58 {
    private static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    private static let values: [UInt8: Int] = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, $0) })

    /// The bytes of `text`, nil when it holds a character outside the alphabet or is too long to be a key.
    static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count <= 256 else { return nil }
        var bytes: [UInt8] = []  // little-endian big number
        for character in input {
            guard var carry = values[character] else { return nil }
            for index in bytes.indices {
                carry += Int(bytes[index]) * 58
                bytes[index] = UInt8(carry & 0xFF)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xFF))
                carry >>= 8
            }
        }
        let leadingZeros = input.prefix { $0 == alphabet[0] }.count
        return Array(repeating: 0, count: leadingZeros) + bytes.reversed()
    }
}
