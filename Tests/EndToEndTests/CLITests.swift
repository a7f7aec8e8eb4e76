import Foundation
import SQLiteStore
import Testing

/// The binary as a user runs it: exit codes, stdin, gzip, rejects files, status, errors.
@Suite struct CLITests {
    static let dump = """
        InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
        536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850,United Kingdom
        536366,22633,HAND WARMER UNION JACK,six,2010-12-01 08:28:00,1.85,17850,United Kingdom
        536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,2010-12-01 08:34:00,1.69,13047,United Kingdom

        """

    @Test func importFromStdinWritesRejectsAndReportsJSON() throws {
        let work = try WorkDirectory()
        let result = try Binary.run(["import", "orders", "-", "--format", "online-retail", "--timezone", "Europe/London",
                                     "--db", "w.db", "--rejects", "rejects.csv", "--json"],
                                    directory: work.url, stdin: Data(Self.dump.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        #expect(summary?.first?["read"] as? Int == 3)
        #expect(summary?.first?["loaded"] as? Int == 2)
        #expect(summary?.first?["rejected"] as? Int == 1)
        let rejects = try String(contentsOfFile: work.path("rejects.csv"), encoding: .utf8)
        #expect(rejects == "file,line,reason,raw\n-,3,quantity 'six' is not a whole number,\"536366,22633,HAND WARMER UNION JACK,six,2010-12-01 08:28:00,1.85,17850,United Kingdom\"\n")
        // stdin has no file to hash beforehand; the ledger still gets the hash of what was read.
        let db = try Connection(path: work.path("w.db"), mode: .readOnly)
        #expect(try db.scalar("SELECT length(sha256) FROM imports").int64 == 64)
    }

    @Test func strictExitsNonZeroNamingFileAndLine() throws {
        let work = try WorkDirectory()
        try Self.dump.write(toFile: work.path("d.csv"), atomically: true, encoding: .utf8)
        let result = try Binary.run(["import", "orders", "d.csv", "--format", "online-retail", "--timezone", "Europe/London",
                                     "--db", "w.db", "--strict"], directory: work.url)
        #expect(result.status != 0)
        #expect(result.stderr.contains("d.csv:3: quantity 'six' is not a whole number"))
    }

    @Test func gzipInputAndStatus() throws {
        let work = try WorkDirectory()
        try Self.dump.write(toFile: work.path("d.csv"), atomically: true, encoding: .utf8)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = [work.path("d.csv")]
        try gzip.run()
        gzip.waitUntilExit()
        let result = try Binary.run(["import", "orders", "d.csv.gz", "--format", "online-retail", "--timezone", "Europe/London"],
                                    directory: work.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("read 3, loaded 2, duplicates 0, rejected 1"))
        // The default database is ./lifecycle.db.
        let status = try Binary.run(["status", "--format", "json"], directory: work.url)
        // Status rows are (section, name, value), docs/OUTPUT.md.
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let rows = object?["rows"] as? [[String: Any]] ?? []
        func value(_ section: String, _ name: String) -> Any? {
            rows.first { $0["section"] as? String == section && $0["name"] as? String == name }?["value"]
        }
        #expect(value("tables", "order_lines") as? Int == 2)
        #expect(value("customer_totals", "current") as? Bool == true)
        #expect(value("import 1", "status") as? String == "finished")
    }

    @Test func missingTimezoneAndUnknownFileAreClearErrors() throws {
        let work = try WorkDirectory()
        let noZone = try Binary.run(["import", "orders", "x.csv", "--format", "online-retail"], directory: work.url)
        #expect(noZone.status != 0)
        #expect(noZone.stderr.contains("--timezone is required"))
        let missing = try Binary.run(["import", "orders", "nope.csv", "--format", "csv"], directory: work.url)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("nope.csv: No such file or directory"))
    }

    @Test func migrateRefusesADatabaseFromTheFuture() throws {
        let work = try WorkDirectory()
        #expect(try Binary.run(["migrate", "--db", "w.db"], directory: work.url).status == 0)
        let db = try Connection(path: work.path("w.db"))
        try db.execute("INSERT INTO schema_migrations VALUES (999, 'from_the_future', 'x', 0)")
        let result = try Binary.run(["status", "--db", "w.db"], directory: work.url)
        #expect(result.status != 0)
        #expect(result.stderr.contains("schema version 999, written by a newer lifecycle"))
    }
}

/// Train, promote only when better, and score through the binary.
@Suite struct ChurnCLITests {
    @Test func trainPromoteAndScore() throws {
        let work = try WorkDirectory()
        #expect(try Binary.run(["demo", "--users", "800", "--db", "w.db"], directory: work.url).status == 0)
        // The demo stored churn@1–3 (logistic, gbt, sequence) and promoted the best; the same logistic
        // training again beats none of them: not promoted.
        let again = try Binary.run(["train", "churn", "--db", "w.db", "--promote", "--format", "json"], directory: work.url)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("stored as churn@4"))
        #expect(again.stderr.contains("production unchanged"))
        let metrics = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any]
        let rows = metrics?["rows"] as? [[String: Any]] ?? []
        #expect(rows.first { $0["metric"] as? String == "ROC AUC" }?["model"] is Double)
        let score = try Binary.run(["score", "churn@4", "--db", "w.db", "--top", "3", "--format", "csv"], directory: work.url)
        #expect(score.status == 0, "\(score.stderr)")
        #expect(score.stdout.split(separator: "\n").count == 4)
        let db = try Connection(path: work.path("w.db"), mode: .readOnly)
        // production's scores from the demo and churn@4's (the demo's clv@1 stores its values there too).
        #expect(try db.scalar("""
            SELECT count(DISTINCT p.snapshot_id) FROM predictions p JOIN model_snapshots s ON s.id = p.snapshot_id WHERE s.name = 'churn'
            """).int64 == 2)
        // Boosted trees are the next churn version and score through the same command.
        let trees = try Binary.run(["train", "churn", "--db", "w.db", "--model", "gbt", "--max-iterations", "20"], directory: work.url)
        #expect(trees.status == 0, "\(trees.stderr)")
        #expect(trees.stderr.contains("stored as churn@5"))
        #expect(trees.stdout.contains("gradient-boosted trees"))
        #expect(trees.stdout.contains("feature importance"))
        let treeScores = try Binary.run(["score", "churn@5", "--db", "w.db", "--top", "3", "--format", "csv"], directory: work.url)
        #expect(treeScores.status == 0, "\(treeScores.stderr)")
        #expect(treeScores.stdout.split(separator: "\n").count == 4)
        // So is the sequence model; once production, `score churn@production` scores with it.
        let sequence = try Binary.run(["train", "churn", "--db", "w.db", "--model", "sequence", "--max-epochs", "2", "--periods", "8",
                                       "--sequence-period", "month", "--hidden-size", "4"], directory: work.url)
        #expect(sequence.status == 0, "\(sequence.stderr)")
        #expect(sequence.stderr.contains("stored as churn@6"))
        #expect(sequence.stdout.contains("GRU over 8 months"))
        #expect(try Binary.run(["models", "promote", "churn@6", "--db", "w.db"], directory: work.url).status == 0)
        let sequenceScores = try Binary.run(["score", "churn@production", "--db", "w.db", "--top", "3", "--format", "csv"], directory: work.url)
        #expect(sequenceScores.status == 0, "\(sequenceScores.stderr)")
        #expect(sequenceScores.stderr.contains("by churn@6"))
        #expect(sequenceScores.stdout.split(separator: "\n").count == 4)
        let shown = try Binary.run(["models", "show", "churn@6", "--db", "w.db", "--format", "csv"], directory: work.url)
        #expect(shown.stdout.contains("hyperparameters,sequence_period,month") && shown.stdout.contains("hyperparameters,hidden_size,4"))
        let export = try Binary.run(["models", "export", "churn@6", "--db", "w.db", "--out", "churn-6.safetensors"], directory: work.url)
        #expect(export.status == 0, "\(export.stderr)")
        let compare = try Binary.run(["models", "compare", "churn", "--db", "w.db", "--format", "json"], directory: work.url)
        #expect(compare.status == 0, "\(compare.stderr)")
        let table = try JSONSerialization.jsonObject(with: Data(compare.stdout.utf8)) as? [String: Any]
        let models = (table?["rows"] as? [[String: Any]])?.compactMap { $0["model"] as? String }
        #expect(models == ["churn@1", "recency baseline", "churn@2", "churn@3", "churn@4", "churn@5", "churn@6"])
        #expect((table?["rows"] as? [[String: Any]])?.last?["kind"] as? String == "sequence")
        let tooLate = try Binary.run(["train", "churn", "--db", "w.db", "--as-of", "2011-12-01"], directory: work.url)
        #expect(tooLate.status != 0)
        #expect(tooLate.stderr.contains("after the data"))
    }
}
