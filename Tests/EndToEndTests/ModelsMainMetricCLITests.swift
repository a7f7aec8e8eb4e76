import Foundation
import SQLiteStore
import Testing
import Warehouse

/// `models list` shows each model's main metric, of the version production names (else the
/// latest), and `models list NAME` each version's; the values are the ones training stored.
@Suite struct ModelsMainMetricCLITests {
    @Test func listShowsTheMainMetricOfProductionElseTheLatest() throws {
        let work = try WorkDirectory()
        #expect(try Binary.run(["demo", "--users", "600", "--db", "w.db"], directory: work.url).status == 0)
        let train = try Binary.run(["train", "churn", "--db", "w.db", "--l2", "5"], directory: work.url)
        #expect(train.status == 0, "\(train.stderr)")
        let db = try Connection(path: work.path("w.db"), mode: .readOnly)
        func stored(_ path: String, _ name: String, _ version: Int) throws -> JSONValue {
            .number(try #require(try db.scalar("SELECT json_extract(metrics, ?) FROM model_snapshots WHERE name = ? AND version = ?",
                                              path, name, version).double))
        }
        func list(_ arguments: [String] = []) throws -> JSONValue {
            let result = try Binary.run(["models", "list"] + arguments + ["--db", "w.db", "--format", "json"], directory: work.url)
            #expect(result.status == 0, "\(result.stderr)")
            return try #require(try JSONValue.parse(result.stdout)["rows"])
        }
        func row(_ rows: JSONValue, _ model: String) -> JSONValue? {
            guard case .array(let items) = rows else { return nil }
            return items.first { $0["model"] == .string(model) }
        }
        // The demo stores churn@1–3 (logistic, gbt, sequence) and promotes by its rule; the
        // training above is the latest, churn@4. Production's AUC is the one shown.
        let production = Int(try #require(try db.scalar(
            "SELECT version FROM model_aliases WHERE name = 'churn' AND alias = 'production'").int64))
        #expect(production < 4)
        let models = try list()
        #expect(row(models, "churn")?["main_metric"] == "roc_auc")
        #expect(row(models, "churn")?["main_metric_version"] == .integer(Int64(production)))
        #expect(row(models, "churn")?["main_metric_value"] == (try stored("$.holdout.roc_auc", "churn", production)))
        #expect(row(models, "clv")?["main_metric"] == "holdout_mae")
        #expect(row(models, "clv")?["main_metric_value"] == (try stored("$.holdout.mean_absolute_error", "clv", 1)))
        #expect(row(models, "segments")?["main_metric"] == "inertia")
        #expect(row(models, "segments")?["main_metric_value"] == (try stored("$.inertia", "segments", 1)))
        #expect(row(models, "recommendations")?["main_metric"] == "hit_rate")

        #expect(try Binary.run(["models", "unalias", "churn@production", "--db", "w.db"], directory: work.url).status == 0)
        let unaliased = try list()
        #expect(row(unaliased, "churn")?["main_metric_version"] == 4)
        #expect(row(unaliased, "churn")?["main_metric_value"] == (try stored("$.holdout.roc_auc", "churn", 4)))

        let versions = try list(["churn"])
        for version in 1...4 {
            #expect(versions.arrayElement(version - 1)?["main_metric_value"] == (try stored("$.holdout.roc_auc", "churn", version)))
        }
        let table = try Binary.run(["models", "list", "--db", "w.db", "--format", "table"], directory: work.url)
        #expect(table.stdout.contains("main metric") && table.stdout.contains("roc_auc"))
    }
}
