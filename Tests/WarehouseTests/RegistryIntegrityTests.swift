import Foundation
import Learning
import SQLiteStore
import Testing
@testable import Warehouse

/// Corrupted weights are found and reported, never used.
///
/// How the corruption is made: the immutability triggers stop any SQL `UPDATE`, so a corrupted
/// blob in real life comes from below SQL — a bad disk, a copy cut short, a tool that edits the
/// file. `flippedByteOnDiskIsAChecksumError` does exactly that: it closes the warehouse (so the
/// WAL is checkpointed into the file), finds a known float64 of the weights in the database file
/// and flips one bit. `aMalformedBlobWithAMatchingChecksumIsACorruptionError` needs a blob that is
/// wrong yet carries matching checksums (weights and record), which only a writer that bypasses
/// the registry can make; it drops the trigger in its own temporary database to play that writer.
@Suite struct RegistryIntegrityTests {
    static let marker = 1234.5678

    @Test func flippedByteOnDiskIsAChecksumError() throws {
        let scratch = try Scratch()
        do {
            let warehouse = try scratch.warehouse()
            _ = try warehouse.saveSnapshot(try RegistryFixtures.draft(coefficients: [Self.marker, 2]))
            _ = try warehouse.saveSnapshot(try RegistryFixtures.draft(coefficients: [3, 4]))
        }
        try scratch.corruptDatabaseFile(at: RegistryFixtures.bytes(of: Self.marker), offset: 3)
        let warehouse = try scratch.warehouse()
        let snapshot = try warehouse.snapshot("churn@1")
        let error = try #require(throws: RegistryError.self) { try warehouse.loadParameters(snapshot) }
        guard case .checksumMismatch(let reference, let stored, _) = error else {
            Issue.record("expected a checksum mismatch, got \(error)")
            return
        }
        #expect(reference == "churn@1" && stored == snapshot.weightsSHA256)
        #expect(error.description.contains("churn@1") && error.description.contains("lifecycle models verify"))
        #expect(throws: RegistryError.self) { try warehouse.loadModel(LogisticRegressionModel.self, from: snapshot) }
        #expect(throws: RegistryError.self) { try warehouse.exportSnapshot(snapshot, to: scratch.path("out.safetensors")) }
        #expect(!FileManager.default.fileExists(atPath: scratch.path("out.safetensors")))

        let results = try warehouse.verifySnapshots()
        #expect(results.map(\.ok) == [false, true])
        #expect(results[0].problem?.contains("fail their checksum") == true)
        #expect(try warehouse.loadParameters(try warehouse.snapshot("churn@2"))["coefficients"]?.values == [3, 4])
    }

    @Test func aMalformedBlobWithAMatchingChecksumIsACorruptionError() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let snapshot = try warehouse.saveSnapshot(try RegistryFixtures.draft())
        let blob = try #require(try warehouse.db.scalar("SELECT weights FROM model_snapshots").bytes)
        let truncated = Array(blob.dropLast(8))
        try warehouse.db.execute("DROP TRIGGER model_snapshots_no_update")
        try warehouse.db.run("UPDATE model_snapshots SET weights = ?, weights_sha256 = ?", SQLValue.blob(truncated), WeightsFile.sha256(truncated))
        // Such a writer also recomputes the record checksum, which covers the weights' checksum.
        try warehouse.db.run("UPDATE model_snapshots SET record_sha256 = ?", try SnapshotRecord.sha256(of: try warehouse.snapshot("churn@1")))
        let stale = try warehouse.snapshot("churn@1")
        let error = try #require(throws: RegistryError.self) { try warehouse.loadParameters(stale) }
        #expect(error.description.contains("the weights of churn@1 cannot be read"))
        #expect(error.description.contains("truncated"))
        #expect(try warehouse.verifySnapshots().first?.ok == false)
        _ = snapshot
    }

    @Test func weightsThatDecodeButAreNotAValidModelFailVerification() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        // A "logistic_regression" whose standard deviation is negative: the layout is intact, the
        // checksum matches, but the model refuses the parameters.
        var parameters = RegistryFixtures.logistic([1, 2]).encodeParameters()
        parameters.tensors[3] = .vector("feature_standard_deviations", [1, -1])
        _ = try warehouse.saveSnapshot(ModelSnapshotDraft(name: "odd", parameters: parameters, trainingAsOf: 0, trainingRows: 0,
                                                          dataFingerprint: RegistryFixtures.fingerprint))
        let result = try #require(try warehouse.verifySnapshots().first)
        #expect(!result.ok)
        #expect(result.problem?.contains("not a valid logistic_regression model") == true)
        #expect(throws: RegistryError.self) { try warehouse.loadModel(LogisticRegressionModel.self, from: result.snapshot) }
    }
}
