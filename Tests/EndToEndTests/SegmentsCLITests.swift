import Foundation
import SQLiteStore
import Testing
import Warehouse

/// `train segments`, `segments` and `score segments` through the binary, on the demo shop.
@Suite struct SegmentsCLITests {
    @Test func trainShowAndScoreSegments() throws {
        let work = try WorkDirectory()
        // The demo stores segments@1 (k by silhouette) as production.
        #expect(try Binary.run(["demo", "--users", "600", "--db", "w.db"], directory: work.url).status == 0)
        let train = try Binary.run(["train", "segments", "--db", "w.db", "--k", "3", "--restarts", "2", "--seed", "5",
                                    "--features", "tenure_days", "--promote", "--format", "json"], directory: work.url)
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stderr.contains("stored as segments@2"))
        #expect(train.stderr.contains("production unchanged"))
        let trained = try JSONValue.parse(train.stdout)
        #expect(trained["hyperparameters"]?["k"] == 3)
        #expect(trained["hyperparameters"]?["features"] == ["tenure_days"])
        guard case .array(let sizes)? = trained["metrics"]?["cluster_sizes"] else { Issue.record("no cluster sizes"); return }
        #expect(sizes.count == 3)

        let shown = try Binary.run(["segments", "--db", "w.db", "--model", "segments@2", "--format", "csv"], directory: work.url)
        #expect(shown.status == 0, "\(shown.stderr)")
        let lines = shown.stdout.split(separator: "\n")
        #expect(lines.count == 4)  // header and three clusters
        #expect(lines.first?.hasPrefix("cluster,users,share,") == true)
        #expect(lines.first?.contains(",rfm_champions") == true)
        let table = try Binary.run(["segments", "--db", "w.db", "--format", "table"], directory: work.url)
        #expect(table.stdout.contains("Overlap with the RFM segments"))
        #expect(table.stdout.contains("segments@1 as of"))

        let score = try Binary.run(["score", "segments@2", "--db", "w.db", "--top", "3", "--format", "csv"], directory: work.url)
        #expect(score.status == 0, "\(score.stderr)")
        #expect(score.stdout.split(separator: "\n").count == 4)
        let db = try Connection(path: work.path("w.db"), mode: .readOnly)
        let customers = try db.scalar("SELECT count(DISTINCT user_id) FROM orders WHERE kind = 'purchase' AND user_id IS NOT NULL").int64
        #expect(try db.scalar("SELECT count(*) FROM segment_assignments_v WHERE model = 'segments@2'").int64 == customers)
        #expect(try db.scalar("SELECT count(DISTINCT cluster) FROM segment_assignments").int64 == 3)
    }
}
