/// A stable 64-bit FNV-1a hash: the same bytes give the same key in every process and version
/// (Swift's `Hasher` is seeded per process, so it cannot key stored rows).
struct StableHash {
    private(set) var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            state ^= UInt64(byte)
            state &*= 0x0000_0100_0000_01B3
        }
        // A separator so ("ab","c") and ("a","bc") differ.
        state ^= 0xFF
        state &*= 0x0000_0100_0000_01B3
    }

    mutating func add(_ text: String?) {
        if let text { add(text.utf8) } else { add([0xFE]) }
    }

    mutating func add(_ value: Int64?) {
        if let value {
            withUnsafeBytes(of: value.littleEndian) { add($0) }
        } else {
            add([0xFE])
        }
    }

    /// The hash as a signed integer, as SQLite stores it.
    var value: Int64 { Int64(bitPattern: state) }
}
