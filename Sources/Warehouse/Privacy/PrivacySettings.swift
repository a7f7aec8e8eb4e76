import Foundation
import SQLiteStore

/// The warehouse's privacy settings (`privacy_settings`, migration 0015; docs/PRIVACY.md).
public struct PrivacySettings: Sendable, Equatable {
    /// Fingerprint of the pseudonym key; nil while customer ids are stored as the source wrote them.
    public var keyFingerprint: String?
    /// When the warehouse was pseudonymised (Unix seconds UTC).
    public var pseudonymisedAt: Int64?
    /// The event property keys imports keep; nil keeps every key.
    public var keepProperties: PropertyFilter?
    /// Days a rejected row keeps its raw text (counted from its import's start).
    public var keepRejectsDays: Int

    /// The rejects' raw-text retention when nothing was set.
    public static let defaultKeepRejectsDays = 30

    public var isPseudonymised: Bool { keyFingerprint != nil }

    static func read(_ db: Connection) throws -> PrivacySettings {
        guard let row = try db.query("""
            SELECT pseudonym_key_fingerprint, pseudonymised_at, keep_properties, keep_rejects_days FROM privacy_settings WHERE id = 1
            """).first else {
            return PrivacySettings(keyFingerprint: nil, pseudonymisedAt: nil, keepProperties: nil, keepRejectsDays: defaultKeepRejectsDays)
        }
        let names = row[2].string.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String] }
        return PrivacySettings(keyFingerprint: row[0].string, pseudonymisedAt: row[1].int64,
                               keepProperties: names.map { PropertyFilter(keep: $0) },
                               keepRejectsDays: Int(row[3].int64 ?? Int64(defaultKeepRejectsDays)))
    }

    /// Checks that `key` is the warehouse's pseudonym key: nil when the warehouse stores ids as
    /// written (then no key may be given), the key otherwise; refuses a missing or different key.
    func requireKey(_ key: PseudonymKey?, for purpose: String) throws -> PseudonymKey? {
        guard isPseudonymised else {
            if key != nil {
                throw PrivacyError("a pseudonym key was given (--key-file or \(PseudonymKey.environmentVariable)), but this warehouse stores customer ids as the source wrote them; "
                                   + "to store pseudonyms, run: lifecycle privacy pseudonymise --key-file FILE")
            }
            return nil
        }
        guard let key else {
            throw PrivacyError("this warehouse stores customer ids as pseudonyms, so \(purpose) needs its key: "
                               + "give --key-file FILE or set \(PseudonymKey.environmentVariable)")
        }
        guard key.fingerprint == keyFingerprint else {
            throw PrivacyError("the key given is not the one this warehouse's pseudonyms were made with (its fingerprint differs); "
                               + "nothing was changed")
        }
        return key
    }
}

extension Warehouse {
    /// The privacy settings as stored.
    public func privacySettings() throws -> PrivacySettings {
        try PrivacySettings.read(db)
    }

    /// Sets the event property keys imports keep (nil: keep every key). Applies to later imports only.
    public func setKeepProperties(_ filter: PropertyFilter?) throws {
        let json = try filter.map { String(decoding: try JSONSerialization.data(withJSONObject: $0.names), as: UTF8.self) }
        try db.run("UPDATE privacy_settings SET keep_properties = ? WHERE id = 1", json)
    }

    /// Sets how many days rejected rows keep their raw text.
    public func setKeepRejectsDays(_ days: Int) throws {
        guard days >= 0 else { throw PrivacyError("keep-rejects-days must be 0 or more (got \(days))") }
        try db.run("UPDATE privacy_settings SET keep_rejects_days = ? WHERE id = 1", days)
    }
}
