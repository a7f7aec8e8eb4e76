import Crypto

/// HMAC-SHA256 (RFC 2104 over SHA-256, the construction of RFC 4231's test vectors), from
/// swift-crypto, the package's SHA-256 already. The erasure log stores customer ids only as
/// this keyed hash: whoever holds the key and a candidate id can test whether it was erased,
/// and nobody can list the ids back from the hashes. Pseudonyms are the same hash under the
/// pseudonym key kept outside the warehouse (docs/PRIVACY.md).
public struct KeyedHash {
    private let key: SymmetricKey

    /// A keyed hash under `key` (any length; the erasure key is 32 bytes).
    public init(key: [UInt8]) {
        self.key = SymmetricKey(data: key)
    }

    /// The HMAC-SHA256 of `message`.
    public func mac(_ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
    }

    /// The lower-case hex HMAC-SHA256 of a text's UTF-8 bytes, as the erasure log stores it.
    public func hex(_ text: String) -> String {
        Self.hex(mac(Array(text.utf8)))
    }

    /// The lower-case hex HMAC-SHA256 of bytes.
    public func hex(_ message: [UInt8]) -> String {
        Self.hex(mac(message))
    }

    /// Lower-case hex of bytes.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
