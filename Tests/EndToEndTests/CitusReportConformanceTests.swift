import Foundation
import Testing

/// `lifecycle report` on both engines: one generated shop (users, orders with returns and
/// guests, events) in a SQLite file and in the Citus cluster of `CitusCLITests` (these tests are
/// in that suite), then the report written from each over periods and scopes: the same page,
/// byte for byte, but for its title (the file's name, the database's name) and the time it was
/// generated.
extension CitusCLITests {
    @Test func theReportOnCitusIsThePageWrittenFromTheFile() throws {
        let (work, file, url) = try shopOnBothEngines("lc_report_conformance", users: 300, seed: 43)
        /// The page with what may differ between the two runs put in common form.
        func page(_ path: String, title: String) throws -> String {
            let html = try String(contentsOfFile: work.path(path), encoding: .utf8)
            #expect(html.components(separatedBy: "Lifecycle report: \(title)").count == 3, "\(path): the title is not \(title)")
            return html.replacingOccurrences(of: "Lifecycle report: \(title)", with: "Lifecycle report: TITLE")
                .replacingOccurrences(of: #"generated \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, with: "generated NOW", options: .regularExpression)
        }
        /// "wrote PATH (N bytes): C customers, …" without the path and size, which differ.
        func counts(_ stderr: String) -> Substring { stderr.split(separator: ":", maxSplits: 1).last ?? "" }

        let scopes: [[String]] = [[], ["--as-of", "2011-06-15"], ["--since", "2011-03-01", "--until", "2011-10-01"], ["--country", "United Kingdom"],
                                  ["--timezone", "Asia/Kolkata", "--as-of", "2011-09-01"]]
        var compared = 0
        for period in ["month", "week", "day"] {
            for scope in scopes {
                let arguments = ["report", "--period", period] + scope
                let onSQLite = try Binary.run(arguments + ["--db", file, "--out", "file.html"], directory: work.url)
                let onCitus = try Binary.run(arguments + ["--db", url, "--out", "citus.html"], directory: work.url)
                #expect(onSQLite.status == 0 && onCitus.status == 0, "\(arguments): \(onSQLite.stderr) \(onCitus.stderr)")
                #expect(counts(onCitus.stderr) == counts(onSQLite.stderr), "\(arguments)")
                let fromFile = try page("file.html", title: "shop.db")
                let fromCitus = try page("citus.html", title: "lc_report_conformance")
                #expect(fromCitus == fromFile, "\(arguments): the page differs on Citus")
                // Not vacuous: every section drawn, with cells and bars.
                for heading in ["RFM segments", "Cohort retention", "Retention curves", "Activity", "Lifecycle"] {
                    #expect(fromFile.contains("<h2>\(heading)"), "\(arguments): no \(heading) section")
                }
                #expect(fromFile.components(separatedBy: "<rect").count > 50, "\(arguments): few shapes drawn")
                compared += 1
            }
        }
        #expect(compared == 15)

        // A lifetime-value model trained with a holdout adds its section and diagnostics, the same
        // on both engines; trained on the file only, the file's page alone has it.
        #expect(try Binary.run(["train", "clv", "--observation-end", "2011-08-31", "--db", file], directory: work.url).status == 0)
        #expect(try Binary.run(["report", "--db", file, "--out", "file.html"], directory: work.url).status == 0)
        #expect(try Binary.run(["report", "--db", url, "--out", "citus.html"], directory: work.url).status == 0)
        let withModel = try page("file.html", title: "shop.db"), withoutModel = try page("citus.html", title: "lc_report_conformance")
        #expect(withModel.contains("<h2>Lifetime value") && !withoutModel.contains("<h2>Lifetime value"))
        let lifetime = try #require(withModel.range(of: "<section>\n<h2>Lifetime value"))
        #expect(withoutModel.hasPrefix(String(withModel[..<lifetime.lowerBound])))
        #expect(try Binary.run(["train", "clv", "--observation-end", "2011-08-31", "--db", url], directory: work.url).status == 0)
        for scope in [[], ["--as-of", "2011-11-01", "--period", "week"]] {
            #expect(try Binary.run(["report", "--db", file, "--out", "file.html"] + scope, directory: work.url).status == 0)
            #expect(try Binary.run(["report", "--db", url, "--out", "citus.html"] + scope, directory: work.url).status == 0)
            let fromFile = try page("file.html", title: "shop.db"), fromCitus = try page("citus.html", title: "lc_report_conformance")
            #expect(fromFile.contains("<h2>Lifetime value") && fromFile.contains("holdout"), "\(scope)")
            #expect(fromCitus == fromFile, "\(scope): the page with a lifetime-value model differs on Citus")
        }
    }
}
