import Foundation
import SQLiteStore
import Testing
import Warehouse

/// `score churn|clv|segments --users FILE`: only the listed customers are scored and stored; the
/// rest of the run stays; an unknown id is an error that names it and stores nothing.
@Suite struct ScoreUsersCLITests {
    @Test func scoresOnlyTheListedCustomers() throws {
        let work = try WorkDirectory()
        #expect(try Binary.run(["demo", "--users", "600", "--db", "w.db"], directory: work.url).status == 0)
        let all = try Binary.run(["score", "churn", "--db", "w.db", "--format", "csv"], directory: work.url)
        #expect(all.status == 0, "\(all.stderr)")
        let everyone = all.stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }
        #expect(everyone.count > 10)
        let db = try Connection(path: work.path("w.db"), mode: .readOnly)
        let stored = "SELECT count(*) FROM predictions p JOIN model_snapshots s ON s.id = p.snapshot_id WHERE s.name = 'churn'"
        let before = try db.scalar(stored).int64

        let listed = [everyone[3], everyone[7]]
        try "\(listed[0])\n\n  \(listed[1])  \n\(listed[0])\n".write(toFile: work.path("ids.txt"), atomically: true, encoding: .utf8)
        let some = try Binary.run(["score", "churn", "--db", "w.db", "--users", "ids.txt", "--format", "json"], directory: work.url)
        #expect(some.status == 0, "\(some.stderr)")
        let answer = try JSONValue.parse(some.stdout)
        guard case .array(let rows)? = answer["rows"] else { Issue.record("no rows"); return }
        #expect(Set(rows.compactMap { if case .string(let user)? = $0["user"] { return user } else { return nil } }) == Set(listed))
        #expect(answer["parameters"]?["users"] == 2)
        #expect(some.stderr.contains("2 users scored"))
        // The run over everyone keeps its other rows: the two listed are replaced, not the rest dropped.
        #expect(try db.scalar(stored).int64 == before)

        let segments = try Binary.run(["score", "segments", "--db", "w.db", "--users", "-", "--format", "csv"], directory: work.url,
                                      stdin: Data("\(listed[1])\n".utf8))
        #expect(segments.status == 0, "\(segments.stderr)")
        #expect(segments.stdout.split(separator: "\n").count == 2)
        #expect(segments.stdout.contains("\n\(listed[1]),"))
        let clv = try Binary.run(["score", "clv", "--db", "w.db", "--users", "ids.txt", "--format", "csv"], directory: work.url)
        #expect(clv.status == 0, "\(clv.stderr)")
        #expect(clv.stdout.split(separator: "\n").count == 3)

        try "\(listed[0])\nnobody-42\n".write(toFile: work.path("bad.txt"), atomically: true, encoding: .utf8)
        let bad = try Binary.run(["score", "churn", "--db", "w.db", "--users", "bad.txt", "--as-of", "2011-01-01"], directory: work.url)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--users bad.txt: 1 unknown customer id: nobody-42 (line 2); nothing was scored"), "\(bad.stderr)")
        #expect(try db.scalar(stored).int64 == before)

        let recommendations = try Binary.run(["score", "recommendations", "--db", "w.db", "--users", "ids.txt"], directory: work.url)
        #expect(recommendations.status != 0)
        #expect(recommendations.stderr.contains("--users applies to churn, clv and segments"))
    }
}
