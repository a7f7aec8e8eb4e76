import Foundation

/// The secret that turns customer ids into pseudonyms: the bytes of a key file kept outside the
/// warehouse. A pseudonym is the hex HMAC-SHA256 of the source id under it; the warehouse stores
/// only `fingerprint`, so a later import or reveal with another key is refused.
public struct PseudonymKey: Sendable {
    /// The shortest key accepted: 32 bytes, SHA-256's output size (RFC 2104 section 3).
    public static let minimumBytes = 32
    /// The environment variable that names the key file when `--key-file` is not given.
    public static let environmentVariable = "LIFECYCLE_KEY_FILE"
    private static let fingerprintLabel = Array("lifecycle pseudonym key fingerprint".utf8)
    /// Prefix of an event's content-hash id (`CSVEventDecoder`); keyed in a pseudonymised warehouse.
    static let contentHashPrefix = "h:"
    /// Prefix of a keyed content-hash event id.
    static let keyedHashPrefix = "k:"

    let bytes: [UInt8]

    /// A key from its bytes; refuses fewer than `minimumBytes`.
    public init(bytes: [UInt8], source: String = "the key") throws {
        guard bytes.count >= Self.minimumBytes else {
            throw PrivacyError("\(source) has \(bytes.count) bytes; a pseudonym key needs at least \(Self.minimumBytes) "
                               + "(make one with: head -c 32 /dev/urandom > lifecycle.key)")
        }
        self.bytes = bytes
    }

    /// The key held in a file: every byte of it, a final newline included.
    public init(file path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PrivacyError("cannot read the key file \(path)")
        }
        try self.init(bytes: Array(data), source: "the key file \(path)")
    }

    /// The key named by `path`, else by `LIFECYCLE_KEY_FILE`; nil when neither is set.
    public static func given(_ path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PseudonymKey? {
        guard let path = path ?? environment[environmentVariable], !path.isEmpty else { return nil }
        return try PseudonymKey(file: path)
    }

    /// What the warehouse stores to recognise the key: a MAC of a fixed label, which tells nothing about the key.
    public var fingerprint: String {
        KeyedHash(key: bytes).hex(Self.fingerprintLabel)
    }

    /// The pseudonym of a source customer id: 64 hex digits.
    public func pseudonym(of sourceID: String) -> String {
        KeyedHash(key: bytes).hex(sourceID)
    }

    /// An event's stored id: a content hash (`h:…`, made from the record and so from the customer
    /// id in it) becomes `k:` and its keyed hash, so it cannot be recomputed from a guessed id
    /// without the key; a source's own event id is kept.
    func eventID(_ externalID: String) -> String {
        guard externalID.hasPrefix(Self.contentHashPrefix) else { return externalID }
        return Self.keyedHashPrefix + KeyedHash(key: bytes).hex(externalID)
    }
}

/// A refusal of a privacy command or setting, with what to do.
public struct PrivacyError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
