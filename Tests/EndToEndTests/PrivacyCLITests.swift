import Foundation
import SQLiteStore
import Testing

/// `lifecycle privacy` and `lifecycle rejects` through the built binary (docs/PRIVACY.md).
@Suite struct PrivacyCLITests {
    /// Runs a command against `db`, expecting success.
    @discardableResult
    private func run(_ arguments: [String], db: String, in work: WorkDirectory, environment: [String: String] = [:]) throws -> String {
        let result = try Binary.run(arguments + ["--db", db], directory: work.url, environment: environment)
        #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result.stderr)")
        return result.stdout
    }

    /// Source id of every customer by the id the warehouse stores for it, through `users.id`
    /// (both warehouses import the same files in the same order, so the same customer has the same row id).
    private func clearIDs(pseudonymised: String, clear: String) throws -> [String: String] {
        func ids(_ path: String) throws -> [Int64: String] {
            var map: [Int64: String] = [:]
            for row in try Connection(path: path).query("SELECT id, external_id FROM users") { map[row[0].int64!] = row[1].string! }
            return map
        }
        let pseudo = try ids(pseudonymised), plain = try ids(clear)
        #expect(pseudo.count == plain.count)
        var mapping: [String: String] = [:]
        for (id, pseudonym) in pseudo { mapping[pseudonym] = plain[id] }
        return mapping
    }

    /// `text` with every pseudonym replaced by its source id, lines sorted (lists ordered by the id's text differ).
    private func mapped(_ text: String, _ mapping: [String: String]) -> [String] {
        text.split(separator: "\n").map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).map { field in mapping[String(field)] ?? String(field) }
                .joined(separator: ",")
        }.sorted()
    }

    @Test func pseudonymisedAndClearWarehousesGiveTheSameAnswers() throws {
        let work = try WorkDirectory()
        try Data((0..<32).map { UInt8($0 * 7 + 1) }).write(to: work.url.appendingPathComponent("shop.key"))
        let key = ["LIFECYCLE_KEY_FILE": work.path("shop.key")]
        #expect(try Binary.run(["generate", "--users", "400", "--seed", "11", "--out", "sample"], directory: work.url).status == 0)
        try run(["privacy", "pseudonymise"], db: "p.db", in: work, environment: key)
        let imports = [["import", "users", "sample/users.csv"],
                       ["import", "orders", "sample/orders.csv", "--format", "online-retail", "--timezone", "Europe/London"],
                       ["import", "events", "sample/events.csv"]]
        for command in imports {
            try run(command, db: "c.db", in: work)
            try run(command, db: "p.db", in: work, environment: key)
        }
        let mapping = try clearIDs(pseudonymised: work.path("p.db"), clear: work.path("c.db"))
        #expect(mapping.keys.allSatisfy { $0.count == 64 && $0.allSatisfy(\.isHexDigit) })
        let writers = [["train", "churn"], ["train", "clv"], ["train", "segments", "--k", "3"], ["train", "recommendations"]]
        for command in writers {
            try run(command, db: "c.db", in: work)
            try run(command, db: "p.db", in: work)
        }
        try run(["features", "build"], db: "c.db", in: work)
        try run(["features", "build"], db: "p.db", in: work)
        let bins = ["--bins", "recency=30,90,180,365", "--bins", "frequency=1,2,4,8", "--bins", "monetary=100,250,500,1000"]
        // RFM quintiles too: their ties go by a shuffle of users.id, not by the id's text
        // (docs/QUERIES.md), at the default as-of (from the customer totals), a later one and an earlier one.
        let rfm = [["rfm"], ["rfm", "--users"], ["rfm", "--users", "--as-of", "2012-02-01"], ["rfm", "--users", "--as-of", "2011-07-01"],
                   ["rfm", "--as-of", "2011-07-01"], ["rfm"] + bins, ["rfm", "--users"] + bins]
        let questions = rfm + [["retention"], ["retention", "--metric", "revenue"], ["activity"], ["activity", "--activity", "events"],
                               ["clv", "summary"], ["score", "churn@1"], ["score", "clv@1"], ["score", "segments@1"],
                               ["score", "recommendations@1"]]
        for question in questions {
            let clear = try run(question + ["--format", "csv"], db: "c.db", in: work)
            let pseudonymised = try run(question + ["--format", "csv"], db: "p.db", in: work)
            #expect(clear.split(separator: "\n").count > 2)
            let differing = Set(mapped(pseudonymised, mapping)).symmetricDifference(mapped(clear, [:]))
            #expect(differing.isEmpty, "\(question.joined(separator: " ")): \(differing.count) lines differ, e.g. \(differing.sorted().prefix(2))")
        }
        // One customer's recommendations: by her source id, by her pseudonym, or by her source id with the key.
        let (pseudonym, source) = try #require(mapping.min { $0.value < $1.value })
        let byID = try run(["recommend", source, "--format", "csv"], db: "c.db", in: work)
        #expect(byID.split(separator: "\n").count > 1)
        #expect(try run(["recommend", pseudonym, "--format", "csv"], db: "p.db", in: work) == byID)
        #expect(try run(["recommend", source, "--format", "csv"], db: "p.db", in: work, environment: key) == byID)
        // Stored per-customer answers, by customer: features, churn and lifetime-value scores, segments.
        let stored = ["SELECT u.external_id, f.* FROM user_features f JOIN users u ON u.id = f.user_id",
                      "SELECT u.external_id, p.as_of, p.score FROM predictions p JOIN users u ON u.id = p.user_id",
                      "SELECT u.external_id, c.* FROM clv_predictions c JOIN users u ON u.id = c.user_id",
                      "SELECT u.external_id, s.cluster, s.distance FROM segment_assignments s JOIN users u ON u.id = s.user_id"]
        for sql in stored {
            func rows(_ path: String) throws -> [String] {
                try Connection(path: work.path(path)).query(sql).map { row in
                    row.values.map { value in value.string.map { mapping[$0] ?? $0 } ?? value.description }.joined(separator: ",")
                }.sorted()
            }
            let clear = try rows("c.db")
            #expect(!clear.isEmpty)
            #expect(try rows("p.db") == clear, "\(sql)")
        }
    }

    @Test func keysAreCheckedAndRevealFindsTheCustomer() throws {
        let work = try WorkDirectory()
        try Data(repeating: 1, count: 31).write(to: work.url.appendingPathComponent("short.key"))
        try Data((0..<32).map { UInt8($0) }).write(to: work.url.appendingPathComponent("a.key"))
        try Data((0..<32).map { UInt8($0 + 100) }).write(to: work.url.appendingPathComponent("b.key"))
        try "user_id,country\ncarol@example.com,France\n17850,Spain\n".write(toFile: work.path("users.csv"), atomically: true, encoding: .utf8)
        try run(["import", "users", "users.csv"], db: "w.db", in: work)

        let short = try Binary.run(["privacy", "pseudonymise", "--key-file", "short.key", "--db", "w.db"], directory: work.url)
        #expect(short.status != 0)
        #expect(short.stderr.contains("has 31 bytes; a pseudonym key needs at least 32"))
        let rewritten = try run(["privacy", "pseudonymise", "--key-file", "a.key"], db: "w.db", in: work)
        #expect(rewritten.contains("2 customer ids"))

        let withoutKey = try Binary.run(["import", "users", "users.csv", "--db", "w.db"], directory: work.url)
        #expect(withoutKey.status == 1)
        #expect(withoutKey.stderr.contains("needs its key: give --key-file FILE or set LIFECYCLE_KEY_FILE"))
        let wrongKey = try Binary.run(["import", "users", "users.csv", "--key-file", "b.key", "--db", "w.db"], directory: work.url)
        #expect(wrongKey.status == 1)
        #expect(wrongKey.stderr.contains("not the one this warehouse's pseudonyms were made with"))
        let again = try Binary.run(["import", "users", "users.csv", "--db", "w.db", "--json"], directory: work.url,
                                   environment: ["LIFECYCLE_KEY_FILE": work.path("a.key")])
        #expect(again.status == 0)
        #expect(again.stdout.contains("\"duplicates\" : 2"))

        let pseudonym = try #require(try Connection(path: work.path("w.db"))
            .scalar("SELECT external_id FROM users WHERE country = 'France'").string)
        #expect(pseudonym.count == 64)
        try "bob@example.com\ncarol@example.com\n17850\n".write(toFile: work.path("candidates.txt"), atomically: true, encoding: .utf8)
        let revealed = try run(["privacy", "reveal", pseudonym, "--key-file", "a.key", "--candidates", "candidates.txt"], db: "w.db", in: work)
        #expect(revealed == "carol@example.com\n")
        let wrongReveal = try Binary.run(["privacy", "reveal", pseudonym, "--key-file", "b.key", "--candidates", "candidates.txt", "--db", "w.db"],
                                         directory: work.url)
        #expect(wrongReveal.status != 0)
        try "bob@example.com\n".write(toFile: work.path("none.txt"), atomically: true, encoding: .utf8)
        let notFound = try Binary.run(["privacy", "reveal", pseudonym, "--key-file", "a.key", "--candidates", "none.txt", "--db", "w.db"],
                                      directory: work.url)
        #expect(notFound.status != 0)
        #expect(notFound.stderr.contains("none of the 1 candidates"))
    }

    @Test func propertiesRejectsAndStatus() throws {
        let work = try WorkDirectory()
        try """
            user_id,occurred_at,type,properties
            u1,2024-01-01T10:00:00Z,view,"{""page"":""/a"",""email"":""u1@example.com"",""ip"":""10.0.0.1""}"
            u2,2024-01-01T10:01:00Z,view,"{""page"":""/b"",""ip"":""10.0.0.2""}"
            carol@example.com,yesterday,view,

            """.write(toFile: work.path("events.csv"), atomically: true, encoding: .utf8)
        let imported = try Binary.run(["import", "events", "events.csv", "--keep-properties", "page", "--db", "w.db"], directory: work.url)
        #expect(imported.status == 0)
        #expect(imported.stderr.contains("read 3, loaded 2, duplicates 0, rejected 1; properties dropped 3 keys"))
        try run(["privacy", "keep-properties", "page,device"], db: "w.db", in: work)
        try run(["privacy", "keep-rejects-days", "7"], db: "w.db", in: work)

        let status = try run(["privacy", "status", "--format", "json"], db: "w.db", in: work)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.utf8)) as? [String: Any])
        #expect(object["question"] as? String == "privacy status")
        let settingRows = try #require(object["settings"] as? [[String: Any]])
        var settings: [String: Any] = [:]
        for row in settingRows { settings[row["name"] as? String ?? ""] = row["value"] }
        #expect(settings["pseudonymised"] as? Bool == false)
        #expect(settings["keep_properties"] as? String == "device,page")
        #expect(settings["keep_rejects_days"] as? Int == 7)
        #expect(settings["erasures"] as? Int == 0)
        let columns = try #require(object["rows"] as? [[String: Any]])
        let raw = columns.first { $0["table"] as? String == "import_rejects" && $0["column"] as? String == "raw" }
        #expect(raw?["rows"] as? Int == 1)
        let table = try run(["privacy", "status", "--format", "table"], db: "w.db", in: work)
        #expect(table.contains("Rejected rows' raw text: kept 7 days"))

        // Nothing is old enough yet; with 0 days every reject's text goes, its line and reason stay.
        #expect(try run(["rejects", "purge"], db: "w.db", in: work).contains("blanked the raw text of 0 rejected rows older than 7 days"))
        #expect(try run(["rejects", "purge", "--older-than-days", "0"], db: "w.db", in: work).contains("1 rejected row"))
        let reject = try #require(try Connection(path: work.path("w.db")).query("SELECT line, reason, raw, raw_purged_at FROM import_rejects").first)
        #expect(reject[0].int64 == 4)
        #expect(reject[1].string?.contains("occurred_at") == true)
        #expect(reject[2].string == "")
        #expect(reject[3].int64 != nil)
    }
}
