import Foundation
import Testing

/// `lifecycle clv summary`, `train clv`, `models show clv` and `score clv` on the CDNOW sample,
/// as a user runs them.
@Suite struct LifetimeCLITests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/cdnow/CDNOW_sample.txt").path
    static let present = FileManager.default.fileExists(atPath: sample)

    private func run(_ arguments: [String], in work: WorkDirectory) throws -> Binary.Result {
        let result = try Binary.run(arguments + ["--db", "w.db"], directory: work.url)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result
    }

    @Test(.enabled(if: present, "skipped: ../shared/data/cdnow is not present"))
    func trainShowAndScoreTheCDNOWSample() throws {
        let work = try WorkDirectory()
        _ = try run(["import", "orders", Self.sample, "--format", "cdnow", "--timezone", "UTC"], in: work)

        let summary = try run(["clv", "summary", "--period", "week", "--observation-end", "1997-09-30", "--format", "csv"], in: work)
        let lines = summary.stdout.split(separator: "\n")
        #expect(lines.first == "customer,frequency,recency,t,monetary_value")
        #expect(lines.count == 1 + 2357)
        #expect(lines.dropFirst().filter { !$0.contains(",0,0.0,") }.count == 946)

        let train = try run(["train", "clv", "--period", "week", "--observation-end", "1997-09-30", "--promote"], in: work)
        #expect(train.stdout.contains("holdout to 1998-06-30 (39.00 weeks)"))
        #expect(train.stderr.contains("stored as clv@1") && train.stderr.contains("now production"))

        let show = try run(["models", "show", "clv", "--format", "json"], in: work)
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        let object = try #require(answer["model"] as? [String: Any])
        let parameters = try #require(object["parameters"] as? [String: Double])
        let published: [String: (Double, Double)] = ["r": (0.243, 1e3), "alpha": (4.414, 1e3), "a": (0.793, 1e3), "b": (2.426, 1e3),
                                                     "p": (6.25, 1e2), "q": (3.74, 1e2), "gamma": (15.44, 1e2)]
        for (name, (value, scale)) in published {
            #expect(((parameters[name] ?? 0) * scale).rounded() / scale == value, "\(name)")
        }
        #expect(object["kind"] as? String == "bgnbd_gamma_gamma")
        #expect((object["hyperparameters"] as? [String: Any])?["observation_end"] as? String == "1997-09-30")
        #expect((object["hyperparameters"] as? [String: Any])?["reporting_time_zone"] as? String == "UTC")

        let score = try run(["score", "clv", "--as-of", "1997-10-01", "--top", "3", "--format", "csv"], in: work)
        #expect(score.stdout.split(separator: "\n").count == 4)
        #expect(score.stderr.contains("2,357 customers scored as of 1997-10-01 by clv@1"))
    }
}
