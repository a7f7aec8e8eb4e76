import Foundation
import Learning
import Testing
@testable import Warehouse

/// Timings printed, never asserted. Run in release mode:
/// `REGISTRY_BENCHMARKS=1 swift test -c release --filter RegistryBenchmarkTests`
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["REGISTRY_BENCHMARKS"] == "1",
                             "benchmarks: set REGISTRY_BENCHMARKS=1 (and use -c release) to run"))
struct RegistryBenchmarkTests {
    let clock = ContinuousClock()

    @Test func storeOneMillionPredictions() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let users = 1_000_000
        try warehouse.db.execute("INSERT INTO imports (id, kind, format, file_name, status, started_at) VALUES (1, 'users', 'csv', 'u', 'finished', 0)")
        try warehouse.db.execute("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(users))
            INSERT INTO users (id, external_id, import_id) SELECT i, 'u' || i, 1 FROM n
            """)
        let snapshot = try warehouse.saveSnapshot(try RegistryFixtures.draft())
        let scores = (1...users).map { (userID: Int64($0), score: Double($0 % 1000) / 1000) }
        let first = try clock.measure { try warehouse.savePredictions(snapshot: snapshot, asOf: 100, scores: scores) }
        let again = try clock.measure { try warehouse.savePredictions(snapshot: snapshot, asOf: 100, scores: scores) }
        var top: [Prediction] = []
        let read = try clock.measure { top = try warehouse.predictions(snapshot: snapshot, asOf: 100, limit: 10) }
        print("benchmark predictions 1,000,000 users: store \(first), replace \(again), top 10 \(read) (\(top.count) rows)")
    }

    @Test func saveLoadAndVerifyALargeSnapshot() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let values = RegistryFixtures.awkwardDoubles(count: 4_000_000, seed: 1)
        let parameters = ModelParameters(kind: "test", tensors: [NamedTensor(name: "big", shape: [2000, 2000], values: values)])
        var snapshot: ModelSnapshot?
        let save = try clock.measure {
            snapshot = try warehouse.saveSnapshot(ModelSnapshotDraft(name: "big", parameters: parameters, trainingAsOf: 0,
                                                                     trainingRows: 0, dataFingerprint: RegistryFixtures.fingerprint))
        }
        let stored = try #require(snapshot)
        let load = try clock.measure { _ = try warehouse.loadParameters(stored) }
        let verify = try clock.measure { _ = try warehouse.verifySnapshots() }
        print("benchmark weights 4,000,000 float64 (32 MB): save \(save), load \(load), verify \(verify)")
    }
}
