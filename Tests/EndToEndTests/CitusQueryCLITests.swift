import Foundation
import PostgresStore
import SQLiteStore
import Testing

/// `lifecycle query` on both engines: one small generated shop (users and orders, with returns
/// and guests) imported into a SQLite file and into the Citus cluster of `CitusCLITests` (these
/// tests are in that suite), then the same SELECTs give the same json and csv on both; a write of
/// any kind is refused by the server's read-only transaction with a clear message and changes
/// nothing; PostgreSQL's types come out as the output contract says; a syntax error shows the
/// server's message; the password in the URL never shows.
extension CitusCLITests {
    @Test func queryOnCitusAnswersWhatItAnswersOnSQLiteAndRefusesEveryWrite() throws {
        let work = try WorkDirectory()
        #expect(try Binary.run(["generate", "--users", "120", "--seed", "7", "--out", "shop"], directory: work.url).status == 0)
        let plain = try cluster.createDatabase("lc_query", citus: true)
        // The same URL with a password (the test cluster trusts its socket, so any password logs in).
        let url = plain.replacingOccurrences(of: "postgresql://postgres@", with: "postgresql://postgres:s3cr3t-pw@")
        let masked = plain.replacingOccurrences(of: "postgresql://postgres@", with: "postgresql://postgres:***@")
        let file = work.path("shop.db")
        for command in [["users", "shop/users.csv"],
                        ["orders", "shop/orders.csv", "--format", "online-retail", "--timezone", "Europe/London"]] {
            for db in [file, url] {
                let result = try Binary.run(["import"] + command + ["--db", db], directory: work.url)
                #expect(result.status == 0, "\(command) into \(db): \(result.stderr)")
            }
        }
        func lifecycle(_ arguments: [String], db: String) throws -> Binary.Result {
            let result = try Binary.run(arguments + ["--db", db], directory: work.url)
            #expect(!(result.stdout + result.stderr).contains("s3cr3t-pw"), "\(arguments) printed the password")
            return result
        }

        // Engine-independent questions, everything ordered: integers, sums (numeric on PostgreSQL,
        // whole, so integers), a real computed in doubles on both, text, NULL, a parameter, no rows;
        // the first joins orders to users on user_id, not the distribution column (a repartition join).
        let country = "United Kingdom"
        let questions: [[String]] = [
            ["query", """
                SELECT u.external_id AS customer, count(*) AS orders, sum(o.amount_micros) AS amount_micros,
                       min(o.ordered_at) AS first_ordered_at, CAST(sum(o.item_count) AS DOUBLE PRECISION) / count(*) AS items_per_order
                FROM users u JOIN orders o ON o.user_id = u.id
                GROUP BY u.external_id ORDER BY u.external_id
                """],
            ["query", "SELECT kind, currency, count(*) AS orders, sum(amount_micros) AS amount_micros, sum(line_count) AS lines FROM orders GROUP BY kind, currency ORDER BY kind, currency"],
            ["query", "SELECT external_id, country FROM users ORDER BY external_id LIMIT 40"],
            ["query", "SELECT count(*) AS guest_orders, max(ordered_at) AS last FROM orders WHERE user_id IS NULL"],
            ["query", "SELECT external_id FROM users WHERE country = :country ORDER BY external_id", "--param", "country=\(country)"],
            ["query", "SELECT external_id, 1 + 1 AS two FROM users WHERE external_id = 'nobody'"],
        ]
        var rows = 0
        for question in questions {
            for format in ["json", "csv"] {
                let onSQLite = try lifecycle(question + ["--format", format], db: file)
                let onCitus = try lifecycle(question + ["--format", format], db: url)
                #expect(onSQLite.status == 0 && onCitus.status == 0, "\(question): \(onSQLite.stderr) \(onCitus.stderr)")
                #expect(onCitus.stdout == onSQLite.stdout, "\(question) --format \(format) answers otherwise on Citus")
                if format == "csv" { rows += onSQLite.stdout.split(separator: "\n").count - 1 }
            }
        }
        #expect(rows > 150, "only \(rows) rows compared")
        let header = try lifecycle(questions.last! + ["--format", "csv"], db: url)
        #expect(header.stdout == "external_id,two\n", "no rows: the columns still come back")

        // Every write is refused by the server's read-only transaction, and nothing changes.
        let db = try PGConnection.open(PostgresLocation(url: plain))
        defer { try? db.close() }
        func counts() throws -> [Int64] {
            try ["users", "orders", "order_lines", "imports"].map { try db.scalar("SELECT count(*) FROM \($0)").int64 ?? -1 }
        }
        let before = try counts()
        for write in ["INSERT INTO users (id, external_id, import_id) VALUES (999999, 'intruder', 1)",
                      "DELETE FROM orders",
                      "UPDATE orders SET amount_micros = 0",
                      "DROP TABLE order_lines",
                      "WITH gone AS (DELETE FROM orders RETURNING id) SELECT count(*) FROM gone",
                      "CREATE TABLE notes (x bigint)",
                      "VACUUM",
                      "SELECT nextval(pg_get_serial_sequence('imports', 'id'))"] {
            let refused = try lifecycle(["query", write], db: url)
            #expect(refused.status != 0, "\(write) ran")
            #expect(refused.stdout.isEmpty)
            #expect(refused.stderr.contains("query: refused, the statement would change the warehouse"), "\(write): \(refused.stderr)")
            #expect(refused.stderr.contains("PostgreSQL ran it in a read-only transaction and refused it ("), "\(write): \(refused.stderr)")
            if write.hasPrefix("WITH") || write.contains("nextval") { continue }  // SQLite has no writing CTE: a syntax error there.
            let onFile = try lifecycle(["query", write], db: file)
            #expect(onFile.status != 0 && onFile.stderr.contains("query: refused, the statement would change the warehouse"),
                    "\(write) on the file: \(onFile.stderr)")
        }
        #expect(try counts() == before, "a refused write changed the warehouse")
        #expect(try db.scalar("SELECT to_regclass('notes') IS NULL").bool == true)

        // A syntax error is PostgreSQL's own message, naming the server with the password masked.
        let syntax = try lifecycle(["query", "SELEC external_id FROM users"], db: url)
        #expect(syntax.status != 0)
        #expect(syntax.stderr.contains("PostgreSQL at \(masked): syntax error at or near \"SELEC\" (SQLSTATE 42601)"), "\(syntax.stderr)")
        // The checks made before anything is sent are the file's.
        let two = try lifecycle(["query", "SELECT 1; SELECT 2"], db: url)
        #expect(two.status != 0 && two.stderr.contains("query: one statement only; remove what follows the first"), "\(two.stderr)")
        let unknown = try lifecycle(["query", "SELECT :a::bigint AS a", "--param", "b=1"], db: url)
        #expect(unknown.status != 0 && unknown.stderr.contains("query: --param b: the statement has no parameter :b; it has :a"), "\(unknown.stderr)")
        let word = try lifecycle(["query", "rfm_user"], db: url)
        #expect(word.status != 0 && word.stderr.contains("'rfm_user' is neither SQL nor a query of sql/postgres/ (activity, "), "\(word.stderr)")
        let noVersion = try lifecycle(["query", "orders_by_month"], db: url)
        #expect(noVersion.status != 0 && noVersion.stderr.contains("query: sql/orders_by_month.sql has no PostgreSQL version"), "\(noVersion.stderr)")
        let named = try lifecycle(["query", "rfm_summary", "--param", "as_of=2011-12-10", "--format", "json"], db: url)
        #expect(named.status == 0, "\(named.stderr)")
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(named.stdout.utf8)) as? [String: Any])
        #expect((answer["parameters"] as? [String: Any])?["sql"] as? String == "sql/postgres/rfm_summary.sql")
        #expect((answer["rows"] as? [Any])?.isEmpty == false)

        // PostgreSQL's types in the output contract: numbers, text, ISO 8601, null, flags, blobs as x'…'.
        let typed = try lifecycle(["query", """
            SELECT 1::smallint AS small, 2::bigint AS big, 1.5::float8 AS ratio, 12.50::numeric AS amount, 7::numeric AS whole,
                   true AS yes, NULL::text AS nothing, 'x' AS letter, DATE '2011-12-10' AS day,
                   TIMESTAMPTZ '2011-12-10 12:34:56.5+00' AS at, TIMESTAMP '1999-01-02 03:04:05' AS local,
                   '\\x00ff'::bytea AS raw, '{"a": 1}'::jsonb AS doc, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid AS id
            """, "--format", "jsonl"], db: url)
        #expect(typed.status == 0, "\(typed.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(typed.stdout.utf8)) as? [String: Any], "\(typed.stdout)")
        #expect(object["small"] as? Int == 1 && object["big"] as? Int == 2)
        #expect(object["ratio"] as? Double == 1.5 && object["amount"] as? Double == 12.5 && object["whole"] as? Int == 7)
        #expect(typed.stdout.contains("\"whole\":7,") || typed.stdout.contains("\"whole\": 7,"), "\(typed.stdout)")
        #expect(object["yes"] as? Bool == true && object["nothing"] is NSNull && object["letter"] as? String == "x")
        #expect(object["day"] as? String == "2011-12-10")
        #expect(object["at"] as? String == "2011-12-10T12:34:56.5Z")
        #expect(object["local"] as? String == "1999-01-02T03:04:05")
        #expect(object["raw"] as? String == "x'00ff'")
        #expect(object["doc"] as? String == "{\"a\": 1}")
        #expect(object["id"] as? String == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
        let interval = try lifecycle(["query", "SELECT interval '1 day' AS span"], db: url)
        #expect(interval.status != 0 && interval.stderr.contains("column \"span\" is of type interval") && interval.stderr.contains("span::text"),
                "\(interval.stderr)")
        #expect(try counts() == before)
    }
}
