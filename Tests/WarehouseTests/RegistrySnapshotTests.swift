import Foundation
import Learning
import SQLiteStore
import Testing
@testable import Warehouse

/// Saving, resolving and protecting snapshots.
@Suite struct RegistrySnapshotTests {
    @Test func versionsCountUpPerName() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let versions = try (0..<3).map { _ in try warehouse.saveSnapshot(try RegistryFixtures.draft("churn")).version }
        #expect(versions == [1, 2, 3])
        #expect(try warehouse.saveSnapshot(try RegistryFixtures.draft("clv")).version == 1)
        #expect(try warehouse.saveSnapshot(try RegistryFixtures.draft("churn")).version == 4)
        #expect(try warehouse.listModels().map { "\($0.name):\($0.versions)" } == ["churn:4", "clv:1"])
        #expect(try warehouse.snapshots(named: "churn").map(\.version) == [1, 2, 3, 4])
    }

    @Test func aSnapshotKeepsEverythingItWasGiven() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let draft = try RegistryFixtures.draft()
        let saved = try warehouse.saveSnapshot(draft, createdAt: 1_700_000_000)
        let read = try warehouse.snapshot("churn@1")
        #expect(read == saved)
        #expect(read.name == "churn" && read.kind == "logistic_regression" && read.version == 1)
        #expect(read.createdAt == 1_700_000_000)
        #expect(read.codeVersion == LifecycleVersion.current)
        #expect(read.hyperparameters == draft.hyperparameters)
        #expect(read.hyperparameters["horizon_days"] == .integer(90))
        #expect(read.metrics == draft.metrics)
        #expect(read.metrics["calibration"].flatMap { if case .array(let rows) = $0 { rows.count } else { nil } } == 2)
        #expect(read.metrics.members?.map(\.key) == ["auc", "log_loss", "baseline", "calibration"], "member order is kept")
        #expect(read.trainingAsOf == draft.trainingAsOf)
        #expect(read.trainingWindow == draft.trainingWindow)
        #expect(read.trainingRows == 4338)
        #expect(read.dataFingerprint == RegistryFixtures.fingerprint)
        #expect(read.weightsFormat == "lifecycle-weights-1")
        // The JSON columns are plain JSON for any SQLite client.
        #expect(try warehouse.db.scalar("SELECT json_extract(metrics, '$.baseline.auc') FROM model_snapshots").double == 0.64)
    }

    @Test func snapshotsAreImmutable() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.saveSnapshot(try RegistryFixtures.draft())
        for sql in ["UPDATE model_snapshots SET metrics = '{}'", "UPDATE model_snapshots SET weights = x'00'",
                    "DELETE FROM model_snapshots"] {
            let error = try #require(throws: SQLiteError.self) { try warehouse.db.execute(sql) }
            #expect(error.message.contains("immutable"), "\(sql)")
        }
        // Raw inserts cannot skip or repeat a version, or change the kind.
        let insert = """
            INSERT INTO model_snapshots (name, kind, version, created_at, code_version, training_as_of, training_rows,
                data_fingerprint, weights, weights_sha256, weights_format, record_sha256)
            VALUES ('churn', ?, ?, 0, 'x', 0, 0, printf('%064d', 0), x'00', printf('%064d', 0), 'lifecycle-weights-1', printf('%064d', 0))
            """
        for (kind, version, why) in [("logistic_regression", 1, "next version"), ("logistic_regression", 3, "next version"),
                                      ("kmeans", 2, "same kind")] {
            let error = try #require(throws: SQLiteError.self) { try warehouse.db.run(insert, kind, version) }
            #expect(error.message.contains(why))
        }
        #expect(try warehouse.count("SELECT count(*) FROM model_snapshots") == 1)
    }

    @Test func aNameKeepsOneKind() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.saveSnapshot(try RegistryFixtures.draft())
        let kmeans = KMeansModel(standardizer: nil, centroids: FeatureMatrix(rows: 1, columns: 1, values: [0])).encodeParameters()
        #expect(throws: RegistryError.kindMismatch("churn", existing: "logistic_regression", new: "kmeans")) {
            try warehouse.saveSnapshot(ModelSnapshotDraft(name: "churn", parameters: kmeans, trainingAsOf: 0, trainingRows: 1,
                                                          dataFingerprint: RegistryFixtures.fingerprint))
        }
    }

    @Test func invalidDraftsAreRefusedWithTheReason() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        func reason(_ change: (inout ModelSnapshotDraft) -> Void) throws -> String {
            var draft = try RegistryFixtures.draft()
            change(&draft)
            do {
                _ = try warehouse.saveSnapshot(draft)
                return "saved"
            } catch {
                return "\(error)"
            }
        }
        #expect(try reason { $0.name = "churn@2" }.contains("must start with a letter or digit"))
        #expect(try reason { $0.name = "" }.contains("empty"))
        #expect(try reason { $0.dataFingerprint = "abc" }.contains("SHA-256 in hex"))
        #expect(try reason { $0.trainingRows = -1 }.contains("negative"))
        #expect(try reason { $0.metrics = ["auc": .number(.nan)] }.contains("auc is nan"))
        #expect(try reason { $0.metrics = ["baseline": ["auc": .number(.infinity)]] }.contains("baseline.auc is inf"))
        #expect(try reason { $0.hyperparameters = [1, 2] }.contains("must be a JSON object"))
        #expect(try reason { $0.parameters = ModelParameters(kind: "k", tensors: [.scalar("a,b", 1)]) }.contains("without commas"))
        #expect(try warehouse.count("SELECT count(*) FROM model_snapshots") == 0)
        // An upper-case fingerprint is stored in lower case.
        #expect(try reason { $0.dataFingerprint = String(repeating: "AB", count: 32) } == "saved")
        #expect(try warehouse.snapshot("churn").dataFingerprint == RegistryFixtures.fingerprint)
    }

    @Test func referencesResolveToVersionsAliasesAndLatest() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        for auc in [0.6, 0.7, 0.8] { _ = try warehouse.saveSnapshot(try RegistryFixtures.draft(auc: auc)) }
        #expect(try warehouse.snapshot("churn").version == 3, "no production alias: the latest")
        #expect(try warehouse.describe(ModelReference(parsing: "churn")).resolvedVia == "latest")
        try warehouse.promote(name: "churn", version: 2, reason: "best holdout", by: "ana")
        try warehouse.promote(name: "churn", version: 3, alias: "candidate", by: "ana")
        #expect(try warehouse.snapshot("churn").version == 2, "bare name: production")
        #expect(try warehouse.snapshot("churn@production").version == 2)
        #expect(try warehouse.snapshot("churn@candidate").version == 3)
        #expect(try warehouse.snapshot("churn@latest").version == 3)
        #expect(try warehouse.snapshot("churn@1").metrics["auc"] == 0.6)
        let description = try warehouse.describe(ModelReference(parsing: "churn@2"))
        #expect(description.aliases == ["production"])
        #expect(description.tensors.map(\.name) == ["intercept", "coefficients", "feature_means", "feature_standard_deviations"])
        #expect(description.tensors.map(\.shape) == [[], [2], [2], [2]])
        #expect(description.weightsProblem == nil)

        #expect(throws: RegistryError.unknownModel("chrun", known: ["churn"])) { try warehouse.snapshot("chrun") }
        #expect(throws: RegistryError.unknownVersion("churn", version: 9, latest: 3)) { try warehouse.snapshot("churn@9") }
        #expect(throws: RegistryError.unknownAlias("churn", alias: "staging", aliases: ["candidate", "production"])) {
            try warehouse.snapshot("churn@staging")
        }
        for text in ["churn@", "@3", "churn@0", "churn@latest!", "ch urn"] {
            #expect(throws: RegistryError.self, "\(text)") { try ModelReference(parsing: text) }
        }
        #expect(try ModelReference(parsing: "churn@3") == ModelReference(name: "churn", selector: .version(3)))
        #expect(try ModelReference(parsing: "churn@production").description == "churn@production")
        #expect("\(RegistryError.unknownModel("x", known: []))".contains("no models yet"))
    }
}
