import Foundation
import SQLiteStore
import Testing

/// `lifecycle rfm`, `retention`, `activity` and `report` as a user runs them, and the queries of
/// sql/ run unchanged in the sqlite3 shell.
@Suite struct AnalyticsCLITests {
    /// A warehouse `w.db` in a fresh directory holding `dump` (United Kingdom and France).
    static func importedDump() throws -> WorkDirectory {
        let work = try WorkDirectory()
        try dump.write(toFile: work.path("d.csv"), atomically: true, encoding: .utf8)
        let result = try Binary.run(["import", "orders", "d.csv", "--format", "online-retail", "--timezone", "Europe/London", "--db", "w.db"],
                                    directory: work.url)
        #expect(result.status == 0, "\(result.stderr)")
        return work
    }

    /// Three customers and a guest; A returns part of an order.
    static let dump = """
        InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
        536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850,United Kingdom
        536366,22633,HAND WARMER UNION JACK,6,2010-12-01 08:28:00,1.85,17850,United Kingdom
        536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,2010-12-01 08:34:00,1.69,13047,United Kingdom
        536368,22960,JAM MAKING SET WITH JARS,6,2011-01-04 10:00:00,4.25,13047,United Kingdom
        536369,22913,RED COAT RACK PARIS FASHION,3,2011-02-10 12:00:00,4.95,12583,France
        C536370,85123A,WHITE HANGING HEART T-LIGHT HOLDER,-2,2011-02-11 09:00:00,2.55,17850,United Kingdom
        536371,22728,ALARM CLOCK BAKELIKE PINK,24,2011-02-12 10:00:00,3.75,,United Kingdom

        """

    private func imported() throws -> WorkDirectory {
        let work = try WorkDirectory()
        try Self.dump.write(toFile: work.path("d.csv"), atomically: true, encoding: .utf8)
        let result = try Binary.run(["import", "orders", "d.csv", "--format", "online-retail", "--timezone", "Europe/London", "--db", "w.db"],
                                    directory: work.url)
        #expect(result.status == 0, "\(result.stderr)")
        return work
    }

    @Test func rfmPrintsTheSummaryAsJSONAndThresholdsOnStandardError() throws {
        let work = try imported()
        let result = try Binary.run(["rfm", "--db", "w.db", "--format", "json"], directory: work.url)
        #expect(result.status == 0, "\(result.stderr)")
        // One object (docs/OUTPUT.md): the notes travel inside it.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.reduce(0) { $0 + ($1["users"] as? Int ?? 0) } == 3)
        let notes = (object["notes"] as? [String] ?? []).joined(separator: "\n")
        #expect(notes.contains("As of 2011-02-13 (the day after the last order): 3 customers"))
        #expect(notes.contains("R (days since the last purchase), quintiles"))
        #expect(notes.contains("Left out: 1 guest order (net 90.00)."))
        let csv = try Binary.run(["rfm", "--db", "w.db", "--format", "csv"], directory: work.url)
        #expect(csv.stderr.contains("R (days since the last purchase), quintiles"))
        // 13047 bought twice (54.08 + 25.50), last on 2011-01-04 10:00, 39 whole days before as-of.
        let users = try Binary.run(["rfm", "--db", "w.db", "--users", "--format", "csv"], directory: work.url)
        #expect(users.stdout.contains("13047,United Kingdom,39,2,79.58,2,2,3,Hibernating"))
    }

    @Test func retentionWritesTheTriangleLongForMachinesAndRefusesBadCombinations() throws {
        let work = try imported()
        let csv = try Binary.run(["retention", "--db", "w.db", "--format", "csv"], directory: work.url)
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "cohort,cohort_start,cohort_users,base,k,value,share,complete")
        // December: 17850 and 13047; January: 13047 again; February: 17850 returned only.
        #expect(lines.contains("2010-12,2010-12-01,2,2,1,1,0.5,true"))
        #expect(lines.contains("2011-02,2011-02-01,1,1,0,1,1.0,false"))
        let json = try Binary.run(["retention", "--db", "w.db", "--format", "json", "--mode", "unbounded"], directory: work.url)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["parameters"] as? [String: Any])?["mode"] as? String == "unbounded")
        #expect(Set((object["rows"] as? [[String: Any]] ?? []).compactMap { $0["cohort"] as? String }).count == 2)
        let refused = try Binary.run(["retention", "--db", "w.db", "--mode", "unbounded", "--metric", "revenue"], directory: work.url)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--mode unbounded"))
        let badDate = try Binary.run(["retention", "--db", "w.db", "--as-of", "2011-13-01"], directory: work.url)
        #expect(badDate.status != 0)
        #expect(badDate.stderr.contains("--as-of 2011-13-01"))
        let segment = try Binary.run(["rfm", "--db", "w.db", "--segment", "At Risk"], directory: work.url)
        #expect(segment.stderr.contains("--segment lists customers: add --users"))
    }

    @Test func activityAndReport() throws {
        let work = try imported()
        let activity = try Binary.run(["activity", "--db", "w.db", "--format", "csv"], directory: work.url)
        #expect(activity.status == 0, "\(activity.stderr)")
        #expect(activity.stdout.hasPrefix("period,start,complete,days,active_users,avg_dau,avg_wau,stickiness,new,returning,resurrecting,dormant,churn,first_purchases,orders,revenue\n2010-12,2010-12-01,true,31,2,"))
        let report = try Binary.run(["report", "--db", "w.db", "--out", "r.html"], directory: work.url)
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: work.path("r.html"), encoding: .utf8)
        #expect(html.contains("id=\"cohort-heatmap\""))
        #expect(report.stderr.contains("wrote r.html"))
    }

    @Test func snapshotsThenMigrationBetweenTwoDates() throws {
        let work = try imported()
        let saved = try Binary.run(["rfm", "--db", "w.db", "--as-of", "2011-01-01", "--save", "--format", "csv"], directory: work.url)
        #expect(saved.status == 0, "\(saved.stderr)")
        #expect(saved.stderr.contains("saved RFM snapshot 1 as of 2011-01-01 (2 customers)"))
        let compare = try Binary.run(["rfm", "--db", "w.db", "--compare", "2011-01-01", "--format", "csv"], directory: work.url)
        #expect(compare.status == 0, "\(compare.stderr)")
        #expect(compare.stdout.hasPrefix("from_segment,"))
        #expect(compare.stdout.contains("(none),"))
        let db = try Connection(path: work.path("w.db"), mode: .readOnly)
        #expect(try db.scalar("SELECT count(*) FROM rfm_snapshots").int64 == 2)
    }

    static let sqlite3 = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let sqlFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("sql")

    @Test func theReportingTimeZoneIsStoredAndEveryLaterQueryUsesIt() throws {
        let work = try imported()
        func zone(_ arguments: [String]) throws -> String {
            let result = try Binary.run(["reporting-timezone"] + arguments + ["--db", "w.db"], directory: work.url)
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try zone([]) == "UTC")
        #expect(try zone(["Europe/London"]) == "Europe/London")
        let retention = try Binary.run(["retention", "--db", "w.db", "--format", "table"], directory: work.url)
        #expect(retention.stdout.contains("(Europe/London)"), "\(retention.stdout)")
        #expect(try zone(["--utc"]) == "UTC")
        let refused = try Binary.run(["reporting-timezone", "Mars/Base", "--db", "w.db"], directory: work.url)
        #expect(refused.status != 0 && refused.stderr.contains("not a known time zone"))
    }

    /// Every query file runs unchanged in the sqlite3 shell after `.param set`, and the shell's
    /// numbers are the CLI's.
    @Test(.enabled(if: sqlite3 != nil, "skipped: no sqlite3 shell (apt-get install sqlite3)"))
    func everyQueryRunsInTheSQLiteShell() throws {
        let work = try imported()
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.sqlFolder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(names.contains("rfm_summary.sql") && names.contains("retention.sql") && names.contains("activity.sql"))
        for name in names {
            let script = """
                .param set :as_of "'2011-02-13'"
                .param set :from_as_of "'2011-01-01'"
                .param set :to_as_of "'2011-02-13'"
                .param set :last_day "'2011-02-12'"
                .mode csv
                .read \(Self.sqlFolder.appendingPathComponent(name).path)

                """
            let shell = Process()
            shell.executableURL = URL(fileURLWithPath: Self.sqlite3!)
            shell.arguments = ["-bail", work.path("w.db")]
            let input = Pipe(), output = Pipe(), errors = Pipe()
            shell.standardInput = input
            shell.standardOutput = output
            shell.standardError = errors
            try shell.run()
            input.fileHandleForWriting.write(Data(script.utf8))
            try input.fileHandleForWriting.close()
            let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            shell.waitUntilExit()
            #expect(shell.terminationStatus == 0 && err.isEmpty, "\(name): \(err)")
            if name == "retention.sql" {
                // December cohort (17850, 13047), k = 1: 13047 bought in January; 17850 only returned later.
                #expect(out.contains("513,2010-12-01,2010-12,1,2,1,1,,,1"), "\(out)")
            }
            if name == "clv_purchases.sql" {
                // 13047's second purchase, 2011-01-04 (day 14978), 6 × 4.25; the return and the guest order are not purchases.
                #expect(out.contains(",14978,25500000"), "\(out)")
                // 17850's two orders of 2010-12-01 (day 14944) are one row, their sum: 6 × 2.55 + 6 × 1.85.
                #expect(out.contains(",14944,26400000"), "\(out)")
                #expect(out.split(whereSeparator: \.isNewline).count == 4, "\(out)")
            }
            if name == "rfm_summary.sql" {
                #expect(out.hasPrefix("segment,"), "\(out)")
            }
        }
    }
}
