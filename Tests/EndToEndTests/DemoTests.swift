import Foundation
import SQLiteStore
import Testing

/// `lifecycle demo` in an empty directory: every stage lands in the database it creates.
@Suite struct DemoTests {
    @Test func demoRunsEndToEndInAnEmptyDirectory() throws {
        let work = try WorkDirectory()
        let result = try Binary.run(["demo", "--users", "600"], directory: work.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("RFM segments"))
        #expect(result.stdout.contains("Monthly retention"))
        #expect(result.stdout.contains("The ten users most at risk"))
        #expect(result.stdout.contains("hit rate@10") && result.stdout.contains("vs popularity"))
        let db = try Connection(path: work.path("lifecycle.db"), mode: .readOnly)
        #expect(try db.scalar("SELECT count(*) FROM users").int64 == 600)
        #expect(try db.scalar("SELECT count(*) FROM imports WHERE status = 'finished'").int64 == 4)
        #expect(try db.scalar("SELECT version FROM model_aliases WHERE name = 'churn' AND alias = 'production'").int64 == 1)
        #expect(try db.scalar("SELECT count(*) FROM predictions").int64 ?? 0 > 0)
        #expect(result.stdout.contains("7. Customer segments"))
        #expect(try db.scalar("SELECT version FROM model_aliases WHERE name = 'segments' AND alias = 'production'").int64 == 1)
        #expect(try db.scalar("SELECT version FROM model_aliases WHERE name = 'recommendations' AND alias = 'production'").int64 == 1)
        #expect(try db.scalar("SELECT count(*) FROM recommendations").int64 ?? 0 > 0)
        #expect(try db.scalar("SELECT count(*) FROM segment_assignments").int64 ?? 0 > 0)
        #expect(try db.scalar("SELECT count(*) FROM clv_predictions").int64 ?? 0 > 0)
        #expect(try db.scalar("SELECT version FROM model_aliases WHERE name = 'clv' AND alias = 'production'").int64 == 1)
        #expect(FileManager.default.fileExists(atPath: work.path("lifecycle-sample/report.html")))
    }
}
