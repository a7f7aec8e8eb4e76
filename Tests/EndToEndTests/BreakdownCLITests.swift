import Foundation
import Testing
import Warehouse

/// `retention --by country` and `rfm --by country`: every group's rows equal the rows of the
/// same command with `--country` (the group column dropped), on the demo shop.
@Suite(.serialized) struct BreakdownCLITests {
    /// The JSON rows of `arguments` run on `w.db`.
    static func rows(_ arguments: [String], in work: WorkDirectory) throws -> [JSONValue] {
        let run = try Binary.run(arguments + ["--db", "w.db", "--format", "json"], directory: work.url)
        try #require(run.status == 0, "\(arguments): \(run.stderr)")
        guard case .array(let rows)? = try JSONValue.parse(run.stdout)["rows"] else { return [] }
        return rows
    }

    @Test("each country's group equals the answer with --country, for retention, retention --curve and rfm")
    func groupsEqualTheCountryAnswers() throws {
        let work = try WorkDirectory()
        let demo = try Binary.run(["demo", "--users", "300", "--db", "w.db"], directory: work.url)
        try #require(demo.status == 0, "\(demo.stderr)")
        let listed = try Binary.run(["query", "SELECT DISTINCT country FROM users WHERE country IS NOT NULL ORDER BY country",
                                     "--db", "w.db", "--format", "csv"], directory: work.url)
        let countries = listed.stdout.split(separator: "\n").dropFirst().map(String.init)
        try #require(countries.count > 1, "the demo shop has several countries")
        for command in [["retention"], ["retention", "--curve"], ["retention", "--metric", "revenue"], ["rfm"]] {
            let brokenDown = try Self.rows(command + ["--by", "country"], in: work)
            var total = 0
            for country in countries {
                let group = brokenDown.filter { $0["country"] == .string(country) }.map { row in
                    JSONValue.object(Array((row.members ?? []).dropFirst()))
                }
                if let row = brokenDown.first(where: { $0["country"] == .string(country) }) {
                    #expect(row.members?.first?.key == "country", "the group column comes first")
                }
                let single = try Self.rows(command + ["--country", country], in: work)
                #expect(group == single, "\(command) \(country)")
                total += single.count
            }
            #expect(brokenDown.count == total, "\(command): the groups' rows are exactly the countries' rows")
            #expect(brokenDown.compactMap { $0["country"]?.stringValue }.sorted() == brokenDown.compactMap { $0["country"]?.stringValue },
                    "\(command): groups in country order")
        }
    }

    @Test("tables show a heading per country; --by with --country is refused")
    func headingsAndRefusal() throws {
        let work = try WorkDirectory()
        let demo = try Binary.run(["demo", "--users", "300", "--db", "w.db"], directory: work.url)
        try #require(demo.status == 0, "\(demo.stderr)")
        let table = try Binary.run(["rfm", "--by", "country", "--db", "w.db", "--format", "markdown"], directory: work.url)
        #expect(table.status == 0)
        #expect(table.stdout.contains("## country: United Kingdom"), "\(table.stdout.prefix(300))")
        let refused = try Binary.run(["retention", "--by", "country", "--country", "France", "--db", "w.db"], directory: work.url)
        #expect(refused.status != 0 && refused.stderr.contains("drop --country"))
    }
}
