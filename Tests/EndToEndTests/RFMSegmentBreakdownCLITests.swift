import Foundation
import Testing
import Warehouse

/// `retention --by rfm-segment`: each segment's triangle equals classic monthly retention computed
/// here, from the purchase months of the customers `rfm --users` puts in that segment.
@Suite(.serialized) struct RFMSegmentBreakdownCLITests {
    /// A month label "2011-03" as a month number.
    static func month(_ label: String) -> Int {
        let parts = label.split(separator: "-").compactMap { Int($0) }
        return parts.count == 2 ? parts[0] * 12 + parts[1] : 0
    }

    @Test("each RFM segment's triangle is the retention of its customers, computed independently from their purchase months")
    func segmentsEqualAnIndependentTriangle() throws {
        let work = try WorkDirectory()
        let demo = try Binary.run(["demo", "--users", "300", "--db", "w.db"], directory: work.url)
        try #require(demo.status == 0, "\(demo.stderr)")
        let asOf = ["--as-of", "2011-10-01", "--timezone", "UTC"]
        var segment: [String: String] = [:]
        for row in try BreakdownCLITests.rows(["rfm", "--users"] + asOf, in: work) {
            if let customer = row["customer"]?.stringValue, let name = row["segment"]?.stringValue { segment[customer] = name }
        }
        var months: [String: Set<Int>] = [:]
        for row in try BreakdownCLITests.rows(["query", """
            SELECT u.external_id AS customer, strftime('%Y-%m', o.ordered_at, 'unixepoch') AS month
            FROM orders o JOIN users u ON u.id = o.user_id
            WHERE o.kind = 'purchase' AND o.ordered_at < unixepoch('2011-10-01') GROUP BY 1, 2
            """], in: work) {
            if let customer = row["customer"]?.stringValue, let month = row["month"]?.stringValue { months[customer, default: []].insert(Self.month(month)) }
        }
        try #require(Set(months.keys) == Set(segment.keys), "every buyer before as-of has a segment")
        // Expected per segment: cohort sizes and active customers per (cohort, k).
        var sizes: [String: [Int: Int]] = [:], active: [String: [Int: [Int: Int]]] = [:]
        for (customer, bought) in months {
            guard let name = segment[customer], let first = bought.min() else { continue }
            sizes[name, default: [:]][first, default: 0] += 1
            for month in bought { active[name, default: [:]][first, default: [:]][month - first, default: 0] += 1 }
        }

        let rows = try BreakdownCLITests.rows(["retention", "--by", "rfm-segment"] + asOf, in: work)
        let groups = Set(rows.compactMap { $0["rfm_segment"]?.stringValue })
        #expect(groups == Set(sizes.keys), "one group per segment with customers: \(groups)")
        #expect(rows.allSatisfy { $0.members?.first?.key == "rfm_segment" }, "the group column comes first")
        for row in rows {
            guard let name = row["rfm_segment"]?.stringValue, let label = row["cohort"]?.stringValue,
                  case .integer(let k)? = row["k"], case .integer(let users)? = row["cohort_users"], case .integer(let value)? = row["value"] else {
                Issue.record("unexpected row \(row)")
                continue
            }
            let cohort = Self.month(label)
            #expect(Int(users) == sizes[name]?[cohort], "\(name) \(label): \(users) customers")
            #expect(Int(value) == active[name]?[cohort]?[Int(k)] ?? 0, "\(name) \(label) k=\(k): \(value) active")
        }
        for (name, cohorts) in sizes {
            let shown = Set(rows.filter { $0["rfm_segment"]?.stringValue == name }.compactMap { $0["cohort"]?.stringValue }.map(Self.month))
            #expect(shown == Set(cohorts.keys), "\(name): every cohort with customers is shown")
        }
        // Orders take the general path of sql/retention.sql (not the bit masks): the same customers per group.
        for row in try BreakdownCLITests.rows(["retention", "--by", "rfm-segment", "--metric", "orders"] + asOf, in: work) {
            guard let name = row["rfm_segment"]?.stringValue, let label = row["cohort"]?.stringValue,
                  case .integer(let users)? = row["cohort_users"] else { continue }
            #expect(Int(users) == sizes[name]?[Self.month(label)], "orders: \(name) \(label): \(users) customers")
        }
        let segments = try BreakdownCLITests.rows(["rfm"] + asOf, in: work).compactMap { $0["segment"]?.stringValue }
        let order = rows.compactMap { $0["rfm_segment"]?.stringValue }.reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
        #expect(order == segments.filter(groups.contains), "groups in the rfm summary's order")
    }

    @Test("--by rfm-segment takes --country (segments within it); rfm --by rfm-segment is refused")
    func countryAndRefusal() throws {
        let work = try WorkDirectory()
        let demo = try Binary.run(["demo", "--users", "300", "--db", "w.db"], directory: work.url)
        try #require(demo.status == 0, "\(demo.stderr)")
        let country = "United Kingdom"
        var segment: [String: String] = [:]
        for row in try BreakdownCLITests.rows(["rfm", "--users", "--country", country], in: work) {
            if let customer = row["customer"]?.stringValue, let name = row["segment"]?.stringValue { segment[customer] = name }
        }
        try #require(!segment.isEmpty)
        let curve = try BreakdownCLITests.rows(["retention", "--by", "rfm-segment", "--country", country, "--curve"], in: work)
        let k0 = Dictionary(curve.filter { $0["k"] == .integer(0) }.compactMap { row in
            row["rfm_segment"]?.stringValue.map { ($0, row["cohorts"]) }
        }, uniquingKeysWith: { first, _ in first })
        #expect(Set(k0.keys) == Set(segment.values), "a curve per segment of the country's customers")
        let refused = try Binary.run(["rfm", "--by", "rfm-segment", "--db", "w.db"], directory: work.url)
        #expect(refused.status != 0 && refused.stderr.contains("already one row per RFM segment"), "\(refused.stderr)")
    }
}
