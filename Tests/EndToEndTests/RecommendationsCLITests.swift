import Foundation
import SQLiteStore
import Testing

/// `train recommendations`, `recommend USER` and `score recommendations` through the binary on a
/// small generated shop, checked by reopening the database.
@Suite struct RecommendationsCLITests {
    static func run(_ arguments: [String], in work: WorkDirectory) throws -> Binary.Result {
        try Binary.run(arguments + ["--db", "w.db"], directory: work.url)
    }

    @Test func trainRecommendAndScore() throws {
        let work = try WorkDirectory()
        #expect(try Binary.run(["generate", "--users", "600", "--out", "sample", "--no-events"], directory: work.url).status == 0)
        let load = try Self.run(["import", "orders", "sample/orders.csv", "--format", "online-retail", "--timezone", "Europe/London"], in: work)
        #expect(load.status == 0, "\(load.stderr)")

        let train = try Self.run(["train", "recommendations", "--holdout", "90d", "--neighbours", "20", "--count", "5", "--promote", "--format", "json"], in: work)
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stderr.contains("stored as recommendations@1"))
        #expect(train.stderr.contains("now production"))
        let metrics = try JSONSerialization.jsonObject(with: Data(train.stdout.utf8)) as? [String: Any]
        let hitRate = (metrics?["rows"] as? [[String: Any]])?.first { $0["metric"] as? String == "hit rate@5" }
        #expect((hitRate?["item_to_item"] as? Double ?? 0) > (hitRate?["popularity"] as? Double ?? 1))

        let db = try Connection(path: work.path("w.db"), mode: .readOnly)
        let customer = try db.scalar("""
            SELECT u.external_id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.kind = 'purchase')
            ORDER BY u.id LIMIT 1
            """).string ?? ""
        let recommend = try Self.run(["recommend", customer, "--count", "3", "--format", "csv"], in: work)
        #expect(recommend.status == 0, "\(recommend.stderr)")
        let lines = recommend.stdout.split(separator: "\n")
        #expect(lines.first == "rank,stock_code,description,score,because_you_bought")
        #expect(lines.count == 4)
        let unknown = try Self.run(["recommend", "no-such-customer"], in: work)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no user 'no-such-customer'"))

        let score = try Self.run(["score", "recommendations", "--top", "2", "--format", "csv"], in: work)
        #expect(score.status == 0, "\(score.stderr)")
        #expect(score.stdout.split(separator: "\n").count == 1 + 2 * 5)
        #expect(try db.scalar("SELECT max(rank) FROM recommendations").int64 == 5)
        #expect(try db.scalar("SELECT count(*) FROM recommendations_v WHERE model = 'recommendations@1'").int64 ?? 0 > 500)
        // Scoring printed the same first list `recommend` did for the first customer.
        let scored = score.stdout.split(separator: "\n").dropFirst().prefix(3).map { $0.split(separator: ",")[2] }
        #expect(scored == lines.dropFirst().map { $0.split(separator: ",")[1] })
    }
}
