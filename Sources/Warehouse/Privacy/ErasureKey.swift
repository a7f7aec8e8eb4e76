import Foundation
import SQLiteStore

/// The warehouse's own erasure key (`privacy_keys`, migration 0014): 32 random bytes made once,
/// by the first erasure, under which the erasure log hashes customer ids.
enum ErasureKey {
    static let length = 32

    /// The stored key, nil when nothing was ever erased.
    static func stored(_ db: Connection) throws -> [UInt8]? {
        try db.scalar("SELECT key FROM privacy_keys WHERE purpose = 'erasure'").bytes
    }

    /// The stored key, or a new one from the system's random source, stored inside the caller's
    /// transaction (so a rolled-back dry run leaves none).
    static func storedOrCreated(_ db: Connection) throws -> [UInt8] {
        if let key = try stored(db) { return key }
        var generator = SystemRandomNumberGenerator()
        let key = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        try db.run("INSERT INTO privacy_keys (purpose, key, created_at) VALUES ('erasure', ?, ?)",
                   SQLValue.blob(key), Int64(Date().timeIntervalSince1970))
        return key
    }
}

/// The customers an import must skip: the keyed hashes of the erasure log, read once per import.
/// With no erasures (the usual case) `contains` is a test of an empty set and hashes nothing.
struct ErasedCustomers {
    private let hashes: Set<String>
    private let hash: KeyedHash?
    /// The last customer asked about and the answer: an invoice's lines name one customer.
    private var last: (id: String, erased: Bool)?

    /// The pseudonym key of a pseudonymised warehouse: the log hashes ids as stored, so a source
    /// id is mapped to its pseudonym before it is hashed.
    private let pseudonyms: PseudonymKey?

    init(_ db: Connection, pseudonyms: PseudonymKey? = nil) throws {
        let hashes = Set(try db.query("SELECT customer_hash FROM erasures").compactMap { $0[0].string })
        self.hashes = hashes
        self.pseudonyms = pseudonyms
        hash = hashes.isEmpty ? nil : try ErasureKey.stored(db).map(KeyedHash.init(key:))
    }

    /// Whether the customer with this source id (stored as is, or as its pseudonym) was erased.
    mutating func contains(_ externalID: String?) -> Bool {
        guard let hash, let externalID else { return false }
        if let last, last.id == externalID { return last.erased }
        let stored = pseudonyms?.pseudonym(of: externalID) ?? externalID
        let erased = hashes.contains(hash.hex(stored))
        last = (externalID, erased)
        return erased
    }

    /// Whether a JSON text (an event's properties) holds an erased customer's id, exactly as
    /// stored or as the source wrote it, as a whole value or key at any depth.
    mutating func mentioned(inJSON text: String) -> Bool {
        guard hash != nil, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
            return false
        }
        return mentions(object)
    }

    private mutating func mentions(_ value: Any) -> Bool {
        switch value {
        case let object as [String: Any]:
            for (key, inner) in object where contains(key) || mentions(inner) { return true }
            return false
        case let array as [Any]:
            for inner in array where mentions(inner) { return true }
            return false
        case let text as String:
            return contains(text)
        case let number as NSNumber:
            return contains(number.stringValue)
        default:
            return false
        }
    }

    /// The erased customer id a rejected record holds as one of its fields (``QuotedFields``),
    /// so the ledger does not keep its raw text.
    mutating func quoted(in raw: String) -> String? {
        guard hash != nil else { return nil }
        return QuotedFields.of(raw).lazy.map(String.init).first { contains($0) }
    }
}
