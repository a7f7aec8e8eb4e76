import Foundation
import Testing
import Warehouse

/// One date rule for every command: after `reporting-timezone Europe/London`, `--as-of
/// 2011-06-01` is midnight in London (2011-05-31T23:00:00Z) in analytics, features, training,
/// scoring, segments and recommendations alike; an instant with Z stays that instant.
@Suite struct DateRuleCLITests {
    @Test("the same --as-of is the same instant in every command after reporting-timezone Europe/London")
    func sameInstantEverywhere() throws {
        let work = try WorkDirectory()
        let demo = try Binary.run(["demo", "--users", "300", "--db", "w.db"], directory: work.url)
        try #require(demo.status == 0, "\(demo.stderr)")
        let zone = try Binary.run(["reporting-timezone", "Europe/London", "--db", "w.db"], directory: work.url)
        try #require(zone.status == 0, "\(zone.stderr)")
        let user = try Binary.run(["query", "SELECT external_id FROM users WHERE id IN (SELECT user_id FROM orders) ORDER BY id LIMIT 1",
                                   "--db", "w.db", "--format", "csv"], directory: work.url).stdout.split(separator: "\n").dropFirst().first.map(String.init) ?? ""
        let commands: [[String]] = [
            ["rfm"], ["retention"], ["activity"], ["segments"], ["recommend", user], ["features", "build"],
            ["score", "churn", "--top", "1"], ["train", "churn"], ["train", "recommendations"], ["train", "segments", "--k", "2"],
        ]
        for command in commands {
            for (given, expected) in [("2011-06-01", "2011-05-31T23:00:00Z"), ("2011-06-01T00:00:00Z", "2011-06-01T00:00:00Z")] {
                let result = try Binary.run(command + ["--as-of", given, "--db", "w.db", "--format", "json"], directory: work.url)
                #expect(result.status == 0, "\(command) \(result.stderr)")
                let asOf = try JSONValue.parse(result.stdout)["as_of"]
                #expect(asOf == .string(expected), "\(command) --as-of \(given): \(String(describing: asOf))")
            }
        }
        // Day options name that day in the zone.
        let summary = try Binary.run(["clv", "summary", "--observation-end", "2011-06-01", "--db", "w.db", "--format", "json"], directory: work.url)
        #expect(try JSONValue.parse(summary.stdout)["parameters"]?["observation_end"] == "2011-06-01", "\(summary.stderr)")
        // The help says the rule.
        let help = try Binary.run(["score", "--help"], directory: work.url).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("in the reporting time zone, or an instant with Z or an offset"), "\(help)")
    }
}
