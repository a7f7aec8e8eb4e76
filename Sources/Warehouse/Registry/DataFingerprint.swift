import Crypto

/// Builds the SHA-256 fingerprint of a training set, value by value, for
/// ``ModelSnapshotDraft/dataFingerprint``. Numbers are hashed as their exact bytes (float64 and
/// int64 little-endian), text as its length then UTF-8 bytes, so the same data in the same order
/// always gives the same fingerprint and no two different sequences collide by concatenation.
public struct DataFingerprint {
    private var hasher = SHA256()

    /// An empty fingerprint.
    public init() {}

    /// Adds a double (its bit pattern, so -0.0 and 0.0 differ).
    public mutating func add(_ value: Double) {
        add(bits: value.bitPattern)
    }

    /// Adds several doubles, e.g. one feature row.
    public mutating func add(_ values: [Double]) {
        for value in values { add(value) }
    }

    /// Adds an integer.
    public mutating func add(_ value: Int64) {
        add(bits: UInt64(bitPattern: value))
    }

    /// Adds a string, prefixed by its UTF-8 length.
    public mutating func add(_ text: String) {
        let bytes = Array(text.utf8)
        add(bits: UInt64(bytes.count))
        hasher.update(data: bytes)
    }

    /// The lower-case hex SHA-256 of everything added so far.
    public func hex() -> String {
        hasher.finalize().map { byte in byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined()
    }

    private mutating func add(bits: UInt64) {
        var little = bits.littleEndian
        withUnsafeBytes(of: &little) { hasher.update(bufferPointer: $0) }
    }
}
