import Foundation
import Learning
import Testing
import Warehouse

/// `lifecycle satisfaction` through the binary: what it says without a model or with the wrong one.
@Suite struct SatisfactionCLITests {
    @Test("satisfaction without a satisfaction model fails and says how to train one; a model of another kind is refused by name")
    func refusals() throws {
        let work = try WorkDirectory()
        try AnalyticsCLITests.dump.write(toFile: work.path("d.csv"), atomically: true, encoding: .utf8)
        let imported = try Binary.run(["import", "orders", "d.csv", "--format", "online-retail", "--timezone", "Europe/London", "--db", "w.db"],
                                      directory: work.url)
        try #require(imported.status == 0, "\(imported.stderr)")
        let none = try Binary.run(["satisfaction", "--db", "w.db"], directory: work.url)
        #expect(none.status != 0)
        #expect(none.stderr.contains("lifecycle train satisfaction"), "\(none.stderr)")
        let train = try Binary.run(["train", "satisfaction", "--db", "w.db"], directory: work.url)
        #expect(train.status != 0 && train.stderr.contains("too few customers"), "\(train.stderr)")
        let snapshot = try Warehouse(path: work.path("w.db")).saveSnapshot(ModelSnapshotDraft(
            name: "churn", parameters: ModelParameters(kind: "popularity", tensors: [.vector("items", [1]), .vector("scores", [1])]),
            trainingAsOf: 0, trainingRows: 1, dataFingerprint: String(repeating: "0", count: 64)))
        let wrong = try Binary.run(["satisfaction", "--model", snapshot.reference, "--db", "w.db"], directory: work.url)
        #expect(wrong.status != 0 && wrong.stderr.contains("not a satisfaction model"), "\(wrong.stderr)")
    }
}
