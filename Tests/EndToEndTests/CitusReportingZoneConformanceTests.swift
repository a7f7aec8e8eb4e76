import Foundation
import PostgresStore
import SQLiteStore
import Testing

extension CitusCLITests {
    /// A reporting time zone kept by the warehouse works on the server as on the file: set by
    /// `lifecycle reporting-timezone`, it is what every question without `--timezone` reads
    /// dates and numbers periods in (the default as-of, `--as-of`, cohorts, activity days,
    /// lifetime-value days, the report), and `--utc` puts UTC back.
    @Test func aReportingZoneKeptOnCitusAnswersAsTheFileKeepingIt() throws {
        let (work, file, url) = try shopOnBothEngines("lc_reporting_zone", users: 200, seed: 31)
        func both(_ arguments: [String]) throws -> [Binary.Result] {
            try [file, url].map { try Binary.run(arguments + ["--db", $0], directory: work.url) }
        }
        /// Expects both engines to succeed and print the same, returning what the file printed.
        @discardableResult
        func expectSame(_ arguments: [String]) throws -> String {
            let results = try both(arguments)
            #expect(results.allSatisfy { $0.status == 0 }, "\(arguments): \(results.map(\.stderr))")
            #expect(results[1].stdout == results[0].stdout, "\(arguments) prints otherwise on Citus: \(results.map { $0.stdout.prefix(300) })")
            #expect(results[1].stderr == results[0].stderr, "\(arguments): \(results.map(\.stderr))")
            return results[0].stdout
        }
        let questions: [[String]] = [
            ["rfm"], ["rfm", "--users", "--as-of", "2011-06-01", "--format", "csv"], ["rfm", "--since", "2011-03-01", "--format", "json"],
            ["retention", "--period", "week", "--format", "csv"], ["retention", "--period", "day", "--until", "2011-03-01", "--format", "csv"],
            ["activity", "--period", "day", "--format", "csv"], ["activity", "--period", "month", "--format", "json"],
            ["clv", "summary", "--format", "csv"], ["clv", "summary", "--since", "2011-02-01", "--format", "csv"],
        ]
        let inUTC = try questions.map { try expectSame($0) }

        #expect(try expectSame(["reporting-timezone"]) == "UTC\n")
        #expect(try expectSame(["reporting-timezone", "Asia/Tokyo"]) == "Asia/Tokyo\n")
        #expect(try expectSame(["reporting-timezone"]) == "Asia/Tokyo\n")
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        #expect(try db.scalar("SELECT zone FROM reporting_zone").string == "Asia/Tokyo")
        let inTokyo = try questions.map { try expectSame($0) }
        // Not vacuous: Tokyo's days are not UTC's, so the day and week answers moved.
        #expect(zip(inUTC, inTokyo).filter { $0 != $1 }.count >= 4, "the stored zone changed too few answers")
        // The same as naming the zone on each command.
        #expect(try Binary.run(["activity", "--period", "day", "--format", "csv", "--timezone", "Asia/Tokyo", "--db", url],
                               directory: work.url).stdout == inTokyo[5])

        // Features and a lifetime-value model read their dates in it.
        let features = try both(["features", "build", "--as-of", "2011-09-01"])
        #expect(features.allSatisfy { $0.status == 0 }, "\(features.map(\.stderr))")
        let asOf = "SELECT DISTINCT as_of FROM user_features"
        #expect(try db.scalar(asOf).int64 == (try Connection(path: file, mode: .readOnly).scalar(asOf).int64))
        #expect(try db.scalar(asOf).int64 == 1_314_802_800, "2011-09-01 in Tokyo is 2011-08-31T15:00:00Z")
        #expect(try expectSame(["train", "clv", "--format", "json"]).contains("\"parameter\""))
        try expectSame(["score", "clv", "--format", "csv"])

        // The report is the same page but for its title and when it was made.
        let pages = try [(file, "shop.db", "file.html"), (url, "lc_reporting_zone", "citus.html")].map { db, title, out in
            let result = try Binary.run(["report", "--period", "week", "--out", out, "--db", db], directory: work.url)
            #expect(result.status == 0, "\(result.stderr)")
            return try String(contentsOfFile: work.path(out), encoding: .utf8)
                .replacingOccurrences(of: "Lifecycle report: \(title)", with: "Lifecycle report: TITLE")
                .replacingOccurrences(of: #"generated \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, with: "generated NOW", options: .regularExpression)
        }
        #expect(pages[1] == pages[0] && pages[0].contains("reporting time zone Asia/Tokyo"), "the report differs on Citus")

        // --utc puts UTC back.
        #expect(try expectSame(["reporting-timezone", "--utc"]) == "UTC\n")
        #expect(try db.scalar("SELECT count(*) FROM reporting_zone").int64 == 0)
        #expect(try expectSame(questions[5]) == inUTC[5])
    }
}
