/// The summary's sections from scored customers, as `sql/rfm_summary.sql` rolls its cells up:
/// customers are counted into the 125 (R, F, M) cells, and the cells are folded into one row per
/// segment present (named by the map from R and F, "Unmapped" at position 999 where the map has
/// no cell) and one per score of each measure, with its customers and the range of values it
/// spans. Counting into an array of cells, not a dictionary of segment names, keeps hashing out
/// of the per-customer work.
struct RFMRollup {
    private struct Cell {
        var users = 0
        var recencySum: Int64 = 0, frequencySum: Int64 = 0, revenue: Int64 = 0
        /// The smallest and largest value of each measure.
        var recency = Span(), frequency = Span(), monetary = Span()

        func span(_ measure: RFMMeasure) -> Span {
            switch measure {
            case .recency: return recency
            case .frequency: return frequency
            case .monetary: return monetary
            }
        }
    }

    private struct Span {
        var minimum = Int64.max, maximum = Int64.min

        mutating func add(_ value: Int64) {
            minimum = min(minimum, value)
            maximum = max(maximum, value)
        }

        mutating func add(_ other: Span) {
            minimum = min(minimum, other.minimum)
            maximum = max(maximum, other.maximum)
        }
    }

    /// A score's customers and the values they span.
    private struct Range {
        var users = 0
        var span = Span()
    }

    private var cells = Array(repeating: Cell(), count: 125)
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
        let index = (customer.r - 1) * 25 + (customer.f - 1) * 5 + customer.m - 1
        cells[index].users += 1
        cells[index].recencySum += customer.recencyDays
        cells[index].frequencySum += customer.frequency
        cells[index].revenue = try Self.add(cells[index].revenue, customer.monetaryMicros,
                                            "the net revenue of RFM cell \(customer.r)\(customer.f)\(customer.m)")
        cells[index].recency.add(customer.recencyDays)
        cells[index].frequency.add(customer.frequency)
        cells[index].monetary.add(customer.monetaryMicros)
    }

    /// The segments in (position, name) order, with shares of all customers and of their revenue
    /// (nil when that is zero); then the score ranges of R, M and F (the query's section order),
    /// scores ascending, those without customers left out.
    func sections() throws -> (segments: [RFMSegment], scores: [RFMScoreRange]) {
        var segments: [String: (position: Int, cell: Cell)] = [:]
        var ranges = Dictionary(uniqueKeysWithValues: RFMMeasure.allCases.map { ($0, Array(repeating: Range(), count: 5)) })
        var users = 0, revenue: Int64 = 0
        for (index, cell) in cells.enumerated() where cell.users > 0 {
            let scores: [RFMMeasure: Int] = [.recency: index / 25, .frequency: index / 5 % 5, .monetary: index % 5]
            let (name, position) = segment(r: index / 25 + 1, f: index / 5 % 5 + 1)
            var entry = segments[name] ?? (position, Cell())
            entry.cell.users += cell.users
            entry.cell.recencySum += cell.recencySum
            entry.cell.frequencySum += cell.frequencySum
            entry.cell.revenue = try Self.add(entry.cell.revenue, cell.revenue, "the net revenue of segment \(name)")
            segments[name] = entry
            users += cell.users
            revenue = try Self.add(revenue, cell.revenue, "the customers' net revenue")
            for (measure, score) in scores {
                ranges[measure]![score].users += cell.users
                ranges[measure]![score].span.add(cell.span(measure))
            }
        }
        let rows = segments.map { name, entry in
            let totals = entry.cell
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
                              minimum: $0.element.span.minimum, maximum: $0.element.span.maximum)
            }
        }
        return (rows, scores)
    }

    private static func add(_ a: Int64, _ b: Int64, _ what: String) throws -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        if overflow { throw AnalyticsError.amountOverflow(what) }
        return sum
    }

    /// SQLite's `round(x)` as an integer: x + 0.5 truncated (away from zero below it), which the
    /// query's `CAST(round(…) AS INTEGER)` gives; not quite `rounded()` near halves.
    static func sqliteRound(_ value: Double) -> Int64 {
        value >= 0 ? Int64(value + 0.5) : -Int64(-value + 0.5)
    }
}
