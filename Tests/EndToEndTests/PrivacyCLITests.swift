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

    /// `text` with every pseudonym replaced by its source id, lines sorted (orders that break ties by id differ).
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
        let writers = [["features", "build"], ["train", "churn"], ["train", "clv"], ["train", "segments", "--k", "3"],
                       ["score", "churn@1"], ["score", "clv@1"], ["score", "segments@1"]]
        for command in writers {
            try run(command + ["--format", "csv"], db: "c.db", in: work)
            try run(command + ["--format", "csv"], db: "p.db", in: work)
        }
        let questions = [["rfm"], ["rfm", "--users"], ["retention"], ["retention", "--metric", "revenue"], ["activity"],
                         ["activity", "--metric", "revenue"], ["clv", "summary"], ["segments", "show", "segments@1"]]
        for question in questions {
            let clear = try run(question + ["--format", "csv"], db: "c.db", in: work)
            let pseudonymised = try run(question + ["--format", "csv"], db: "p.db", in: work)
            #expect(!clear.isEmpty)
            #expect(mapped(pseudonymised, mapping) == mapped(clear, [:]), "\(question.joined(separator: " ")) differs")
        }
        // Stored per-customer answers, by customer: features, churn scores, lifetime values, segments.
        let stored = ["SELECT u.external_id, f.* FROM user_features f JOIN users u ON u.id = f.user_id",
                      "SELECT u.external_id, p.probability FROM predictions p JOIN users u ON u.id = p.user_id",
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
}
