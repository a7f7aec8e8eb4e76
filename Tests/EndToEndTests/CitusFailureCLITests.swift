import Foundation
import PostgresStore
import Testing

/// Issue 16's failure proofs for what runs on PostgreSQL today (migrate, status, import), on the
/// real Citus cluster of `CitusCLITests` (these tests are in that suite, so they run one at a time
/// and may stop one of its workers): a password in the URL is never printed or stored; a role
/// with only SELECT reads and is refused every write, with nothing written; a worker stopped
/// mid-import gives a clear error and whole batches only, and the re-run has SQLite's counts.
extension CitusCLITests {
    /// `url` with `password` added to its user.
    static func withPassword(_ url: String, user: String = "postgres", password: String) -> String {
        url.replacingOccurrences(of: "postgresql://postgres@", with: "postgresql://\(user):\(password)@")
    }

    /// The base tables of the warehouse's schema on the coordinator.
    static func tables(_ db: PGConnection) throws -> [String] {
        try db.query("""
            SELECT table_name::text FROM information_schema.tables
            WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1
            """).compactMap { $0[0].string }
    }

    @Test func aPasswordInTheURLIsNeverPrintedOrStored() throws {
        let work = try WorkDirectory()
        #expect(try Binary.run(["generate", "--users", "80", "--seed", "3", "--out", "shop"], directory: work.url).status == 0)
        let plain = try cluster.createDatabase("lc_password", citus: true)
        let url = Self.withPassword(plain, password: "s3cr3t-pw")
        let masked = Self.withPassword(plain, password: "***")
        // The cluster trusts local logins, so the password is sent nowhere; what matters is that the
        // client keeps it to itself: every output and every stored row is searched for it.
        var outputs: [String] = []
        for command in [["migrate"], ["import", "users", "shop/users.csv"],
                        ["import", "orders", "shop/orders.csv", "--format", "online-retail", "--timezone", "Europe/London"],
                        ["import", "events", "shop/events.csv", "--json"],
                        ["import", "orders", "shop/orders.csv", "--format", "online-retail", "--timezone", "UTC"],  // refused: other options
                        ["status", "--format", "table"], ["status", "--format", "json"]] {
            let result = try Binary.run(command + ["--db", url], directory: work.url)
            #expect(result.status == (command.last == "UTC" ? 1 : 0), "\(command): \(result.stderr)")
            outputs.append(result.stdout + result.stderr)
        }
        #expect(outputs.allSatisfy { !$0.contains("s3cr3t-pw") }, "the password was printed")
        #expect(outputs[0].contains("\(masked): applied "), "\(outputs[0])")
        #expect(outputs[5].hasPrefix("\(masked): schema version"), "\(outputs[5])")

        let db = try PGConnection.open(PostgresLocation(url: plain))
        defer { try? db.close() }
        #expect(try db.scalar("SELECT count(*) FROM imports WHERE status = 'finished'").int64 == 3)
        #expect(try db.scalar("SELECT count(*) FROM users").int64 ?? 0 > 0)
        // The ledger's stored options, file names and errors hold no URL, let alone its password.
        for row in try db.query("SELECT options, file_name, coalesce(error, '') FROM imports") {
            let stored = row.values.compactMap(\.string).joined(separator: " ")
            #expect(!stored.contains("s3cr3t") && !stored.contains("postgresql://") && !stored.contains("lc_password"), "\(stored)")
        }
        let tables = try Self.tables(db)
        #expect(tables.contains("imports") && tables.contains("order_lines"))
        for table in tables {
            #expect(try db.scalar("SELECT count(*) FROM \(table) AS r WHERE strpos(r::text, 's3cr3t') > 0").int64 == 0,
                    "\(table) stores the password")
        }
    }

    @Test func aRoleWithOnlySelectRunsEveryReadCommandAndIsRefusedEveryWriteWithNothingWritten() throws {
        let work = try WorkDirectory()
        #expect(try Binary.run(["generate", "--users", "80", "--seed", "4", "--out", "shop"], directory: work.url).status == 0)
        let url = try cluster.createDatabase("lc_readonly", citus: true)
        #expect(try lifecycle(["migrate", "--db", url]).status == 0)
        let orders = ["import", "orders", "shop/orders.csv", "--format", "online-retail", "--timezone", "Europe/London"]
        for command in [["import", "users", "shop/users.csv"], orders, ["import", "events", "shop/events.csv"]] {
            let result = try Binary.run(command + ["--db", url], directory: work.url)
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
        // The owner trains a model of every kind and scores with two, so the reader has models to read.
        for command in [["train", "clv"], ["train", "churn", "--promote"], ["train", "churn", "--model", "gbt"], ["train", "segments", "--k", "3", "--promote"],
                        ["train", "recommendations", "--promote"], ["train", "satisfaction"], ["score", "churn"], ["score", "segments"]] {
            let result = try Binary.run(command + ["--db", url], directory: work.url)
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
        try cluster.psql(database: "lc_readonly", "CREATE ROLE lc_reader LOGIN")
        try cluster.psql(database: "lc_readonly", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO lc_reader")
        let reader = Self.withPassword(url, user: "lc_reader", password: "r3ad-only-pw")
        let maskedReader = Self.withPassword(url, user: "lc_reader", password: "***")

        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        func state() throws -> [String] {
            try Self.postgresFigures(url).map(String.init) + Self.tables(db) + db.query("""
                SELECT id::text || status || rows_read::text || coalesce(error, '') FROM imports ORDER BY id
                """).compactMap { $0[0].string } + db.query("SELECT version::text FROM schema_migrations ORDER BY 1").compactMap { $0[0].string }
        }
        let before = try state()

        // Reading: status, in every format, sees what the owner sees.
        let ownerStatus = try lifecycle(["status", "--db", url, "--format", "json"])
        for format in ["table", "json", "csv"] {
            let result = try lifecycle(["status", "--db", reader, "--format", format])
            #expect(result.status == 0, "status --format \(format) as a reader: \(result.stderr)")
            if format == "json" {
                #expect(result.stdout == ownerStatus.stdout.replacingOccurrences(of: url, with: maskedReader), "\(result.stdout)")
            }
        }
        // The questions and the report answer the reader as they answer the owner.
        for command in [["rfm"], ["rfm", "--users"], ["retention", "--period", "week"], ["activity", "--activity", "events"],
                        ["query", "SELECT count(*) AS orders FROM orders"]] {
            let asOwner = try Binary.run(command + ["--db", url, "--format", "json"], directory: work.url)
            let asReader = try Binary.run(command + ["--db", reader, "--format", "json"], directory: work.url)
            #expect(asOwner.status == 0 && asReader.status == 0, "\(command) as a reader: \(asReader.stderr)")
            #expect(asReader.stdout == asOwner.stdout && asOwner.stdout.count > 100, "\(command) answers the reader otherwise")
        }
        // So do the commands that read models: the registry, the segments, one customer's products,
        // satisfaction, the lifetime summary, the import ledger and the privacy status.
        let customer = try #require(try db.query("SELECT external_id FROM users ORDER BY id LIMIT 1").first?[0].string)
        for command in [["models", "list"], ["models", "show", "churn"], ["models", "verify"], ["models", "history", "churn"], ["clv", "summary"],
                        ["segments"], ["recommend", customer], ["satisfaction", "--top", "5"], ["imports", "list"], ["privacy", "status"]] {
            let asOwner = try Binary.run(command + ["--db", url, "--format", "json"], directory: work.url)
            let asReader = try Binary.run(command + ["--db", reader, "--format", "json"], directory: work.url)
            #expect(asOwner.status == 0 && asReader.status == 0, "\(command) as a reader: \(asReader.stderr)")
            #expect(asReader.stdout == asOwner.stdout && asOwner.stdout.count > 100, "\(command) answers the reader otherwise")
        }
        let report = try Binary.run(["report", "--db", reader, "--out", "reader.html"], directory: work.url)
        #expect(report.status == 0 && report.stderr.hasPrefix("wrote reader.html"), "report as a reader: \(report.stderr)")
        #expect(try state() == before, "a read command as a reader changed the warehouse")

        let zone = try Binary.run(["reporting-timezone", "--db", reader], directory: work.url)
        #expect(zone.status == 0 && zone.stdout == "UTC\n", "reporting-timezone as a reader: \(zone.stderr)")

        // Writing: every command that writes is refused, naming the role and the permission.
        for command in [["migrate"], ["import", "users", "shop/users.csv"], orders, ["import", "events", "shop/events.csv"],
                        ["import", "orders", "shop/orders.csv", "--format", "online-retail", "--timezone", "UTC", "--json"],
                        ["features", "build"], ["features", "build", "--from", "2011-03-01", "--to", "2011-05-01", "--every", "month"],
                        ["train", "clv"], ["train", "churn"], ["train", "segments", "--k", "3"], ["train", "recommendations"],
                        ["train", "satisfaction"], ["score", "churn"], ["score", "clv"], ["score", "segments", "--as-of", "2011-06-01"],
                        ["score", "recommendations"], ["models", "promote", "churn@2"], ["models", "unalias", "churn@production"],
                        ["rejects", "purge", "--older-than-days", "0"], ["privacy", "keep-rejects-days", "3"], ["imports", "undo", "2"],
                        ["reporting-timezone", "Europe/London"]] {
            let result = try Binary.run(command + ["--db", reader], directory: work.url)
            #expect(result.status != 0, "\(command) succeeded as a role with only SELECT")
            #expect(result.stderr.contains("PostgreSQL at \(maskedReader): permission denied: the role \"lc_reader\" may not do this"),
                    "\(command): \(result.stderr)")
            #expect(result.stderr.contains("permission denied for"), "\(command): \(result.stderr)")
            #expect(result.stderr.contains("SQLSTATE 42501"), "\(command): \(result.stderr)")
            #expect(result.stderr.contains("a role with only SELECT can run the commands that read"), "\(command): \(result.stderr)")
            #expect(!(result.stdout + result.stderr).contains("r3ad-only-pw"))
            #expect(try state() == before, "\(command) as a reader changed the warehouse")
        }
    }

    /// Runs cluster.sh's worker `port` (9702 or 9703) through pg_ctl as the postgres user.
    func pgctl(worker port: Int, _ action: String) throws {
        let cluster = try cluster
        let node = "worker\(port - CitusCluster.coordinatorPort)"
        let data = "\(cluster.directory)/\(node)"
        let command = action == "stop" ? "\(CitusCluster.bin)/pg_ctl -D '\(data)' -m immediate -w stop"
            : "\(CitusCluster.bin)/pg_ctl -D '\(data)' -l '\(cluster.directory)/\(node).log' -w start"
        let result = try Shell.run(["/bin/su", "postgres", "-s", "/bin/bash", "-c", command])
        guard result.status == 0 else { throw CitusCluster.ClusterError(message: "pg_ctl \(action) \(node): \(result.stderr)\(result.stdout)") }
    }

    @Test func aWorkerStoppedMidImportLeavesWholeBatchesAndTheRerunHasSQLitesCounts() throws {
        let work = try WorkDirectory()
        #expect(try Binary.run(["generate", "--users", "1500", "--seed", "8", "--no-events", "--out", "shop"], directory: work.url).status == 0)
        let batch: Int64 = 2_000
        let command = ["orders", "shop/orders.csv", "--format", "online-retail", "--timezone", "Europe/London",
                       "--batch-size", "\(batch)"]
        let sqlite = work.path("reference.db")
        let expected = try importCounts(command + ["--db", sqlite], in: work)
        #expect(expected["read"]! > 20_000, "the shop is too small to stop a worker part way: \(expected)")

        let url = try cluster.createDatabase("lc_worker_stop", citus: true)
        #expect(try lifecycle(["migrate", "--db", url]).status == 0)
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }

        nonisolated(unsafe) var outcome: Binary.Result?
        let finished = DispatchSemaphore(value: 0)
        let directory = work.url
        DispatchQueue.global().async {
            outcome = try? Binary.run(["import"] + command + ["--db", url], directory: directory)
            finished.signal()
        }
        // Once three batches are in, the import is paused (its pid is in the ledger), the second
        // worker is stopped as by a power cut, and the import goes on into the dead worker.
        var stopped = false
        var workerDown = false
        defer { if workerDown { try? pgctl(worker: 9703, "start") } }
        for _ in 0..<12_000 where !stopped {
            if let row = try db.query("SELECT rows_read, pid FROM imports WHERE id = 1").first,
               let read = row[0].int64, read >= 3 * batch, let pid = row[1].int64 {
                kill(pid_t(pid), SIGSTOP)
                let stopping = Result { try pgctl(worker: 9703, "stop") }
                kill(pid_t(pid), SIGCONT)
                try stopping.get()
                workerDown = true
                stopped = true
            } else {
                usleep(5_000)
            }
        }
        try #require(finished.wait(timeout: .now() + 300) == .success, "the import did not end within 5 minutes")
        try #require(stopped, "the import never committed three batches")
        let failed = try #require(outcome)
        #expect(failed.status != 0, "the import finished although a worker was stopped: \(failed.stderr)")
        #expect(failed.stderr.contains("PostgreSQL at \(url): a Citus worker cannot be reached"), "\(failed.stderr)")
        #expect(failed.stderr.contains("Run the same command again once the worker is back"), "\(failed.stderr)")

        // Back up, the next writing command settles what the dead worker had prepared (Citus's
        // maintenance daemon would within citus.recover_2pc_interval): here `migrate`, which has
        // nothing else to do, before anything is counted.
        try pgctl(worker: 9703, "start")
        workerDown = false
        let settled = try lifecycle(["migrate", "--db", url])
        #expect(settled.status == 0 && settled.stdout.contains("schema is up to date"), "\(settled.stderr)")
        try Self.waitForOtherSessionsToEnd(db)

        // Nothing half-written: the ledger counts whole batches, and what it counts is what is stored.
        let ledger = try #require(try db.query("SELECT status, rows_read, rows_loaded, rows_rejected FROM imports WHERE id = 1").first)
        #expect(ledger["status"].string == "running", "the interrupted import should be left to resume: \(ledger)")
        let read = ledger["rows_read"].int64 ?? -1
        #expect(read % batch == 0 && read >= 3 * batch && read < Int64(expected["read"]!), "\(ledger)")
        #expect(try db.scalar("SELECT count(*) FROM order_lines").int64 == ledger["rows_loaded"].int64)
        #expect(try db.scalar("SELECT coalesce(sum(line_count), 0) FROM orders").int64 == ledger["rows_loaded"].int64)
        #expect(try db.scalar("SELECT count(*) FROM import_rejects").int64 == ledger["rows_rejected"].int64)
        // Every stored order has all of its lines, and its totals are theirs.
        #expect(try db.scalar("""
            SELECT count(*) FROM orders o
            LEFT JOIN (SELECT customer_key, order_id, count(*) AS lines, sum(amount_micros) AS amount, sum(quantity) AS items
                       FROM order_lines GROUP BY customer_key, order_id) l
              ON l.customer_key = o.customer_key AND l.order_id = o.id
            WHERE o.line_count <> coalesce(l.lines, 0) OR o.amount_micros IS DISTINCT FROM l.amount
            """).int64 == 0)
        #expect(try db.scalar("SELECT count(*) FROM orders WHERE line_count = 0").int64 == 0)

        // The same command finishes the import: SQLite's counts and the very same rows.
        let rerun = try Binary.run(["import"] + command + ["--db", url, "--json"], directory: work.url)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let row = try #require(try db.query("""
            SELECT status, rows_read, rows_loaded, rows_duplicate, rows_rejected, orders_created, guest_orders, return_orders, resumed
            FROM imports WHERE id = 1
            """).first)
        #expect(row["status"].string == "finished")
        #expect(row["resumed"].int64 == 1)
        let counts = ["rows_read": "read", "rows_loaded": "loaded", "rows_duplicate": "duplicates", "rows_rejected": "rejected",
                      "orders_created": "orders_created", "guest_orders": "guest_orders", "return_orders": "return_orders"]
        for (column, key) in counts {
            #expect(row[column].int64 == Int64(expected[key]!), "\(column): \(row[column]) against SQLite's \(expected[key]!)")
        }
        #expect(try Self.postgresFigures(url) == (try Self.sqliteFigures(sqlite)), "figures differ:\n\(Self.figures)")
        #expect(try db.scalar("SELECT count(*) FROM imports").int64 == 1)
    }

    /// A two-phase commit that a failure left prepared on a worker (the coordinator stopped
    /// between PREPARE and its commit record) keeps its locks until it is settled. With Citus's
    /// maintenance daemon told not to settle it, the next import would wait on it for ever; it
    /// settles it first and finishes.
    @Test func aTransactionAFailureLeftPreparedOnAWorkerIsSettledByTheNextWritingCommand() throws {
        let cluster = try cluster
        let name = "lc_prepared"
        let url = try cluster.createDatabase(name, citus: true)
        #expect(try lifecycle(["migrate", "--db", url]).status == 0)
        let worker = CitusCluster.workerPorts[0]
        let shard = try cluster.psql(database: name, """
            SELECT shard_name FROM citus_shards WHERE table_name = 'imports'::regclass AND nodeport = \(worker)
            """)
        try #require(!shard.isEmpty, "imports has no placement on the worker")
        try cluster.psql("ALTER SYSTEM SET citus.recover_2pc_interval = -1")
        try cluster.psql("SELECT pg_reload_conf()")
        defer {
            _ = try? cluster.psql("ALTER SYSTEM RESET citus.recover_2pc_interval")
            _ = try? cluster.psql("SELECT pg_reload_conf()")
        }
        // What a coordinator that died mid-commit leaves: a transaction of its group (0), prepared
        // on the worker with no commit record, holding a lock every import's ledger row needs.
        try cluster.psql(port: worker, database: name, "BEGIN; SET LOCAL citus.enable_manual_changes_to_shards TO on; LOCK TABLE \(shard) IN EXCLUSIVE MODE; PREPARE TRANSACTION 'citus_0_4242_4242_1'")
        let prepared = "SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()"
        #expect(try cluster.psql(port: worker, database: name, prepared) == "1")

        let work = try WorkDirectory()
        try "user_id,country\nu1,FR\nu2,DE\n".write(toFile: work.path("users.csv"), atomically: true, encoding: .utf8)
        let process = try Binary.start(["import", "users", "users.csv", "--db", url], directory: work.url)
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline { usleep(100_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)  // it waits in the server, where SIGTERM is not acted on
            process.waitUntilExit()
            Issue.record("the import still waits on the prepared transaction's lock after two minutes")
            return
        }
        #expect(process.terminationStatus == 0)
        #expect(try cluster.psql(port: worker, database: name, prepared) == "0", "the prepared transaction is still there")
        #expect(try cluster.psql(database: name, "SELECT count(*) FROM users") == "2")
        #expect(try cluster.psql(database: name, "SELECT status FROM imports") == "finished")
    }
}
