import Foundation
import Learning
import SQLiteStore
import Testing
@testable import Warehouse

/// The record checksum covers every field that defines a version, not only the weights.
///
/// The forgeries are made as anyone with the file can: drop the immutability trigger in the
/// sqlite3 shell, then `UPDATE` one field of churn@1. churn@2 is left alone and must still pass.
@Suite struct RegistryRecordChecksumTests {
    /// A warehouse with churn@1 and churn@2, the update trigger dropped.
    static func forgeable(_ scratch: Scratch) throws -> Warehouse {
        let warehouse = try scratch.warehouse()
        _ = try warehouse.saveSnapshot(try RegistryFixtures.draft(coefficients: [1, 2], auc: 0.71))
        _ = try warehouse.saveSnapshot(try RegistryFixtures.draft(coefficients: [3, 4], auc: 0.74))
        try warehouse.db.execute("DROP TRIGGER model_snapshots_no_update")
        return warehouse
    }

    static let forgeries = [
        "UPDATE model_snapshots SET metrics = '{\"auc\": 0.99999}' WHERE version = 1",
        "UPDATE model_snapshots SET metrics = json_set(metrics, '$.baseline.auc', 0.5) WHERE version = 1",
        "UPDATE model_snapshots SET hyperparameters = json_set(hyperparameters, '$.l2_penalty', 0.1) WHERE version = 1",
        "UPDATE model_snapshots SET training_rows = training_rows + 1 WHERE version = 1",
        "UPDATE model_snapshots SET data_fingerprint = printf('%064d', 7) WHERE version = 1",
        "UPDATE model_snapshots SET kind = 'kmeans' WHERE version = 1",
        "UPDATE model_snapshots SET training_as_of = training_as_of - 86400 WHERE version = 1",
        "UPDATE model_snapshots SET training_window_start = NULL, training_window_end = NULL WHERE version = 1",
        "UPDATE model_snapshots SET created_at = created_at + 1 WHERE version = 1",
        "UPDATE model_snapshots SET code_version = '0.0.1' WHERE version = 1",
        // The lineage `imports undo` reads: forging it could let an import the model saw be undone.
        "UPDATE model_snapshots SET trained_through_import = trained_through_import + 1 WHERE version = 1",
        "UPDATE model_snapshots SET trained_through_import = NULL WHERE version = 1",
        // Another version's weights with their matching weights checksum: the weights check alone passes.
        "UPDATE model_snapshots SET (weights, weights_sha256) = (SELECT weights, weights_sha256 FROM model_snapshots WHERE version = 2) WHERE version = 1",
    ]

    @Test("a forged field of a snapshot fails verify, loading and scoring refuse it, and show marks it", arguments: forgeries)
    func forgeryIsFound(sql: String) throws {
        let scratch = try Scratch()
        let warehouse = try Self.forgeable(scratch)
        try warehouse.db.execute(sql)

        let results = try warehouse.verifySnapshots()
        #expect(results.map(\.ok) == [false, true], "\(sql)")
        #expect(results[0].problem?.contains("the record of churn@1 fails its checksum") == true, "\(results[0].problem ?? "ok")")

        let forged = try warehouse.snapshot("churn@1")
        let error = try #require(throws: RegistryError.self) { try warehouse.loadParameters(forged) }
        guard case .recordChecksumMismatch(let reference, let stored, _) = error else {
            Issue.record("expected a record checksum mismatch, got \(error)")
            return
        }
        #expect(reference == "churn@1" && stored == forged.recordSHA256)
        #expect(throws: RegistryError.self) { try warehouse.loadModel(LogisticRegressionModel.self, from: forged) }
        #expect(throws: RegistryError.self) { try warehouse.exportSnapshot(forged, to: scratch.path("out.safetensors")) }

        let shown = try warehouse.describe(try ModelReference(parsing: "churn@1"))
        #expect(!shown.verification.ok)
        let overview = RegistryTables.snapshot(shown)[0].table.displayRows
        #expect(overview.contains { $0[0] == "verification" && $0[1].hasPrefix("FAILED: the record of churn@1") })
        #expect(RegistryJSON.snapshot(shown)["verification"]?["ok"] == false)
        #expect(try warehouse.describe(try ModelReference(parsing: "churn@2")).verification.ok)
    }

    @Test("the issue's forgery: metrics set to a perfect AUC is reported by verify with the model and version")
    func forgedAUC() throws {
        let scratch = try Scratch()
        let warehouse = try Self.forgeable(scratch)
        try warehouse.db.execute("UPDATE model_snapshots SET metrics = '{\"auc\": 0.99999}' WHERE version = 1")
        let report = try warehouse.verifyRegistry()
        #expect(!report.ok)
        let table = RegistryTables.verification(report)
        #expect(table.displayRows[0][4].hasPrefix("FAILED: the record of churn@1 fails its checksum"))
        #expect(table.notes == ["1 of 2 snapshots verified, 1 failed"])
    }

    @Test("the same JSON written with other key order and spacing keeps its checksum")
    func canonicalJSON() throws {
        let scratch = try Scratch()
        let warehouse = try Self.forgeable(scratch)
        for column in ["metrics", "hyperparameters"] {
            let text = try #require(try warehouse.db.scalar("SELECT \(column) FROM model_snapshots WHERE version = 1").string)
            guard case .object(let members) = try JSONValue.parse(text) else {
                Issue.record("\(column) is not an object")
                continue
            }
            let rewritten = try JSONValue.object(members.reversed()).prettyJSONText()
            #expect(rewritten != text)
            try warehouse.db.run("UPDATE model_snapshots SET \(column) = ? WHERE version = 1", rewritten)
        }
        #expect(try warehouse.verifySnapshots().map(\.ok) == [true, true])
    }

    @Test("the canonical text is the documented one: sorted keys at every depth, no whitespace, absent fields left out")
    func canonicalText() throws {
        let snapshot = ModelSnapshot(
            id: 7, name: "churn", kind: "logistic_regression", version: 2, createdAt: 1_700_000_000, codeVersion: "1.2.0",
            hyperparameters: ["l2_penalty": 1.0, "features": ["recency", "frequency"], "horizon_days": 90],
            trainingAsOf: 1_306_886_400, trainingWindow: nil, trainingRows: 4338, dataFingerprint: String(repeating: "ab", count: 32),
            metrics: ["z": ["b": 1e-05, "a": -0.0], "auc": 0.73, "Auc": "é\n"], weightsSHA256: String(repeating: "cd", count: 32),
            weightsFormat: "lifecycle-weights-1", weightsBytes: 100, recordSHA256: nil)
        let expected = #"{"code_version":"1.2.0","created_at":1700000000,"data_fingerprint":"\#(String(repeating: "ab", count: 32))","#
            + #""hyperparameters":{"features":["recency","frequency"],"horizon_days":90,"l2_penalty":1.0},"kind":"logistic_regression","#
            + #""metrics":{"Auc":"é\n","auc":0.73,"z":{"a":-0.0,"b":1e-05}},"name":"churn","record":"lifecycle-snapshot-record-1","#
            + #""training_as_of":1306886400,"training_rows":4338,"version":2,"weights_format":"lifecycle-weights-1","#
            + #""weights_sha256":"\#(String(repeating: "cd", count: 32))"}"#
        #expect(try SnapshotRecord.canonicalText(of: snapshot) == expected)
        #expect(try SnapshotRecord.sha256(of: snapshot) == WeightsFile.sha256(Array(expected.utf8)))
    }

    @Test("a record checksum removed from a snapshot saved after checksums began is reported, not taken for an old snapshot")
    func removedChecksum() throws {
        let scratch = try Scratch()
        let warehouse = try Self.forgeable(scratch)
        try warehouse.db.execute("UPDATE model_snapshots SET record_sha256 = NULL, metrics = '{\"auc\": 0.99999}' WHERE version = 1")
        let results = try warehouse.verifySnapshots()
        #expect(results.map(\.ok) == [false, true])
        #expect(results[0].problem?.contains("churn@1 has no record checksum although it was saved after record checksums began") == true)
        #expect(throws: RegistryError.recordChecksumMissing("churn@1")) { try warehouse.loadParameters(try warehouse.snapshot("churn@1")) }
    }

    @Test("a raw insert without a record checksum is refused")
    func insertNeedsChecksum() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let error = try #require(throws: SQLiteError.self) {
            try warehouse.db.execute("""
                INSERT INTO model_snapshots (name, kind, version, created_at, code_version, training_as_of, training_rows,
                    data_fingerprint, weights, weights_sha256, weights_format)
                VALUES ('churn', 'k', 1, 0, 'x', 0, 0, printf('%064d', 0), x'00', printf('%064d', 0), 'lifecycle-weights-1')
                """)
        }
        #expect(error.message.contains("record_sha256"))
    }

    @Test("snapshots saved before the migration keep no record checksum: their weights are still checked, and verify says only they are")
    func legacySnapshots() throws {
        let scratch = try Scratch()
        let path = scratch.path("old.db")
        let all = try SQLCatalog.migrator().migrations
        let checksums = try #require(all.first { $0.name == "model_snapshot_record_checksums" })
        let parameters = RegistryFixtures.logistic([5, 6]).encodeParameters()
        let weights = try WeightsFile.encode(parameters)
        do {
            let db = try Connection(path: path)
            try Migrator(migrations: all.filter { $0.version < checksums.version }).migrate(db)
            for version in 1...2 {
                try db.run("""
                    INSERT INTO model_snapshots (name, kind, version, created_at, code_version, training_as_of, training_rows,
                        data_fingerprint, metrics, weights, weights_sha256, weights_format)
                    VALUES ('churn', ?, ?, 0, 'old', 0, 10, printf('%064d', 0), '{"auc": 0.7}', ?, ?, ?)
                    """, parameters.kind, version, SQLValue.blob(weights), WeightsFile.sha256(weights), WeightsFile.format)
            }
        }
        let warehouse = try Warehouse(path: path)
        _ = try warehouse.saveSnapshot(try RegistryFixtures.draft())
        var results = try warehouse.verifySnapshots()
        #expect(results.map(\.ok) == [true, true, true])
        #expect(results.map(\.recordChecked) == [false, false, true])
        #expect(RegistryTables.verification(RegistryVerification(snapshots: results, problems: [])).displayRows[0][4]
                    .hasPrefix("ok (weights only: saved before record checksums"))
        #expect(try warehouse.loadParameters(try warehouse.snapshot("churn@1")) == parameters)

        // Their weights are still checked.
        try warehouse.db.execute("DROP TRIGGER model_snapshots_no_update")
        var changed = weights
        changed[changed.count - 1] ^= 0x01
        try warehouse.db.run("UPDATE model_snapshots SET weights = ? WHERE version = 2", SQLValue.blob(changed))
        results = try warehouse.verifySnapshots()
        #expect(results.map(\.ok) == [true, false, true])
        #expect(results[1].problem?.contains("fail their checksum") == true)
    }
}
