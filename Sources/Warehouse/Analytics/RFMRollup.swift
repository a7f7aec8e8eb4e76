/// The summary's sections from scored customers, as `sql/rfm_summary.sql` rolls its cells up:
/// one row per segment present (named by the map from R and F, "Unmapped" at position 999 where
/// the map has no cell), and one per score of each measure with its customers and the range of
/// values it spans.
struct RFMRollup {
    private struct Segment {
        var users = 0
        var recencySum: Int64 = 0, frequencySum: Int64 = 0, revenue: Int64 = 0
    }

    private struct Range {
        var users = 0
        var minimum = Int64.max, maximum = Int64.min
    }

    private var segments: [String: (position: Int, totals: Segment)] = [:]
    /// Per measure, score 1...5 at index 0...4.
    private var ranges: [RFMMeasure: [Range]] = Dictionary(uniqueKeysWithValues: RFMMeasure.allCases.map { ($0, Array(repeating: Range(), count: 5)) })
    private let names: [Int: (segment: String, position: Int)]

    init(map: RFMSegmentMap) {
        names = Dictionary(map.cells.map { ($0.r * 10 + $0.f, ($0.segment, $0.position)) }, uniquingKeysWith: { first, _ in first })
    }

    /// The segment a customer's R and F scores fall in, and its display position.
    func segment(r: Int, f: Int) -> (segment: String, position: Int) {
        names[r * 10 + f] ?? ("Unmapped", 999)
    }

    /// Counts one customer.
    mutating func add(_ customer: RFMScore) throws {
        let (name, position) = segment(r: customer.r, f: customer.f)
        var entry = segments[name] ?? (position, Segment())
        entry.totals.users += 1
        entry.totals.recencySum += customer.recencyDays
        entry.totals.frequencySum += customer.frequency
        let (revenue, overflow) = entry.totals.revenue.addingReportingOverflow(customer.monetaryMicros)
        if overflow { throw AnalyticsError.amountOverflow("the net revenue of segment \(name)") }
        entry.totals.revenue = revenue
        segments[name] = entry
        for measure in RFMMeasure.allCases {
            let value = customer.value(measure)
            let index = customer.score(measure) - 1
            ranges[measure]![index].users += 1
            ranges[measure]![index].minimum = min(ranges[measure]![index].minimum, value)
            ranges[measure]![index].maximum = max(ranges[measure]![index].maximum, value)
        }
    }

    /// The segments in (position, name) order, with shares of all customers and of their revenue
    /// (nil when that is zero); then the score ranges of R, M and F (the query's section order),
    /// scores ascending, those without customers left out.
    func sections() throws -> (segments: [RFMSegment], scores: [RFMScoreRange]) {
        let users = segments.values.reduce(0) { $0 + $1.totals.users }
        var revenue: Int64 = 0
        for entry in segments.values {
            let (sum, overflow) = revenue.addingReportingOverflow(entry.totals.revenue)
            if overflow { throw AnalyticsError.amountOverflow("the customers' net revenue") }
            revenue = sum
        }
        let rows = segments.map { name, entry in
            let totals = entry.totals
            return RFMSegment(
                name: name, position: entry.position, users: totals.users, userShare: Double(totals.users) / Double(users),
                averageRecencyDays: Double(totals.recencySum) / Double(totals.users),
                averageFrequency: Double(totals.frequencySum) / Double(totals.users),
                averageMonetaryMicros: Self.sqliteRound(Double(totals.revenue) / Double(totals.users)), revenueMicros: totals.revenue,
                revenueShare: revenue == 0 ? nil : Double(totals.revenue) / Double(revenue))
        }.sorted { ($0.position, $0.name) < ($1.position, $1.name) }
        let scores = [RFMMeasure.recency, .monetary, .frequency].flatMap { measure in
            ranges[measure]!.enumerated().filter { $0.element.users > 0 }.map {
                RFMScoreRange(measure: measure, score: $0.offset + 1, users: $0.element.users,
                              minimum: $0.element.minimum, maximum: $0.element.maximum)
            }
        }
        return (rows, scores)
    }

    /// SQLite's `round(x)` as an integer: x + 0.5 truncated (away from zero below it), which the
    /// query's `CAST(round(…) AS INTEGER)` gives; not quite `rounded()` near halves.
    static func sqliteRound(_ value: Double) -> Int64 {
        value >= 0 ? Int64(value + 0.5) : -Int64(-value + 0.5)
    }
}
