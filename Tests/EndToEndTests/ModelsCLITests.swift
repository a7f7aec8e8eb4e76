import Foundation
import Learning
import SQLiteStore
import Testing
import Warehouse

/// `lifecycle models ...` as a user runs it: snapshots are saved through the library (as a
/// trainer would), the binary lists, shows, diffs, promotes, rolls back, exports and verifies
/// them, and the database is reopened to check what it recorded.
@Suite struct ModelsCLITests {
    /// A warehouse in `work` with churn@1, churn@2 (better AUC) and clv@1; `marker` is a
    /// coefficient of churn@1, to find its bytes in the file.
    static let marker = 8765.4321

    static func seed(_ work: WorkDirectory) throws {
        let warehouse = try Warehouse(path: work.path("w.db"))
        for (name, coefficients, auc) in [("churn", [marker, -1.5], 0.70), ("churn", [0.5, -1.25], 0.74), ("clv", [1.0], 0.6)] {
            let model = LogisticRegressionModel(
                standardizer: Standardizer(means: coefficients.map { _ in 0 }, standardDeviations: coefficients.map { _ in 1 }),
                intercept: -0.5, coefficients: coefficients)
            _ = try warehouse.saveSnapshot(ModelSnapshotDraft(
                name: name, parameters: model.encodeParameters(), hyperparameters: ["l2_penalty": 1.0, "horizon_days": 90],
                trainingAsOf: 1_306_886_400, trainingWindow: 1_275_350_400...1_306_886_399, trainingRows: 4338,
                dataFingerprint: String(repeating: "0f", count: 32),
                metrics: ["auc": .number(auc), "baseline": ["auc": 0.64],
                          "calibration": [["bin": 1, "predicted": 0.1, "observed": 0.12], ["bin": 2, "predicted": 0.3, "observed": 0.28]]]))
        }
    }

    /// Runs the binary on the test's warehouse `w.db`, with extra environment variables.
    static func run(_ arguments: [String], in work: WorkDirectory, environment: [String: String] = [:]) throws -> Binary.Result {
        try Binary.run(arguments + ["--db", "w.db"], directory: work.url, environment: environment)
    }

    static func json(_ result: Binary.Result) throws -> JSONValue {
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONValue.parse(result.stdout)
    }

    @Test func listShowAndDiff() throws {
        let work = try WorkDirectory()
        try Self.seed(work)
        let list = try #require(try Self.json(try Self.run(["models", "list", "--format", "json"], in: work))["rows"])
        // These seeded metrics hold no holdout ROC AUC: the main metric is null, not invented.
        #expect(list == [["model": "churn", "kind": "logistic_regression", "versions": 2,
                          "latest_created_at": list.arrayElement(0)?["latest_created_at"] ?? nil, "aliases": "",
                          "main_metric": .null, "main_metric_value": .null, "main_metric_version": 2],
                         ["model": "clv", "kind": "logistic_regression", "versions": 1,
                          "latest_created_at": list.arrayElement(1)?["latest_created_at"] ?? nil, "aliases": "",
                          "main_metric": .null, "main_metric_value": .null, "main_metric_version": 1]])
        let versions = try Self.run(["models", "list", "churn", "--format", "csv"], in: work)
        #expect(versions.stdout.split(separator: "\n").count == 3)

        let show = try #require(try Self.json(try Self.run(["models", "show", "churn@2", "--format", "json"], in: work))["model"])
        #expect(show["reference"] == "churn@2")
        #expect(show["metrics"]?["baseline"]?["auc"] == 0.64)
        #expect(show["training"]?["rows"] == 4338)
        #expect(show["training"]?["as_of"] == "2011-06-01T00:00:00Z")
        #expect(show["hyperparameters"]?["horizon_days"] == 90)
        #expect(show["weights"]?["tensors"] == [["name": "intercept", "shape": []], ["name": "coefficients", "shape": [2]],
                                                 ["name": "feature_means", "shape": [2]], ["name": "feature_standard_deviations", "shape": [2]]])
        let table = try Self.run(["models", "show", "churn", "--format", "table"], in: work)
        #expect(table.status == 0)
        for text in ["churn@2 (via latest)", "Hyperparameters", "horizon_days", "baseline.auc", "Metrics: calibration",
                     "predicted", "coefficients", "training window", "2010-06-01T00:00:00Z … 2011-05-31T23:59:59Z"] {
            #expect(table.stdout.contains(text), "\(text)")
        }
        let markdown = try Self.run(["models", "show", "churn@1", "--format", "markdown"], in: work)
        #expect(markdown.stdout.contains("### Metrics: calibration"))

        let diff = try #require(try Self.json(try Self.run(["models", "diff", "churn@1", "churn@2", "--format", "json"], in: work))["diff"])
        #expect(diff["weights_identical"] == false)
        guard case .array(let fields)? = diff["fields"], case .array(let tensors)? = diff["tensors"] else {
            Issue.record("diff JSON lacks fields or tensors")
            return
        }
        #expect(fields.contains { $0["field"] == "auc" && $0["a"] == 0.70 && $0["b"] == 0.74 })
        #expect(!fields.contains { $0["field"] == "horizon_days" })
        #expect(tensors.contains { $0["tensor"] == "coefficients" && $0["max_abs_difference"] == .number(Self.marker - 0.5) })
        let text = try Self.run(["models", "diff", "churn@1", "churn@2", "--format", "table"], in: work)
        #expect(text.stdout.contains("max |difference|") && text.stdout.contains("identical"))
    }

    @Test func promoteRollbackAndHistoryAreRecorded() throws {
        let work = try WorkDirectory()
        try Self.seed(work)
        let promote = try Self.run(["models", "promote", "churn", "1", "--alias", "production", "--reason", "first model"],
                                   in: work, environment: ["LIFECYCLE_USER": "ana"])
        #expect(promote.status == 0, "\(promote.stderr)")
        #expect(promote.stdout.contains("churn: production (not set) → version 1"))
        #expect(try Self.run(["models", "promote", "churn", "2", "--reason", "better auc"], in: work,
                             environment: ["LIFECYCLE_USER": "ben"]).status == 0)
        #expect(try Self.run(["models", "promote", "churn", "2", "--alias", "candidate"], in: work).status == 0)
        let again = try Self.run(["models", "promote", "churn", "2"], in: work)
        #expect(again.status == 0 && again.stdout.contains("already points at version 2"))
        #expect(try Self.json(try Self.run(["models", "show", "churn", "--format", "json"], in: work))["model"]?["version"] == 2)

        let rollback = try Self.json(try Self.run(["models", "rollback", "churn", "--format", "json"], in: work,
                                                  environment: ["LIFECYCLE_USER": "cy"]))
        #expect(rollback["from_version"] == 2 && rollback["to_version"] == 1 && rollback["moved_by"] == "cy")
        #expect(try Self.json(try Self.run(["models", "show", "churn@production", "--format", "json"], in: work))["model"]?["version"] == 1)

        let history = try Self.json(try Self.run(["models", "history", "churn", "--alias", "production", "--format", "json"], in: work))
        guard case .array(let moves)? = history["rows"] else { Issue.record("history has no rows"); return }
        #expect(moves.map { $0["by"] ?? nil } == ["ana", "ben", "cy"])
        #expect(moves.map { $0["reason"] ?? nil } == ["first model", "better auc", "rollback of move 2"])

        // The database says the same, readable with plain SQL.
        let db = try Connection(path: work.path("w.db"), mode: .readOnly)
        let rows = try db.query("SELECT alias, from_version, to_version, moved_by FROM model_alias_moves ORDER BY id")
        #expect(rows.map { "\($0[0]) \($0[1]) \($0[2]) \($0[3])" }
                == ["production NULL 1 ana", "production 1 2 ben", "candidate NULL 2 \(RegistryClock.currentUser())", "production 2 1 cy"])
        #expect(try db.query("SELECT alias, version FROM model_aliases ORDER BY alias").map { "\($0[0])=\($0[1])" }
                == ["candidate=2", "production=1"])

        // "Which version was production at T": every move is at or after the first one.
        let first = try #require(try db.scalar("SELECT min(moved_at) FROM model_alias_moves").int64)
        let before = try Self.run(["models", "show", "churn@production", "--at", RegistryClock.iso(first - 1)], in: work)
        #expect(before.status != 0 && before.stderr.contains("pointed at no version"))
        let latest = try Self.json(try Self.run(["models", "show", "churn@production", "--at", RegistryClock.iso(first + 86_400), "--format", "json"], in: work))
        #expect(latest["model"]?["version"] == 1)

        let unalias = try Self.run(["models", "unalias", "churn", "--alias", "candidate"], in: work)
        #expect(unalias.status == 0 && unalias.stdout.contains("(removed)"))
    }

    @Test func exportWritesTheVerifiedBlobAndASidecar() throws {
        let work = try WorkDirectory()
        try Self.seed(work)
        let result = try Self.run(["models", "export", "churn@1", "--out", "churn-1.safetensors"], in: work)
        #expect(result.status == 0, "\(result.stderr)")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: work.path("churn-1.safetensors"))))
        let sidecar = try JSONValue.parse(String(contentsOfFile: work.path("churn-1.safetensors.json"), encoding: .utf8))
        #expect(sidecar["weights"]?["sha256"] == .string(WeightsFile.sha256(bytes)))
        let parameters = try WeightsFile.decode(bytes)
        #expect(parameters["coefficients"]?.values == [Self.marker, -1.5])
    }

    @Test("a metric forged in SQL (trigger dropped) fails verify and show, and scoring refuses the snapshot")
    func forgedMetricIsFound() throws {
        let work = try WorkDirectory()
        try Self.seed(work)
        do {
            let db = try Connection(path: work.path("w.db"))
            try db.execute("""
                DROP TRIGGER model_snapshots_no_update;
                UPDATE model_snapshots SET metrics = '{"auc": 0.99999}' WHERE name = 'churn' AND version = 1;
                """)
        }
        let verify = try Self.run(["models", "verify", "--format", "table"], in: work)
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("FAILED: the record of churn@1 fails its checksum"), "\(verify.stdout)")
        #expect(verify.stderr.contains("1 of 3 snapshots failed verification: churn@1"))

        let show = try Self.run(["models", "show", "churn@1", "--format", "json"], in: work)
        #expect(show.status == 1)
        let shown = try #require(try JSONValue.parse(show.stdout)["model"])
        #expect(shown["metrics"]?["auc"] == 0.99999 && shown["verification"]?["ok"] == false)
        #expect(show.stderr.contains("churn@1 fails verification, so the values shown cannot be trusted"))

        let score = try Self.run(["score", "churn@1", "--as-of", "2011-06-01"], in: work)
        #expect(score.status != 0)
        #expect(score.stderr.contains("the record of churn@1 fails its checksum"), "\(score.stderr)")
    }

    @Test("a snapshot deleted with the sqlite3 shell: verify reports the alias naming it, list marks it, score names the alias and the missing version")
    func deletedVersionBehindAnAlias() throws {
        let work = try WorkDirectory()
        try Self.seed(work)
        #expect(try Self.run(["models", "promote", "churn", "1"], in: work).status == 0)
        do {
            let db = try Connection(path: work.path("w.db"))
            try db.execute("""
                PRAGMA foreign_keys = OFF;
                DROP TRIGGER model_snapshots_no_delete;
                DELETE FROM model_snapshots WHERE name = 'churn' AND version = 1;
                """)
        }
        let verify = try Self.run(["models", "verify", "--format", "table"], in: work)
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("FAILED: alias production of churn names version 1, which is missing (version 2 exists)"), "\(verify.stdout)")
        #expect(verify.stdout.contains("MISSING: version 1 of churn is missing"))

        let list = try Self.run(["models", "list", "--format", "table"], in: work)
        #expect(list.status == 0 && list.stdout.contains("production=1 (MISSING)"), "\(list.stdout)")

        let score = try Self.run(["score", "churn@production", "--as-of", "2011-06-01"], in: work)
        #expect(score.status != 0)
        #expect(score.stderr.contains("alias production of churn names version 1, which is missing (version 2 exists)"), "\(score.stderr)")
    }

    @Test func verifyFindsACorruptedSnapshotAndLoadingRefusesIt() throws {
        let work = try WorkDirectory()
        try Self.seed(work)
        let clean = try Self.run(["models", "verify", "--format", "table"], in: work)
        #expect(clean.status == 0 && clean.stdout.contains("3 of 3 snapshots verified"), "\(clean.stdout)\(clean.stderr)")

        // Flip one bit of churn@1's weights in the file on disk (see RegistryIntegrityTests).
        let url = URL(fileURLWithPath: work.path("w.db"))
        var file = [UInt8](try Data(contentsOf: url))
        let needle = withUnsafeBytes(of: Self.marker.bitPattern.littleEndian) { Array($0) }
        let start = try #require((0...(file.count - 8)).first { Array(file[$0..<$0 + 8]) == needle })
        file[start + 2] ^= 0x10
        try Data(file).write(to: url)

        let verify = try Self.run(["models", "verify", "--format", "json"], in: work)
        #expect(verify.status == 1)
        #expect(verify.stderr.contains("1 of 3 snapshots failed verification: churn@1"))
        let report = try #require(try JSONValue.parse(verify.stdout)["verification"])
        #expect(report.arrayElement(0)?["ok"] == false && report.arrayElement(1)?["ok"] == true)
        #expect(report.arrayElement(0)?["problem"]?.stringValue?.contains("fail their checksum") == true)

        let export = try Self.run(["models", "export", "churn@1", "--out", "x.safetensors"], in: work)
        #expect(export.status != 0)
        #expect(export.stderr.contains("the weights of churn@1 fail their checksum"))
        #expect(export.stderr.contains("lifecycle models verify"))
        #expect(!FileManager.default.fileExists(atPath: work.path("x.safetensors")))
        // Describing it still prints what is stored, marked as failed, and exits 1.
        let show = try Self.run(["models", "show", "churn@1", "--format", "table"], in: work)
        #expect(show.status == 1 && show.stdout.contains("FAILED: the weights of churn@1 fail their checksum"), "\(show.stdout)")
        #expect(show.stderr.contains("churn@1 fails verification, so the values shown cannot be trusted"))
    }

    @Test func unknownModelsVersionsAndAliasesExitNonZero() throws {
        let work = try WorkDirectory()
        try Self.seed(work)
        let cases: [([String], String)] = [
            (["models", "show", "nope"], "no model named 'nope' (models: churn, clv)"),
            (["models", "show", "churn@9"], "model 'churn' has no version 9 (versions 1...2)"),
            (["models", "show", "churn@staging"], "model 'churn' has no alias 'staging'"),
            (["models", "show", "churn@"], "is not a model reference"),
            (["models", "show", "churn@2", "--at", "2024-01-01"], "--at picks the version an alias pointed at"),
            (["models", "show", "churn", "--at", "someday"], "--at: cannot read 'someday'"),
            (["models", "diff", "churn@1", "clv@5"], "model 'clv' has no version 5"),
            (["models", "promote", "churn", "3"], "model 'churn' has no version 3"),
            (["models", "promote", "churn", "1", "--alias", "latest"], "'latest' is reserved"),
            (["models", "rollback", "churn"], "cannot roll back alias 'production' of model 'churn': it has never been set"),
            (["models", "unalias", "churn", "--alias", "candidate"], "model 'churn' has no alias 'candidate'"),
            (["models", "export", "nope@1", "--out", "x"], "no model named 'nope'"),
            (["models", "history", "nope"], "no model named 'nope'"),
        ]
        for (arguments, message) in cases {
            let result = try Self.run(arguments, in: work)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        let missing = try Binary.run(["models", "list", "--db", "missing.db"], directory: work.url)
        #expect(missing.status != 0 && missing.stderr.contains("no warehouse at missing.db"))
        #expect(!FileManager.default.fileExists(atPath: work.path("missing.db")), "listing does not create a warehouse")
    }
}

extension JSONValue {
    /// The element at `index` when this is an array that long.
    func arrayElement(_ index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }
}
