import Foundation
import Testing

extension CitusCLITests {
    /// `lifecycle privacy status` on the server counts what the file counts: every column both
    /// engines have holds the same rows, the settings are the same, and the server adds the
    /// natural-key lookups that hold the same ids (one key per user, per hashed event).
    @Test func privacyStatusOnCitusCountsWhatTheFileCountsAndTheServersKeyLookups() throws {
        let (work, file, url) = try shopOnBothEngines("lc_privacy_status", users: 80, seed: 5)
        for db in [file, url] {
            #expect(try Binary.run(["privacy", "keep-rejects-days", "9", "--db", db], directory: work.url).status == 0)
        }
        func status(_ db: String) throws -> (rows: [String: Int], settings: [String: String]) {
            let result = try Binary.run(["privacy", "status", "--format", "json", "--db", db], directory: work.url)
            #expect(result.status == 0, "\(result.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            var rows: [String: Int] = [:]
            for row in try #require(object["rows"] as? [[String: Any]]) {
                rows["\(row["table"] ?? "").\(row["column"] ?? "") \(row["holds"] ?? "")"] = row["rows"] as? Int
            }
            var settings: [String: String] = [:]
            for row in try #require(object["settings"] as? [[String: Any]]) { settings[row["name"] as? String ?? ""] = "\(row["value"] ?? "null")" }
            return (rows, settings)
        }
        let (onFile, onCitus) = (try status(file), try status(url))
        #expect(onCitus.settings == onFile.settings && onFile.settings["keep_rejects_days"] == "9", "\(onCitus.settings) \(onFile.settings)")
        let common = Set(onFile.rows.keys).intersection(onCitus.rows.keys)
        #expect(common.count >= 10, "\(common.sorted())")
        // The server keeps no customer totals yet (each question computes them), so that table is empty there.
        let totals = "customer_totals.user_id a customer's rows (users.id)"
        #expect(onCitus.rows[totals] == 0 && (onFile.rows[totals] ?? 0) > 0)
        for key in common where key != totals {
            #expect(onCitus.rows[key] == onFile.rows[key], "\(key): \(onCitus.rows[key] ?? -1) on Citus, \(onFile.rows[key] ?? -1) on the file")
        }
        // Every column the file counts, the server counts too.
        #expect(Set(onFile.rows.keys).subtracting(common).isEmpty, "\(Set(onFile.rows.keys).subtracting(common).sorted())")
        let users = try #require(onFile.rows["users.external_id customer id as written"])
        #expect(users > 50)
        #expect(onCitus.rows["user_keys.external_id customer id as written (the lookup that keeps ids unique)"] == users)
        #expect(onCitus.rows["user_keys.user_id a customer's rows (users.id)"] == users)
        #expect(onCitus.rows["event_keys.external_id hash of the record, customer id included (h:) (lookup)"]
                == onFile.rows["events.external_id hash of the record, customer id included (h:)"])
        #expect(onCitus.rows["order_keys.external_id CDNOW order id: customer:date:position (id as written) (lookup)"] == 0)
    }
}
