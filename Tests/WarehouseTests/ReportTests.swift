import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Warehouse

/// The HTML report: self-contained, every SVG well-formed, and the numbers its marks carry equal
/// the query results.
@Suite struct ReportTests {
    /// Data marks of one SVG: (series, key) -> value, read with XMLParser.
    final class Marks: NSObject, XMLParserDelegate {
        var values: [String: String] = [:]
        var root: String?
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if root == nil { root = attributes["id"] }
            if let series = attributes["data-series"], let key = attributes["data-key"], let value = attributes["data-value"] {
                values["\(series)|\(key)"] = value
            }
        }
    }

    /// Every `<svg ...>...</svg>` fragment of the page, parsed.
    static func svgs(in html: String) throws -> [String: Marks] {
        var result: [String: Marks] = [:]
        var rest = html[...]
        while let start = rest.range(of: "<svg "), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            let fragment = String(rest[start.lowerBound..<end.upperBound])
            let marks = Marks()
            let parser = XMLParser(data: Data(fragment.utf8))
            parser.delegate = marks
            #expect(parser.parse(), "an SVG does not parse: \(parser.parserError.map { "\($0)" } ?? "")")
            result[marks.root ?? "?"] = marks
            rest = rest[end.upperBound...]
        }
        return result
    }

    private func fixture() throws -> AnalyticsFixture {
        let fixture = try AnalyticsFixture()
        var random = SplitMix(seed: 3)
        for index in 0..<60 {
            for _ in 0...(random.next() % 4) {
                let month = 1 + Int(random.next() % 6)
                let day = 1 + Int(random.next() % 28)
                try fixture.order("c\(index)", String(format: "2011-%02d-%02d 10:00", month, day), "\(1 + random.next() % 300).\(random.next() % 100)")
            }
        }
        try fixture.order("c1", "2011-06-29 10:00", "-3.50", kind: "return")
        try fixture.order(nil, "2011-03-03 10:00", "9.99")
        try fixture.event("c2", "2011-05-05 10:00")
        return fixture
    }

    @Test func reportIsSelfContainedAndItsChartsCarryTheQueryResults() throws {
        let fixture = try fixture()
        let options = ReportOptions(scope: AnalyticsFixture.scope(asOf: "2011-06-15"))
        let path = fixture.scratch.path("report.html")
        let written = try fixture.warehouse.writeReport(to: path, options: options)
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written.bytes == html.utf8.count)
        // No network, no scripts: the only URL is the SVG namespace.
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("src=") && !html.contains("url("))
        #expect(html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").range(of: "http") == nil)

        let data = try fixture.warehouse.reportData(options)
        let svgs = try Self.svgs(in: html)
        #expect(Set(svgs.keys) == ["rfm-segments", "cohort-heatmap", "retention-curve", "activity-users", "lifecycle"])

        let segments = try #require(svgs["rfm-segments"]).values
        #expect(!data.rfm.segments.isEmpty)
        for segment in data.rfm.segments {
            #expect(segments["users|\(segment.name)"] == String(segment.users))
            #expect(segments["revenue_micros|\(segment.name)"] == String(segment.revenueMicros))
        }
        let heatmap = try #require(svgs["cohort-heatmap"]).values
        #expect(data.retention.cohorts.count == 6)
        for cohort in data.retention.cohorts {
            #expect(heatmap["cohort_users|\(cohort.label)"] == String(cohort.users))
            for cell in cohort.cells { #expect(heatmap["value|\(cohort.label)/k\(cell.k)"] == String(cell.value)) }
        }
        let curve = try #require(svgs["retention-curve"]).values
        for point in data.retention.curve {
            #expect(curve["weighted|\(point.k)"] == point.weighted.map { String(format: "%.6f", $0) })
            #expect(curve["mean|\(point.k)"] == point.mean.map { String(format: "%.6f", $0) })
        }
        let activity = try #require(svgs["activity-users"]).values
        let lifecycle = try #require(svgs["lifecycle"]).values
        for period in data.activity.periods {
            #expect(activity["active_users|\(period.label)"] == String(period.activeUsers))
            #expect(activity["first_purchases|\(period.label)"] == String(period.firstPurchases))
            #expect(lifecycle["new|\(period.label)"] == String(period.newUsers))
            #expect(lifecycle["returning|\(period.label)"] == String(period.returningUsers))
            #expect(lifecycle["resurrecting|\(period.label)"] == String(period.resurrectingUsers))
            #expect(lifecycle["dormant|\(period.label)"] == String(period.dormantUsers))
        }
        // And the data agree with the questions asked one by one.
        #expect(data.retention == (try fixture.warehouse.retention(RetentionOptions(scope: options.scope))))
        #expect(data.rfm.segments == (try fixture.warehouse.rfmSummary(RFMOptions(scope: options.scope))).segments)
    }

    @Test func withALifetimeModelTheReportShowsItsDistributionTopCustomersAndPAlive() throws {
        let fixture = try fixture()
        let options = ReportOptions(scope: AnalyticsFixture.scope(asOf: "2011-06-15"))
        #expect(try fixture.warehouse.reportData(options).lifetimeValue == nil)
        let end = LifetimeCalendar.day(ofDate: AnalyticsFixture.at("2011-06-14"))
        // These random customers buy evenly and never drop out, so the unpenalised BG/NBD
        // optimum lies at infinity (LifetimeValueTests); a small penalty keeps it finite.
        let training = try fixture.warehouse.trainLifetimeValue(LifetimeTrainingOptions(period: .week, observationEnd: end, penalty: 0.001))
        _ = try fixture.warehouse.storeLifetimeValue(training, promote: true)

        let path = fixture.scratch.path("report.html")
        try fixture.warehouse.writeReport(to: path, options: options)
        let html = try String(contentsOfFile: path, encoding: .utf8)
        let clv = try #require(try fixture.warehouse.reportData(options).lifetimeValue)
        #expect(clv.reference == "clv@1")
        let expected = try fixture.warehouse.lifetimeScores(try fixture.warehouse.lifetimeModel(try fixture.warehouse.snapshot("clv")),
                                                            asOf: AnalyticsFixture.at("2011-06-15"))
        #expect(clv.scores == expected)
        let svgs = try Self.svgs(in: html)
        let distribution = try #require(svgs["clv-distribution"]).values
        #expect(distribution.values.compactMap { Int($0) }.reduce(0, +) == expected.count)
        let alive = try #require(svgs["clv-alive"]).values
        #expect(alive.count == expected.count)
        for score in expected { #expect(alive["probability_alive|\(score.externalID)"] == String(score.probabilityAlive)) }
        // The top customers' table, highest lifetime value first.
        let top = try #require(expected.first)
        #expect(html.contains("<td>\(top.externalID)</td><td>\(top.summary.frequency)</td>"))
        #expect(html.contains("Lifetime value (clv@1)"))
    }

    @Test func textIsEscapedSoNamesCannotBreakTheMarkup() throws {
        let fixture = try AnalyticsFixture()
        try fixture.order("<b>&\"x'", "2011-01-05 10:00", "1")
        let map = try RFMSegmentMap(csv: "segment,cells\n<Everyone & \"all\">,"
            + (1...5).flatMap { r in (1...5).map { "\(r)\($0)" } }.joined(separator: " ") + "\n", file: "m")
        let summary = try fixture.warehouse.rfmSummary(RFMOptions(segmentMap: map))
        let svg = ReportCharts.segments(summary)
        let marks = try Self.svgs(in: svg)
        #expect(marks["rfm-segments"]?.values["users|<Everyone & \"all\">"] == "1")
    }

    @Test func terminalHeatmapShadesCellsAndTheCurveChartHasOneColumnPerOffset() throws {
        let fixture = try fixture()
        let triangle = try fixture.warehouse.retention(RetentionOptions(scope: AnalyticsFixture.scope(asOf: "2011-06-15")))
        let coloured = TerminalCharts.heatmap(triangle, colour: true)
        #expect(coloured.contains("\u{1B}[48;5;"))
        let plain = TerminalCharts.heatmap(triangle, colour: false)
        #expect(!plain.contains("\u{1B}["))
        #expect(plain.contains("█ 100.0%"))
        // Narrower than the terminal: whole percentages, then only the offsets that fit, saying which are left out.
        let wide = plain.split(separator: "\n").prefix(2 + triangle.cohorts.count).map(\.count).max() ?? 0
        let narrow = TerminalCharts.heatmap(triangle, colour: false, width: wide - 1)
        #expect(narrow.contains("█ 100%") && !narrow.contains("100.0%"), "\(narrow)")
        let tight = TerminalCharts.heatmap(triangle, colour: false, width: 30)
        let body = tight.split(separator: "\n").prefix(2 + triangle.cohorts.count)
        #expect(body.allSatisfy { $0.count <= 30 }, "\(tight)")
        #expect(tight.contains("not shown in 30 columns: use --max-offset, a wider terminal, or --format csv."), "\(tight)")
        let chart = TerminalCharts.curve(triangle, height: 6).split(separator: "\n")
        #expect(chart.count == 1 + 6 + 2)
        #expect(chart.last?.split(separator: " ").map(String.init) == triangle.curve.map { String($0.k) })
    }
}

/// What `lifecycle demo` ends with.
@Suite struct DemoDigestTests {
    @Test func digestPrintsTheSummaryAndTheMonthlyTriangleAndWritesTheReport() throws {
        let fixture = try AnalyticsFixture()
        try fixture.order("A", "2011-01-10 10:00", "10")
        try fixture.order("A", "2011-02-10 10:00", "10")
        try fixture.order("B", "2011-02-11 10:00", "10")
        let path = fixture.scratch.path("demo.html")
        let text = try fixture.warehouse.analyticsDigest(reportPath: path)
        #expect(text.contains("RFM segments\nsegment "))
        #expect(text.contains("Monthly retention\ncohort "))
        #expect(text.contains("2011-01      1  100.0%   100.0%*"))  // February is not over on the 12th; k0 keeps a place for a mark
        #expect(text.contains("Left out: nothing"))
        #expect(FileManager.default.fileExists(atPath: path))
    }
}
