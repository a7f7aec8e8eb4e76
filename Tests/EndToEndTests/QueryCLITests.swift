import Foundation
import SQLiteStore
import Testing
import Warehouse

/// `lifecycle query`: any read-only statement or a named query of sql/, every format, --out,
/// and writes refused with the warehouse left as it was.
@Suite struct QueryCLITests {
    @Test("a SELECT with --param answers in json, csv and jsonl with the same keys")
    func selectWithParameters() throws {
        let work = try AnalyticsCLITests.importedDump()
        let sql = "SELECT external_id, count(*), sum(amount_micros) AS amount_micros FROM orders WHERE country = :country GROUP BY 1 ORDER BY 1"
        let json = try Binary.run(["query", sql, "--param", "country=France", "--db", "w.db", "--format", "json"], directory: work.url)
        #expect(json.status == 0, "\(json.stderr)")
        let answer = try JSONValue.parse(json.stdout)
        #expect(answer["question"] == "query")
        #expect(answer["parameters"]?["country"] == "France")
        #expect(answer["rows"] == [["external_id": "536369", "count": 1, "amount_micros": 14_850_000]])
        let csv = try Binary.run(["query", sql, "--param", ":country=France", "--db", "w.db", "--format", "csv"], directory: work.url)
        #expect(csv.stdout == "external_id,count,amount_micros\n536369,1,14850000\n")
        let jsonl = try Binary.run(["query", sql, "--param", "country=United Kingdom", "--db", "w.db", "--format", "jsonl"], directory: work.url)
        let lines = jsonl.stdout.split(separator: "\n")
        #expect(lines.count == 6, "\(jsonl.stdout)")
        #expect(try lines.allSatisfy { try JSONValue.parse(String($0)).members?.map(\.key) == ["external_id", "count", "amount_micros"] })
    }

    @Test("a named query of sql/ runs with its parameters, as the sqlite3 shell runs it")
    func namedQuery() throws {
        let work = try AnalyticsCLITests.importedDump()
        let result = try Binary.run(["query", "rfm_users", "--param", "as_of=2011-03-01", "--db", "w.db", "--format", "csv"], directory: work.url)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("user_id,external_id,country,recency_days,frequency,monetary_micros") == true, "\(result.stdout)")
        #expect(lines.count == 4)  // three customers
        let rfm = try Binary.run(["rfm", "--users", "--as-of", "2011-03-01", "--db", "w.db", "--format", "csv"], directory: work.url)
        #expect(Set(lines.dropFirst().map { $0.split(separator: ",")[1] }) == Set(rfm.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }))
    }

    @Test("a statement that writes, a second statement or an unknown parameter is refused and nothing changes")
    func refusals() throws {
        let work = try AnalyticsCLITests.importedDump()
        let before = try Data(contentsOf: work.url.appendingPathComponent("w.db"))
        let delete = try Binary.run(["query", "DELETE FROM order_lines", "--db", "w.db"], directory: work.url)
        #expect(delete.status != 0)
        #expect(delete.stderr.contains("refused, the statement would change the warehouse"), "\(delete.stderr)")
        let pragma = try Binary.run(["query", "PRAGMA user_version = 7", "--db", "w.db"], directory: work.url)
        #expect(pragma.status != 0 && pragma.stderr.contains("refused"), "\(pragma.stderr)")
        let two = try Binary.run(["query", "SELECT 1; DROP TABLE users", "--db", "w.db"], directory: work.url)
        #expect(two.status != 0 && two.stderr.contains("one statement only"), "\(two.stderr)")
        let unknown = try Binary.run(["query", "SELECT :a", "--param", "b=1", "--db", "w.db"], directory: work.url)
        #expect(unknown.stderr.contains("--param b: the statement has no parameter :b; it has :a"), "\(unknown.stderr)")
        let name = try Binary.run(["query", "rfm_userz", "--db", "w.db"], directory: work.url)
        #expect(name.stderr.contains("neither SQL nor a query of sql/") && name.stderr.contains("rfm_users"), "\(name.stderr)")
        #expect(try Data(contentsOf: work.url.appendingPathComponent("w.db")) == before)
        let db = try Connection(path: work.path("w.db"), mode: .readOnly)
        #expect(try db.scalar("SELECT count(*) FROM order_lines").int64 == 7)
    }

    @Test("--out writes the answer to a file in the format its extension names")
    func outFile() throws {
        let work = try AnalyticsCLITests.importedDump()
        let result = try Binary.run(["query", "SELECT id, kind FROM orders ORDER BY id", "--out", "orders.jsonl", "--db", "w.db"], directory: work.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("7 rows written to orders.jsonl"))
        let text = try String(contentsOfFile: work.path("orders.jsonl"), encoding: .utf8)
        #expect(text.split(separator: "\n").first == #"{"id":1,"kind":"purchase"}"#)
        _ = try Binary.run(["query", "SELECT 1 AS one", "--out", "one.csv", "--format", "json", "--db", "w.db"], directory: work.url)
        #expect(try JSONValue.parse(String(contentsOfFile: work.path("one.csv"), encoding: .utf8))["rows"] == [["one": 1]])
    }
}
