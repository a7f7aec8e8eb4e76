import Foundation
import SQLiteStore

/// What `lifecycle privacy pseudonymise` changed.
public struct PseudonymisationSummary: Sendable, Equatable {
    /// `users.external_id` values replaced by their pseudonyms.
    public let users: Int
    /// Events whose content-hash id (made from the record, customer id included) was keyed.
    public let events: Int
    /// CDNOW orders, whose id begins with the customer id (`CDNOWDecoder.orderRef`), and the
    /// rejects whose reason quotes such an id.
    public let cdnowOrders: Int
    /// Rejected rows whose raw text was blanked (it holds source ids that cannot be found reliably in a broken row).
    public let rejectsBlanked: Int
    /// Imports whose file name was dropped from the ledger (a file may be named after a customer; `ImportFileName`).
    public let fileNamesDropped: Int
}

extension Warehouse {
    /// Makes the warehouse store customer ids as pseudonyms under `key` (docs/PRIVACY.md), in one
    /// transaction: every stored customer id (`users.external_id`) becomes its HMAC-SHA256 under
    /// the key, events' content-hash ids are keyed, rejected rows' raw text and the imports' file
    /// names are dropped, and the key's fingerprint is stored. `users.id` stays, so everything
    /// kept by it (features, scores, RFM's tie order) is unchanged. From
    /// then on every import needs the key. Refuses a warehouse that is already pseudonymised.
    public func pseudonymise(key: PseudonymKey, now: Int64 = Int64(Date().timeIntervalSince1970)) throws -> PseudonymisationSummary {
        try db.transaction(.immediate) {
            let settings = try PrivacySettings.read(db)
            if settings.isPseudonymised {
                let same = settings.keyFingerprint == key.fingerprint ? "with this key" : "with another key"
                throw PrivacyError("this warehouse is already pseudonymised (\(same)); ids cannot be pseudonymised twice")
            }
            let users = try rewrite(table: "users", where: "1", with: key.pseudonym(of:))
            let events = try rewrite(table: "events", where: "external_id LIKE '\(PseudonymKey.contentHashPrefix)%'", with: key.eventID)
            let cdnow = try rewrite(table: "orders", where: "import_id IN (SELECT id FROM imports WHERE format = 'cdnow')") {
                CDNOWDecoder.orderRef($0, customer: key.pseudonym(of:))
            }
            try rewriteQuotedOrderRefs(key)
            try db.run("UPDATE import_rejects SET raw = '', raw_purged_at = ? WHERE raw_purged_at IS NULL", now)
            let blanked = db.changes
            let names = try dropFileNames()
            try db.run("UPDATE privacy_settings SET pseudonym_key_fingerprint = ?, pseudonymised_at = ? WHERE id = 1", key.fingerprint, now)
            return PseudonymisationSummary(users: users, events: events, cdnowOrders: cdnow, rejectsBlanked: blanked,
                                           fileNamesDropped: names)
        }
    }

    /// The ledger keeps no file names in a pseudonymised warehouse (`ImportFileName`): each becomes
    /// the marker, in the import's stored error too. Returns how many.
    private func dropFileNames() throws -> Int {
        try db.run("""
            UPDATE imports SET error = replace(error, file_name, ?1), file_name = ?1
            WHERE file_name NOT IN ('-', ?1, ?2)
            """, ImportFileName.notKept, QuotedIDRedaction.redacted)
        return db.changes
    }

    /// Reasons of CDNOW rejects that quote an order id (`order '17850:19970101:1' is stored in …`,
    /// OrderWriter's refusals) quote it with the customer's pseudonym.
    private func rewriteQuotedOrderRefs(_ key: PseudonymKey) throws {
        let prefix = "order '"
        let rows = try db.query("""
            SELECT id, reason FROM import_rejects
            WHERE import_id IN (SELECT id FROM imports WHERE format = 'cdnow') AND substr(reason, 1, 7) = ?
            """, prefix)
        for row in rows {
            guard let id = row[0].int64, let reason = row[1].string else { continue }
            let quoted = String(reason.dropFirst(prefix.count))
            try db.run("UPDATE import_rejects SET reason = ? WHERE id = ?",
                       prefix + CDNOWDecoder.orderRef(quoted, customer: key.pseudonym(of:)), id)
        }
    }

    /// Replaces `external_id` of the rows `filter` selects by `transform` of it; returns how many.
    private func rewrite(table: String, where filter: String, with transform: (String) -> String) throws -> Int {
        let rows = try db.query("SELECT id, external_id FROM \(table) WHERE \(filter)")
        let update = try db.prepare("UPDATE \(table) SET external_id = ? WHERE id = ?")
        for row in rows {
            guard let id = row[0].int64, let value = row[1].string else { continue }
            try update.run([transform(value), id])
        }
        return rows.count
    }

    /// The source ids among `candidates` whose pseudonym is `pseudonym`: the only way back from a
    /// pseudonym, since the keyed hash cannot be reversed. Refuses a key that is not the warehouse's.
    public func reveal(pseudonym: String, key: PseudonymKey, candidates: some Sequence<String>) throws -> [String] {
        _ = try PrivacySettings.read(db).requireKey(key, for: "reveal")
        let wanted = pseudonym.lowercased()
        return candidates.filter { candidate in FieldParse.customerRef(candidate).map { key.pseudonym(of: $0) == wanted } ?? false }
    }
}

extension Warehouse {
    /// A customer id given on the command line as the warehouse stores it: unchanged when stored
    /// so (a source id, or a pseudonym), else, in a pseudonymised warehouse with its key given,
    /// the pseudonym of that source id. A key that is not the warehouse's is refused.
    public func storedCustomerID(_ given: String, key: PseudonymKey?) throws -> String {
        if try db.scalar("SELECT 1 FROM users WHERE external_id = ?", given).int64 != nil { return given }
        let settings = try PrivacySettings.read(db)
        guard settings.isPseudonymised, let key = try settings.requireKey(key, for: "a source customer id") else { return given }
        return key.pseudonym(of: FieldParse.customerRef(given) ?? given)
    }
}
