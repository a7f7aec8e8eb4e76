import Crypto

/// HMAC-SHA256 (RFC 2104 over SHA-256, checked against the RFC 4231 test vectors), the keyed
/// hash behind pseudonyms. It is swift-crypto's `HMAC<SHA256>`, the package the warehouse
/// already hashes with, so there is no hand-made copy of the construction to get wrong.
public enum HMACSHA256 {
    /// The 32-byte MAC of `message` under `key` (any length; a key longer than 64 bytes is hashed first).
    public static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// `mac` as 64 lower-case hex digits.
    public static func hex(key: [UInt8], message: [UInt8]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in mac(key: key, message: message) {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
