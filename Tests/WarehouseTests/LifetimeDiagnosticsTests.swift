import Foundation
import Learning
import Testing
@testable import Warehouse

/// The report's charts of a lifetime-value model (lifetimes' frequency/recency matrices, period
/// transactions and calibration vs holdout): every number in the SVG equals an independent
/// evaluation from the stored parameters, a SQL count, or what training stored.
@Suite struct LifetimeDiagnosticsTests {
    static let observationEnd = "2011-04-30"
    static let holdoutEnd = "2011-06-14"

    /// 150 customers who start between January and April and buy every few weeks until they
    /// stop, each after a repeat purchase with probability 0.3: a shop that BG/NBD describes.
    private func fixture(holdout: Bool = true) throws -> (AnalyticsFixture, ModelSnapshot) {
        let fixture = try AnalyticsFixture()
        var random = SplitMix(seed: 21)
        let start = AnalyticsFixture.at("2011-01-01")
        for index in 0..<150 {
            var day = Int64(random.next() % 120)
            var orders = 0
            while day < 165 && orders < 30 {
                let instant = start + day * 86_400 + 36_000
                let date = CalendarDate.day(instant)
                try fixture.order("c\(index)", "\(date) 10:00", "\(5 + random.next() % 200).\(random.next() % 100)")
                orders += 1
                if orders > 1 && random.next() % 10 < 3 { break }
                day += 1 + Int64(random.next() % 40)
            }
        }
        let end = LifetimeCalendar.day(ofDate: AnalyticsFixture.at(Self.observationEnd))
        let holdoutEnd = holdout ? LifetimeCalendar.day(ofDate: AnalyticsFixture.at(Self.holdoutEnd)) : nil
        let training = try fixture.warehouse.trainLifetimeValue(LifetimeTrainingOptions(period: .week, observationEnd: end, holdoutEnd: holdoutEnd,
                                                                                         penalty: 0.001))
        let stored = try fixture.warehouse.storeLifetimeValue(training, promote: true)
        return (fixture, stored.snapshot)
    }

    private func report(_ fixture: AnalyticsFixture) throws -> (html: String, svgs: [String: SVGElements]) {
        let data = try fixture.warehouse.reportData(ReportOptions(scope: AnalyticsFixture.scope(asOf: "2011-06-15")))
        let html = HTMLReport.render(data, title: "t")
        return (html, SVGElements.parse(html))
    }

    /// (x, day of the first purchase) of every customer in the calibration period, by SQL: repeat
    /// purchases are distinct purchase days after the first (the fixture is in UTC).
    private func calibration(_ fixture: AnalyticsFixture) throws -> [(x: Int, firstDay: Int64)] {
        let end = AnalyticsFixture.at(Self.observationEnd) + 86_400
        var rows: [(Int, Int64)] = []
        let statement = try fixture.warehouse.db.prepare("""
            SELECT count(DISTINCT ordered_at / 86400) - 1, min(ordered_at) / 86400 FROM orders
            WHERE kind = 'purchase' AND user_id IS NOT NULL AND ordered_at < ? GROUP BY user_id
            """)
        _ = try statement.bind([end])
        while try statement.step() { rows.append((Int(statement.int64(at: 0)), statement.int64(at: 1))) }
        return rows
    }

    @Test("P(alive) matrix cells equal FHL 2005 equation 11 evaluated directly, for a customer of the oldest age; impossible cells carry no value")
    func aliveMatrix() throws {
        let (fixture, snapshot) = try fixture()
        let model = try fixture.warehouse.lifetimeModel(snapshot).model.purchases
        let svg = try #require(try report(fixture).svgs["clv-alive-matrix"])
        let endDay = Double(LifetimeCalendar.day(ofDate: AnalyticsFixture.at(Self.observationEnd)))
        let age = (endDay - Double(try calibration(fixture).map(\.firstDay).min() ?? 0)) / 7
        let cells = svg.marks("probability_alive")
        #expect(cells.count >= 20)
        var checked = 0
        for (key, element) in cells {
            let parts = key.split(separator: "/").map { $0.split(separator: "=")[1] }
            let x = try #require(Double(parts[0])), t = try #require(Double(parts[1]))
            #expect(x == 0 ? t == 0 : t * 7 >= x, "no customer has x \(x) at tₓ \(t)")
            let direct = x == 0 ? 1 : 1 / (1 + model.a / (model.b + x - 1) * pow((model.alpha + age) / (model.alpha + t), model.r + x))
            let shown = try #require(element.number("data-value"))
            // 1e-12: the same closed form, the code's in log space.
            #expect(abs(shown - direct) <= 1e-12, "x \(x), tₓ \(t): \(shown) against \(direct)")
            checked += 1
        }
        #expect(checked == cells.count)
        #expect(tickRuleViolation(svg.ticks("colour"), covering: [0, 1]) == nil)
    }

    @Test("expected-purchases matrix cells equal FHL 2005 equation 10 in the paper's own ₂F₁ form, one week ahead")
    func expectedPurchasesMatrix() throws {
        let (fixture, snapshot) = try fixture()
        let model = try fixture.warehouse.lifetimeModel(snapshot).model.purchases
        let svg = try #require(try report(fixture).svgs["clv-expected-matrix"])
        let endDay = Double(LifetimeCalendar.day(ofDate: AnalyticsFixture.at(Self.observationEnd)))
        let age = (endDay - Double(try calibration(fixture).map(\.firstDay).min() ?? 0)) / 7
        let cells = svg.marks("expected_purchases")
        #expect(cells.count >= 20)
        let (r, alpha, a, b, t) = (model.r, model.alpha, model.a, model.b, 1.0)
        for (key, element) in cells {
            let parts = key.split(separator: "/").map { $0.split(separator: "=")[1] }
            let x = try #require(Double(parts[0])), recency = try #require(Double(parts[1]))
            let hypergeometric = SpecialFunctions.hypergeometric2F1(r + x, b + x, a + b + x - 1, t / (alpha + age + t))
            let numerator = (a + b + x - 1) / (a - 1) * (1 - pow((alpha + age) / (alpha + age + t), r + x) * hypergeometric)
            let denominator = 1 + (x > 0 ? a / (b + x - 1) * pow((alpha + age) / (alpha + recency), r + x) : 0)
            let direct = numerator / denominator
            let shown = try #require(element.number("data-value"))
            // 1e-9 relative: the code sums the Euler-transformed series, this the paper's.
            #expect(abs(shown - direct) <= 1e-9 * max(direct, 1e-6), "x \(x), tₓ \(recency): \(shown) against \(direct)")
        }
        #expect(tickRuleViolation(svg.ticks("colour"), covering: cells.values.compactMap { $0.number("data-value") }) == nil)
    }

    @Test("period transactions: actual bars equal a SQL count of customers by repeat purchases, model bars Σ P(X(Tᵢ) = x) over the customers' SQL ages")
    func periodTransactions() throws {
        let (fixture, snapshot) = try fixture()
        let model = try fixture.warehouse.lifetimeModel(snapshot).model.purchases
        let svg = try #require(try report(fixture).svgs["clv-period-transactions"])
        let customers = try calibration(fixture)
        let endDay = LifetimeCalendar.day(ofDate: AnalyticsFixture.at(Self.observationEnd))
        let actual = svg.marks("actual"), expected = svg.marks("model")
        #expect(actual.count == 8 && expected.count == 8)
        var modelTotal = 0.0
        for x in 0...7 {
            let label = x == 7 ? "7+" : String(x)
            let count = customers.filter { x == 7 ? $0.x >= 7 : $0.x == x }.count
            #expect(actual[label]?.attributes["data-value"] == String(count), "x \(label)")
            let shown = try #require(expected[label]?.number("data-value"))
            modelTotal += shown
            guard x < 7 else { continue }
            let direct = customers.reduce(0.0) { $0 + model.probabilityOfPurchases(x, in: Double(endDay - $1.firstDay) / 7) }
            #expect(abs(shown - direct) <= 1e-9 * max(1, direct), "x \(x): \(shown) against \(direct)")
        }
        #expect(abs(modelTotal - Double(customers.count)) < 1e-6)
        #expect(tickRuleViolation(svg.ticks("y"), covering: actual.values.compactMap { $0.number("data-value") }
            + expected.values.compactMap { $0.number("data-value") }) == nil)
    }

    @Test("calibration vs holdout: the chart's means equal the holdout check training stored in the snapshot")
    func calibrationAgainstHoldout() throws {
        let (fixture, snapshot) = try fixture()
        let (html, svgs) = try report(fixture)
        let svg = try #require(svgs["clv-holdout"])
        guard case .array(let buckets)? = snapshot.metrics["holdout"]?["by_frequency"] else {
            Issue.record("the snapshot has no holdout by frequency: \(snapshot.metrics)")
            return
        }
        #expect(!buckets.isEmpty)
        let actual = svg.marks("actual"), predicted = svg.marks("predicted")
        #expect(actual.count == buckets.count && predicted.count == buckets.count)
        for bucket in buckets {
            let label = try #require(bucket["frequency"]?.stringValue)
            // 1e-12 relative: the stored means went through JSON text and back.
            let storedActual = try #require(bucket["actual_mean"]?.doubleValue), storedPredicted = try #require(bucket["predicted_mean"]?.doubleValue)
            #expect(abs((actual[label]?.number("data-value") ?? .nan) - storedActual) <= 1e-12 * max(1, storedActual))
            #expect(abs((predicted[label]?.number("data-value") ?? .nan) - storedPredicted) <= 1e-12 * max(1, storedPredicted))
        }
        #expect(html.contains("<h2>Calibration and holdout purchases</h2>"))
        #expect(tickRuleViolation(svg.ticks("y"), covering: actual.values.compactMap { $0.number("data-value") }
            + predicted.values.compactMap { $0.number("data-value") }) == nil)
    }

    @Test("a model trained without a holdout gets the three other charts and a sentence instead of the holdout chart")
    func withoutHoldout() throws {
        let (fixture, _) = try fixture(holdout: false)
        let (html, svgs) = try report(fixture)
        #expect(svgs["clv-holdout"] == nil)
        #expect(svgs["clv-alive-matrix"] != nil && svgs["clv-expected-matrix"] != nil && svgs["clv-period-transactions"] != nil)
        #expect(html.contains("was trained without a holdout"))
    }

    @Test("the P(alive) scatter's legend is above the plot, out of reach of any dot, and its axes follow the tick rule, as do the lifetime-value histogram's bins and axis")
    func aliveScatterLegend() throws {
        let (fixture, _) = try fixture()
        let svg = try #require(try report(fixture).svgs["clv-alive"])
        let dots = svg.marks("probability_alive").values
        let highest = dots.compactMap { element -> Double? in
            guard let y = element.number("cy"), let r = element.number("r") else { return nil }
            return y - r
        }.min() ?? 0
        let legend = svg.elements.filter { $0.name == "text" && $0.text.hasPrefix("one purchase so far") }
        #expect(legend.count == 1)
        #expect((legend.first?.number("y") ?? .infinity) < highest, "the legend overlaps the dots")
        #expect(tickRuleViolation(svg.ticks("y"), covering: [0, 1]) == nil)
        #expect(svg.ticks("x").count >= 3)
        #expect(tickRuleViolation(svg.ticks("x")) == nil)
        // The lifetime-value bins are a tick step wide, so their edges are round numbers.
        let section = try #require(try fixture.warehouse.reportData(ReportOptions(scope: AnalyticsFixture.scope(asOf: "2011-06-15"))).lifetimeValue)
        let bins = section.histogram()
        #expect(tickRuleViolation(bins.map(\.lower), covering: []) == nil, "\(bins.map(\.lower))")
        #expect(bins.map(\.customers).reduce(0, +) == section.scores.count)
        let histogram = try #require(try report(fixture).svgs["clv-distribution"])
        #expect(histogram.ticks("y").count >= 3)
        #expect(tickRuleViolation(histogram.ticks("y"), covering: histogram.marks("customers").values.compactMap { $0.number("data-value") }) == nil)
    }
}
