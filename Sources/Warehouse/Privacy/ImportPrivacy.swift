import Foundation
import SQLiteStore

/// What the privacy settings and an import's options make of one import: the pseudonym key
/// (checked against the warehouse's), the event property keys kept, and the rejects' retention.
struct ImportPrivacy {
    /// Set in a pseudonymised warehouse.
    let pseudonyms: PseudonymKey?
    /// The option, else the warehouse setting; only events imports use it.
    let properties: PropertyFilter?
    /// Days rejected rows keep their raw text, for the purge that ends the import.
    let keepRejectsDays: Int

    /// Rejected rows keep their raw text, except in a pseudonymised warehouse.
    var keepsRejectedText: Bool { pseudonyms == nil }

    /// Reads the settings; refuses an import into a pseudonymised warehouse without its key (or
    /// with another), and a key for a warehouse that stores ids as written.
    static func resolve(_ db: Connection, options: ImportOptions, file: String) throws -> ImportPrivacy {
        let settings = try PrivacySettings.read(db)
        let key: PseudonymKey?
        do {
            key = try settings.requireKey(options.pseudonymKey, for: "an import")
        } catch let refusal as PrivacyError {
            throw ImportError(file: file, line: nil, reason: refusal.description)
        }
        let properties = options.kind == .events ? (options.keepProperties ?? settings.keepProperties) : nil
        return ImportPrivacy(pseudonyms: key, properties: properties, keepRejectsDays: options.keepRejectsDays ?? settings.keepRejectsDays)
    }
}
