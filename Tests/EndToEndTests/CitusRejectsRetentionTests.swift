import Foundation
import PostgresStore
import SQLiteStore
import Testing

extension CitusCLITests {
    /// Rejected rows keep their raw text for the warehouse's retention on the server as on the
    /// file (docs/PRIVACY.md): `rejects purge` (the setting, then `--older-than-days 0`), the
    /// purge that ends an import under `privacy keep-rejects-days 0`, and an import's own
    /// `--keep-rejects-days`, each printing the same and leaving the same rows on both engines.
    @Test func rejectedRowsLoseTheirRawTextOnCitusAsOnTheFile() throws {
        let work = try WorkDirectory()
        #expect(try Binary.run(["generate", "--users", "60", "--seed", "12", "--out", "shop"], directory: work.url).status == 0)
        let events = try String(contentsOfFile: work.path("shop/events.csv"), encoding: .utf8)
        let lines = events.split(separator: "\n", omittingEmptySubsequences: false)
        let header = String(lines[0]), body = lines.dropFirst().filter { !$0.isEmpty }
        let columns = header.filter { $0 == "," }.count
        // Three files of events, each with rows the importer must reject (one field short).
        for (index, part) in [body.prefix(200), body.dropFirst(200).prefix(200), body.dropFirst(400).prefix(200)].enumerated() {
            let bad = (0...index).map { "bad-\($0)" + String(repeating: ",", count: columns - 1) }
            try ([header] + part.map(String.init) + bad).joined(separator: "\n").appending("\n")
                .write(toFile: work.path("events\(index).csv"), atomically: true, encoding: .utf8)
        }
        let url = try cluster.createDatabase("lc_rejects_retention", citus: true)
        let file = work.path("shop.db")
        func both(_ arguments: [String]) throws -> [Binary.Result] {
            try [file, url].map { try Binary.run(arguments + ["--db", $0], directory: work.url) }
        }
        let sqlite = { try Connection(path: file, mode: .readOnly) }
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        let state = "SELECT import_id, line, reason, raw = '' AS blanked, raw_purged_at IS NOT NULL AS purged FROM import_rejects ORDER BY import_id, line"
        func rows() throws -> (file: [String], citus: [String]) {
            (try sqlite().query(state).map { "\($0[0].int64 ?? 0) \($0[1].int64 ?? 0) \($0[2].string ?? "") \($0[3].int64 == 1) \($0[4].int64 == 1)" },
             try db.query(state).map { "\($0[0].int64 ?? 0) \($0[1].int64 ?? 0) \($0[2].string ?? "") \($0[3].bool == true) \($0[4].bool == true)" })
        }
        func expectImported(_ results: [Binary.Result], _ step: String) {
            #expect(results.allSatisfy { $0.status == 0 }, "\(step): \(results.map(\.stderr))")
        }
        func expectSame(_ results: [Binary.Result], _ step: String) {
            #expect(results.allSatisfy { $0.status == 0 }, "\(step): \(results.map(\.stderr))")
            #expect(results[1].stdout == results[0].stdout, "\(step): \(results.map(\.stdout))")
        }

        expectImported(try both(["import", "users", "shop/users.csv"]), "import users")
        expectImported(try both(["import", "events", "events0.csv"]), "import")
        var now = try rows()
        #expect(now.file.count == 1 && now.citus == now.file && now.file.allSatisfy { $0.hasSuffix("false false") }, "\(now)")
        // The setting (30 days) blanks nothing yet; --older-than-days 0 blanks every reject.
        let kept = try both(["rejects", "purge"])
        expectSame(kept, "purge")
        #expect(kept[0].stdout == "blanked the raw text of 0 rejected rows older than 30 days\n", "\(kept[0].stdout)")
        expectSame(try both(["rejects", "purge", "--older-than-days", "0"]), "purge 0")
        now = try rows()
        #expect(now.citus == now.file && now.file.allSatisfy { $0.hasSuffix("true true") }, "\(now)")

        // Kept 0 days: the import that rejects rows blanks them as it ends.
        expectSame(try both(["privacy", "keep-rejects-days", "0"]), "privacy keep-rejects-days")
        expectImported(try both(["import", "events", "events1.csv"]), "import under keep 0")
        now = try rows()
        #expect(now.file.count == 3 && now.citus == now.file && now.file.allSatisfy { $0.hasSuffix("true true") }, "\(now)")
        // An import's own --keep-rejects-days keeps its rejects' text.
        expectImported(try both(["import", "events", "events2.csv", "--keep-rejects-days", "5"]), "import --keep-rejects-days 5")
        now = try rows()
        #expect(now.file.count == 6 && now.citus == now.file && now.file.suffix(3).allSatisfy { $0.hasSuffix("false false") }, "\(now)")
        #expect(try db.scalar("SELECT count(*) FROM import_rejects WHERE raw <> '' AND raw_purged_at IS NULL").int64 == 3)
    }
}
