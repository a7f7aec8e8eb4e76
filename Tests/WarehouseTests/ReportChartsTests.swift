import Foundation
import Testing
@testable import Warehouse

/// The charts people read: one tick rule on every axis, labels that do not overprint, a heatmap
/// with a colour scale whose every column is whole, and retention means over few cohorts marked.
@Suite struct ReportChartsTests {
    @Test("the tick rule: steps of 1, 2 or 5 × 10^k, zero included, the data covered, the smallest step within the tick budget")
    func tickRule() throws {
        var random = SplitMix(seed: 15)
        var ranges: [(Double, Double, Bool)] = [(0, 1665, true), (-1294, 1665, true), (0, 0.38, false), (0, 1, false), (0, 0, true),
                                                (0, 0.0003, false), (0, 545, true), (3, 7, true), (-5, -2, false), (0, 1249, true),
                                                (0, 0.3, false), (0, 38.86, true)]
        for _ in 0..<300 {
            let scale = pow(10, Double(random.next() % 12) - 5)
            let a = Double(random.next() % 10_000) / 100 * scale, b = Double(random.next() % 10_000) / 100 * scale
            ranges.append((random.next() % 4 == 0 ? -a : a, b, random.next() % 2 == 0))
        }
        for (low, high, integer) in ranges {
            for maxTicks in [2, 5, 6, 8, 14] {
                let axis = AxisScale(covering: low, high, maxTicks: maxTicks, integer: integer)
                #expect(tickRuleViolation(axis.ticks, covering: [low, high]) == nil, "\(low)...\(high): \(axis.ticks)")
                let budget = min(low, high) < 0 && max(low, high) > 0 ? max(3, maxTicks) : maxTicks
                #expect(axis.ticks.count <= budget, "\(low)...\(high), at most \(budget): \(axis.ticks)")
                #expect(axis.lower == axis.ticks.first && axis.upper == axis.ticks.last)
                if integer { #expect(axis.step >= 1 && axis.ticks.allSatisfy { $0 == $0.rounded() }) }
                // The smallest such step: the next smaller one of the 1-2-5 sequence needs more ticks.
                let mantissa = axis.step / pow(10, log10(axis.step).rounded(.down))
                let smaller = abs(mantissa - 1) < 1e-9 ? axis.step / 2 : (abs(mantissa - 2) < 1e-9 ? axis.step / 2 : axis.step * 2 / 5)
                if !integer || smaller >= 1, max(abs(low), abs(high)) > 0 {
                    // The quotients of decimals are off in their last bits (0.3 / 0.1): round within 1e-9 of them.
                    let top = max(0, max(low, high)) / smaller, bottom = min(0, min(low, high)) / smaller
                    let needed = (top - 1e-9 * abs(top)).rounded(.up) - (bottom + 1e-9 * abs(bottom)).rounded(.down) + 1
                    #expect(needed > Double(budget), "\(low)...\(high): step \(axis.step), but \(smaller) needs only \(needed) ticks")
                }
            }
        }
        // The issue's odd ticks come out round.
        #expect(AxisScale(covering: -1294, 1665, maxTicks: 8, integer: true).ticks == [-1500, -1000, -500, 0, 500, 1000, 1500, 2000])
        #expect(AxisScale(covering: 0, 1665, integer: true).ticks == [0, 500, 1000, 1500, 2000])
        #expect(AxisScale(covering: 0, 1).ticks == [0, 0.2, 0.4, 0.6, 0.8, 1])
    }

    @Test("category labels are thinned to every 1st, 2nd, 5th, 10th... so that each fits its share of the axis")
    func labelThinning() {
        for count in [1, 7, 12, 13, 53, 120, 365] {
            for slot in [3.0, 6, 14, 40, 80] {
                let every = AxisLabels.every(count: count, slot: slot, longest: 8, size: 9)
                #expect([1, 2, 5, 10, 20, 50, 100, 200, 500].contains(every))
                #expect(slot * Double(every) >= AxisLabels.width(characters: 8, size: 9) || every >= count)
                let previous = [1, 2, 5, 10, 20, 50, 100, 200, 500].last { $0 < every }
                if let previous { #expect(slot * Double(previous) < AxisLabels.width(characters: 8, size: 9)) }
            }
        }
    }

    /// A year of orders from 90 customers: 53 weekly cohorts, 13 monthly ones.
    private func yearFixture() throws -> AnalyticsFixture {
        let fixture = try AnalyticsFixture()
        var random = SplitMix(seed: 7)
        for index in 0..<90 {
            let first = Int(random.next() % 360)
            for order in 0...(random.next() % 6) {
                let day = min(364, first + Int(order) * Int(1 + random.next() % 60))
                let date = Calendar(identifier: .gregorian).date(byAdding: .day, value: day, to: Date(timeIntervalSince1970: 1_293_840_000))!
                let text = ISO8601DateFormatter().string(from: date).prefix(10)
                try fixture.order("c\(index)", "\(text) 10:00", "\(1 + random.next() % 300).\(random.next() % 100)")
            }
        }
        return fixture
    }

    @Test("every chart's value axes follow the tick rule and cover the data; category labels never overprint; the lifecycle chart has period labels",
          arguments: [Period.month, .week])
    func axesOfEveryChart(period: Period) throws {
        let fixture = try yearFixture()
        let options = ReportOptions(scope: AnalyticsFixture.scope(asOf: "2012-01-01"), period: period)
        let data = try fixture.warehouse.reportData(options)
        let html = HTMLReport.render(data, title: "t")
        let svgs = SVGElements.parse(html)
        #expect(Set(svgs.keys) == ["rfm-segments", "cohort-heatmap", "retention-curve", "activity-users", "lifecycle"])
        let periods = data.activity.periods
        let lifecycle = try #require(svgs["lifecycle"])
        #expect(tickRuleViolation(lifecycle.ticks("y"), covering: periods.map { Double($0.newUsers + $0.returningUsers + $0.resurrectingUsers) }
            + periods.map { -Double($0.dormantUsers) }) == nil, "\(lifecycle.ticks("y"))")
        let activity = try #require(svgs["activity-users"])
        #expect(tickRuleViolation(activity.ticks("y"), covering: periods.map { Double(max($0.activeUsers, $0.firstPurchases)) }) == nil)
        let curve = try #require(svgs["retention-curve"])
        let shares = data.retention.cohorts.flatMap { $0.cells.filter(\.complete).compactMap(\.share) }
        #expect(tickRuleViolation(curve.ticks("y"), covering: shares) == nil, "\(curve.ticks("y"))")
        #expect(tickRuleViolation(curve.ticks("x"), covering: [Double(data.retention.maxOffset)]) == nil)
        for chart in [activity, lifecycle] {
            let labels = chart.elements.filter { $0.attributes["data-axis"] == "x" && $0.attributes["data-label"] != nil }
            #expect(labels.count >= min(periods.count, 5), "too few period labels: \(labels.map(\.text))")
            for (a, b) in zip(labels, labels.dropFirst()) {
                let room = (b.number("x") ?? 0) - (a.number("x") ?? 0)
                let needed = AxisLabels.width(characters: max(a.text.count, b.text.count), size: b.number("font-size") ?? 9)
                #expect(room >= needed, "labels \(a.text) and \(b.text) are \(room) px apart, need \(needed)")
            }
            // The chart is as wide as its periods need: every bar inside the drawing.
            let width = try #require(chart.root?.number("width"))
            #expect(chart.elements.filter { $0.name == "rect" }.allSatisfy { ($0.number("x") ?? 0) + ($0.number("width") ?? 0) <= width })
        }
    }

    @Test("the cohort heatmap has a colour scale by the tick rule and fits the page: past its width, panels of whole columns, each with the cohorts that reach them",
          arguments: [Period.month, .week])
    func heatmapScaleAndWidth(period: Period) throws {
        let fixture = try yearFixture()
        let data = try fixture.warehouse.reportData(ReportOptions(scope: AnalyticsFixture.scope(asOf: "2012-01-01"), period: period))
        let html = HTMLReport.render(data, title: "t")
        let heatmap = try #require(SVGElements.parse(html)["cohort-heatmap"])
        #expect(data.retention.maxOffset >= (period == .week ? 50 : 11))
        let later = data.retention.cohorts.flatMap { $0.cells.filter { $0.k > 0 }.compactMap(\.share) }
        #expect(tickRuleViolation(heatmap.ticks("colour"), covering: later) == nil, "\(heatmap.ticks("colour"))")
        #expect(heatmap.elements.filter { $0.attributes["data-legend"] == "colour" }.count == 20)
        let width = try #require(heatmap.root?.number("width"))
        #expect(width <= HTMLReport.pageWidth)
        // Every cell once, whole, inside the drawing, in the panel of its offset.
        let panels = heatmap.elements.compactMap { $0.attributes["data-panel"] }.map { text -> ClosedRange<Int> in
            let bounds = text.split(separator: "-").compactMap { Int($0) }
            return bounds[0]...bounds[1]
        }
        #expect(panels.first?.lowerBound == 0 && panels.last?.upperBound == data.retention.maxOffset)
        #expect(zip(panels, panels.dropFirst()).allSatisfy { $0.upperBound + 1 == $1.lowerBound })
        #expect(period == .week ? panels.count > 1 : panels.count == 1)
        let cells = heatmap.elements.filter { $0.attributes["data-series"] == "value" }
        #expect(cells.count == data.retention.cohorts.map(\.cells.count).reduce(0, +))
        let byKey = heatmap.marks("value")
        #expect(byKey.count == cells.count)
        for cohort in data.retention.cohorts {
            for cell in cohort.cells {
                let rect = try #require(byKey["\(cohort.label)/k\(cell.k)"])
                #expect(rect.attributes["data-value"] == String(cell.value))
                #expect((rect.number("x") ?? .infinity) + (rect.number("width") ?? 0) <= width)
                #expect((rect.number("x") ?? -1) >= CohortHeatmap.left)
            }
        }
        #expect(html.contains("the triangle is shown in \(panels.count) parts") == (panels.count > 1))
    }

    @Test("retention-curve points averaging fewer than 3 cohorts are hollow and flagged, exactly those, and the chart says from which k",
          arguments: [Period.month, .week])
    func fewCohortMarks(period: Period) throws {
        let fixture = try yearFixture()
        let triangle = try fixture.warehouse.retention(RetentionOptions(scope: AnalyticsFixture.scope(asOf: "2012-01-01"), period: period))
        let curve = try #require(SVGElements.parse(ReportCharts.curves(triangle))["retention-curve"])
        #expect(ReportCharts.fewCohorts == 3)
        let few = triangle.curve.filter { $0.cohorts < ReportCharts.fewCohorts }
        #expect(!few.isEmpty && few.count < triangle.curve.count)
        for series in ["weighted", "mean"] {
            let marks = curve.marks(series)
            for point in triangle.curve {
                guard let share = series == "weighted" ? point.weighted : point.mean else {
                    #expect(marks[String(point.k)] == nil)
                    continue
                }
                let mark = try #require(marks[String(point.k)])
                #expect(mark.attributes["data-value"] == String(format: "%.6f", share))
                #expect(mark.attributes["data-cohorts"] == String(point.cohorts))
                let hollow = point.cohorts < ReportCharts.fewCohorts
                #expect((mark.attributes["data-few-cohorts"] == "true") == hollow, "k \(point.k): \(point.cohorts) cohorts")
                #expect((mark.attributes["fill"] == "#fff") == hollow)
            }
        }
        let first = few.first { $0.weighted != nil || $0.mean != nil }
        let note = curve.elements.first { $0.attributes["data-few-from"] != nil }
        #expect(note?.attributes["data-few-from"] == first.map { String($0.k) })
        #expect(note?.text.contains("fewer than 3 cohorts") == true)
    }
}
