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
        let models = try list()
        // churn@2 is the latest, but production names churn@1: its AUC is the one shown.
        #expect(row(models, "churn")?["main_metric"] == "roc_auc")
        #expect(row(models, "churn")?["main_metric_version"] == 1)
        #expect(row(models, "churn")?["main_metric_value"] == (try stored("$.holdout.roc_auc", "churn", 1)))
        #expect(row(models, "clv")?["main_metric"] == "holdout_mae")
        #expect(row(models, "clv")?["main_metric_value"] == (try stored("$.holdout.mean_absolute_error", "clv", 1)))
        #expect(row(models, "segments")?["main_metric"] == "inertia")
        #expect(row(models, "segments")?["main_metric_value"] == (try stored("$.inertia", "segments", 1)))
        #expect(row(models, "recommendations")?["main_metric"] == "hit_rate")

        #expect(try Binary.run(["models", "unalias", "churn@production", "--db", "w.db"], directory: work.url).status == 0)
        let unaliased = try list()
        #expect(row(unaliased, "churn")?["main_metric_version"] == 2)
        #expect(row(unaliased, "churn")?["main_metric_value"] == (try stored("$.holdout.roc_auc", "churn", 2)))

        let versions = try list(["churn"])
        #expect(versions.arrayElement(0)?["main_metric_value"] == (try stored("$.holdout.roc_auc", "churn", 1)))
        #expect(versions.arrayElement(1)?["main_metric_value"] == (try stored("$.holdout.roc_auc", "churn", 2)))
        let table = try Binary.run(["models", "list", "--db", "w.db", "--format", "table"], directory: work.url)
        #expect(table.stdout.contains("main metric") && table.stdout.contains("roc_auc"))
    }
}
