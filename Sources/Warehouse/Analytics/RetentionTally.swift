/// The retention triangle's counts by cohort and offset, added to one customer at a time
/// (`RetentionScan`), and read out as the rows of `sql/retention.sql`.
struct RetentionTally {
    let cohort: CohortKind
    private var slots: [Int64: Int] = [:]
    private var cohorts: [CohortCells] = []

    init(cohort: CohortKind) {
        self.cohort = cohort
    }

    /// One cohort's counts, indexed by offset k.
    private struct CohortCells {
        let period: Int64
        /// Members whose last active period is cohort + k.
        var ends: [Int64] = []
        /// Members active (with a purchase, or an event) in cohort + k.
        var active: [Int64] = []
        var orders: [Int64] = []
        /// Net revenue of the members in cohort + k, micro-units.
        var revenue: [Int64] = []

        mutating func reserve(_ count: Int) {
            guard ends.count < count else { return }
            let more = count - ends.count
            ends += repeatElement(0, count: more)
            active += repeatElement(0, count: more)
            orders += repeatElement(0, count: more)
            revenue += repeatElement(0, count: more)
        }
    }

    /// Adds one customer: she belongs to the cohort of her first purchase period (or, recurring,
    /// of every period with a purchase); each of her periods from the cohort on adds to the cell
    /// at its offset. A customer without a purchase belongs to no cohort.
    mutating func add(_ periods: inout CustomerPeriods) throws {
        try periods.ordered()
        guard let first = periods.purchases.firstIndex(where: { $0 > 0 }),
              let last = periods.purchases.lastIndex(where: { $0 > 0 }) else { return }
        switch cohort {
        case .firstPurchase:
            try addMember(from: first, lastActive: periods.numbers[last], periods)
        case .recurring:
            for start in first...last where periods.purchases[start] > 0 {
                try addMember(from: start, lastActive: periods.numbers[last], periods)
            }
        }
    }

    private mutating func addMember(from start: Int, lastActive: Int64, _ periods: CustomerPeriods) throws {
        let c = periods.numbers[start]
        let slot = slot(of: c)
        let count = periods.numbers.count
        cohorts[slot].reserve(Int(periods.numbers[count - 1] - c) + 1)
        cohorts[slot].ends[Int(lastActive - c)] += 1
        for index in start..<count {
            let k = Int(periods.numbers[index] - c)
            let purchases = periods.purchases[index]
            if purchases > 0 { cohorts[slot].active[k] += 1 }
            cohorts[slot].orders[k] += purchases
            cohorts[slot].revenue[k] = try Self.add(cohorts[slot].revenue[k], periods.amounts[index])
        }
    }

    /// Adds the counts of `other`, a tally of other customers (another range of user ids).
    mutating func merge(_ other: RetentionTally) throws {
        for cells in other.cohorts {
            let slot = slot(of: cells.period)
            cohorts[slot].reserve(cells.ends.count)
            for k in cells.ends.indices {
                cohorts[slot].ends[k] += cells.ends[k]
                cohorts[slot].active[k] += cells.active[k]
                cohorts[slot].orders[k] += cells.orders[k]
                cohorts[slot].revenue[k] = try Self.add(cohorts[slot].revenue[k], cells.revenue[k])
            }
        }
    }

    private mutating func slot(of period: Int64) -> Int {
        if let slot = slots[period] { return slot }
        slots[period] = cohorts.count
        cohorts.append(CohortCells(period: period))
        return cohorts.count - 1
    }

    /// The rows, handed to `body` one by one: per cohort (ascending) every offset up to the period before as-of (`lastPeriod`),
    /// with the cohort's size, active and reached customers (members whose last period is at k or
    /// later), orders and revenue; `complete` when cohort + k is before as-of's period. Only
    /// cohorts from `sincePeriod` through `untilPeriod` and offsets up to `maxOffset`.
    func forEachRow(numbering: PeriodNumbering, lastPeriod: Int64, asOfPeriod: Int64, sincePeriod: Int64?,
                    untilPeriod: Int64?, maxOffset: Int64?, _ body: (RetentionRow) throws -> Void) rethrows {
        for cells in cohorts.sorted(by: { $0.period < $1.period }) {
            let c = cells.period
            if let sincePeriod, c < sincePeriod { continue }
            if let untilPeriod, c > untilPeriod { continue }
            var count = max(cells.ends.count, Int(max(lastPeriod - c + 1, 0)))
            if let maxOffset { count = min(count, Int(maxOffset) + 1) }
            let users = cells.ends.reduce(0, +)
            var reached = users
            let label = numbering.label(of: c), start = numbering.start(of: c)
            for k in 0..<max(count, 0) {
                let held = k < cells.ends.count
                try body(RetentionRow(cohort: c, cohortLabel: label, cohortStart: start, cohortUsers: users, k: Int64(k),
                                      activeUsers: held ? cells.active[k] : 0, reachedUsers: reached,
                                      orders: held ? cells.orders[k] : 0, revenueMicros: held ? cells.revenue[k] : 0,
                                      complete: c + Int64(k) < asOfPeriod))
                if held { reached -= cells.ends[k] }
            }
        }
    }

    /// `a + b`, or an error where SQLite's `sum` reports an integer overflow.
    static func add(_ a: Int64, _ b: Int64) throws -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        if overflow { throw AnalyticsError.invalidOption(option: "--metric revenue", reason: "the revenue of a cell exceeds 64-bit micro-units") }
        return sum
    }
}
