import Foundation
import Testing
import SQLiteStore

/// Several `lifecycle` processes started together on one warehouse: every command succeeds, and
/// the warehouse ends up with the same content as when the same commands run one after another.
///
/// The claim is exact for commands whose result does not depend on the order the writer lock
/// grants them: imports of disjoint invoices (phase 1), and in phase 2 an import of later orders
/// and events of existing customers next to training, scoring, an alias move and an RFM snapshot
/// that all read the data as of an earlier date. Content is compared by natural keys (external
/// ids, file names, model@version), because row ids follow the order the imports ran in, and
/// without wall-clock columns (started_at, created_at...).
@Suite struct ConcurrentCommandsTests {
    static let asOf = "2011-10-01"

    /// One phase's commands: arguments without `--db`.
    static func phaseOne(_ files: SampleFiles) -> [[String]] {
        files.orderParts.map { ["import", "orders", $0, "--format", "online-retail", "--timezone", "Europe/London", "--batch-size", "500"] }
            + [["migrate"]]
    }

    static let trainChurn = ["train", "churn", "--as-of", "2011-07-01", "--horizon", "60d"]

    static func phaseTwo(_ files: SampleFiles) -> (writers: [[String]], readers: [[String]]) {
        (writers: [
            ["import", "orders", files.laterOrders, "--format", "online-retail", "--timezone", "Europe/London"],
            ["import", "events", files.laterEvents, "--format", "csv"],
            ["train", "segments", "--as-of", asOf, "--k", "3"],
            ["score", "churn@1", "--as-of", asOf, "--format", "csv"],
            ["models", "promote", "churn", "1"],
            ["rfm", "--save", "--as-of", asOf, "--format", "csv"],
        ], readers: [["status"], ["rfm", "--as-of", asOf, "--format", "csv"]])
    }

    @Test("imports, training, scoring and saves started together all succeed and leave what running them one after another leaves, from a path where no warehouse exists yet")
    func commandsStartedTogetherEqualTheSequentialRun() throws {
        let work = try WorkDirectory()
        let files = try SampleFiles(in: work)
        let together = work.path("together.db"), sequential = work.path("sequential.db")

        try runTogether(Self.phaseOne(files), db: together, in: work)
        #expect(try run(Self.trainChurn, db: together, in: work).status == 0)
        let phaseTwo = Self.phaseTwo(files)
        try runTogether(phaseTwo.writers + phaseTwo.readers, db: together, in: work)

        // Phase 1's imports create the users, products and orders, whose ids (and so the order
        // in which training reads them) follow the order the writer lock granted: the sequential
        // run repeats that order, read back from the imports' ids (the ledger keeps base names).
        let granted = try Connection(path: together, mode: .readOnly)
            .query("SELECT file_name FROM imports ORDER BY id").compactMap { $0[0].string }
        func position(_ command: [String]) -> Int {
            command.count > 2 ? granted.firstIndex(of: URL(fileURLWithPath: command[2]).lastPathComponent) ?? granted.count : granted.count
        }
        let phaseOne = Self.phaseOne(files).sorted { position($0) < position($1) }
        for command in phaseOne + [Self.trainChurn] + phaseTwo.writers {
            let result = try run(command, db: sequential, in: work)
            #expect(result.status == 0, "sequential \(command.joined(separator: " ")): \(result.stderr)")
        }

        let expected = try WarehouseDump(path: sequential), actual = try WarehouseDump(path: together)
        #expect(expected.tables["orders"]?.count == files.orderCount + 20 / 2)
        #expect(expected.tables["predictions"]?.isEmpty == false)
        #expect(expected.tables["model_snapshots"]?.count == 2)
        for table in expected.tables.keys.sorted() {
            let want = expected.tables[table] ?? [], got = actual.tables[table] ?? []
            #expect(want == got, "\(table): \(want.count) rows sequentially, \(got.count) together; first difference: \(zip(want, got).first { $0 != $1 }.map { "\($0.0) / \($0.1)" } ?? "in the count")")
        }
    }

    /// Starts every command at once and waits for all; each must exit 0.
    private func runTogether(_ commands: [[String]], db: String, in work: WorkDirectory) throws {
        var running: [(command: [String], process: Process, stderr: URL)] = []
        for (index, command) in commands.enumerated() {
            let stderr = work.url.appendingPathComponent("stderr-\(UUID().uuidString)-\(index).txt")
            #expect(FileManager.default.createFile(atPath: stderr.path, contents: nil))
            let process = Process()
            process.executableURL = Binary.url
            process.arguments = command + ["--db", db]
            process.currentDirectoryURL = work.url
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: stderr)
            process.standardInput = FileHandle.nullDevice
            running.append((command, process, stderr))
        }
        for entry in running { try entry.process.run() }
        for entry in running {
            entry.process.waitUntilExit()
            let message = (try? String(contentsOf: entry.stderr, encoding: .utf8)) ?? ""
            #expect(entry.process.terminationStatus == 0, "\(entry.command.joined(separator: " ")) started together: \(message)")
            #expect(!message.contains("waiting for"), "a writer announces its wait only on a terminal: \(message)")
        }
    }

    private func run(_ command: [String], db: String, in work: WorkDirectory) throws -> Binary.Result {
        try Binary.run(command + ["--db", db], directory: work.url)
    }
}

/// A generated sample shop's orders split by invoice into three files, plus later orders and
/// events of the same customers and products (June 2012, after every as-of the tests use).
struct SampleFiles {
    let orderParts: [String]
    let laterOrders: String
    let laterEvents: String
    /// Distinct invoices in the three parts.
    let orderCount: Int

    init(in work: WorkDirectory) throws {
        let sample = work.path("sample")
        let generated = try Binary.run(["generate", "--users", "150", "--seed", "7", "--out", sample, "--no-events"], directory: work.url)
        guard generated.status == 0 else { throw SampleError(text: generated.stderr) }
        let text = try String(contentsOfFile: sample + "/orders.csv", encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let header = lines.removeFirst()
        var parts: [[String]] = [[], [], []]
        var invoices = Set<String>()
        for line in lines {
            let invoice = String(line.prefix { $0 != "," })
            invoices.insert(invoice)
            parts[invoice.unicodeScalars.reduce(0) { $0 + Int($1.value) } % 3].append(line)
        }
        orderParts = try parts.enumerated().map { index, part in
            let path = work.path("orders-\(index).csv")
            try ([header] + part).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        orderCount = invoices.count
        // Twenty lines of existing invoices, as ten new invoices of two lines each in June 2012.
        var later = [header], events = ["event_id,user_id,occurred_at,type,product_id"]
        for (index, line) in lines.filter({ !$0.hasPrefix("C") && !$0.contains(",,") }).prefix(20).enumerated() {
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 8 else { continue }
            fields[0] = "900\(index / 2)"
            fields[4] = "2012-06-0\(index / 4 + 1) 12:00:00"
            later.append(fields.joined(separator: ","))
            events.append("later\(index),\(fields[6]),2012-06-0\(index / 4 + 1)T10:00:00Z,view,\(fields[1])")
        }
        laterOrders = work.path("later-orders.csv")
        laterEvents = work.path("later-events.csv")
        try later.joined(separator: "\n").appending("\n").write(toFile: laterOrders, atomically: true, encoding: .utf8)
        try events.joined(separator: "\n").appending("\n").write(toFile: laterEvents, atomically: true, encoding: .utf8)
    }

    struct SampleError: Error { let text: String }
}

/// Every table's rows as sorted text, ids replaced by the natural keys they point at and
/// wall-clock columns left out, so two warehouses built in different orders compare equal.
struct WarehouseDump {
    let tables: [String: [String]]

    /// Columns that record when or by which process something ran, not what it holds: wall-clock
    /// times, the record checksum of a snapshot (it covers `created_at`), and a snapshot's lineage
    /// (`trained_through_import`: the newest import when it was saved, which depends on the turn
    /// the lock gave it, not on its content).
    static let wallClock: Set<String> = ["applied_at", "started_at", "finished_at", "pid", "built_at", "created_at",
                                         "moved_at", "refreshed_at", "seconds", "record_sha256", "trained_through_import"]
    /// Members of a snapshot's metrics that time the fit and the scoring (wall clock, not content).
    static let timedMetrics = ["$.training_seconds", "$.scoring_seconds_per_100k"]
    /// How a row of a referenced table is named without its id.
    static let naturalKey: [String: String] = [
        "users": "external_id", "products": "external_id", "orders": "external_id", "imports": "file_name",
        "model_snapshots": "name || '@' || version", "rfm_snapshots": "as_of || ' ' || method",
    ]

    init(path: String) throws {
        let db = try Connection(path: path, mode: .readOnly)
        var tables: [String: [String]] = [:]
        let names = try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'")
            .compactMap { $0[0].string }
        for table in names {
            var references: [String: String] = [:]
            for row in try db.query("SELECT \"from\", \"table\" FROM pragma_foreign_key_list(?)", table) {
                if let column = row[0].string, let target = row[1].string { references[column] = target }
            }
            var expressions: [String] = []
            for row in try db.query("SELECT name FROM pragma_table_info(?) ORDER BY cid", table) {
                guard let column = row[0].string, column != "id", !Self.wallClock.contains(column) else { continue }
                if let target = references[column], let key = Self.naturalKey[target] {
                    expressions.append("(SELECT \(key) FROM \(target) r WHERE r.id = t.\(column))")
                } else if table == "model_snapshots" && column == "metrics" {
                    expressions.append("quote(json_remove(t.metrics, \(Self.timedMetrics.map { "'\($0)'" }.joined(separator: ", "))))")
                } else {
                    expressions.append("quote(t.\(column))")
                }
            }
            guard !expressions.isEmpty else { continue }
            let sql = "SELECT " + expressions.map { "coalesce(\($0), 'NULL')" }.joined(separator: " || '|' || ") + " FROM \(table) t"
            tables[table] = try db.query(sql).map { $0[0].string ?? "" }.sorted()
        }
        self.tables = tables
    }
}
