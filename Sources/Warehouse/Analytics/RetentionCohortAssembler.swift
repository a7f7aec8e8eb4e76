/// One row of the retention query (`sql/retention.sql` or `sql/postgres/retention.sql`: the same
/// columns), read from either engine's row type, or computed by `RetentionScan`.
struct RetentionRow: Equatable {
    let cohort: Int64
    let cohortLabel: String
    let cohortStart: String
    let cohortUsers: Int64
    let k: Int64
    let activeUsers: Int64
    let reachedUsers: Int64
    let orders: Int64
    let revenueMicros: Int64
    let complete: Bool

    init(cohort: Int64, cohortLabel: String, cohortStart: String, cohortUsers: Int64, k: Int64, activeUsers: Int64,
         reachedUsers: Int64, orders: Int64, revenueMicros: Int64, complete: Bool) {
        self.cohort = cohort
        self.cohortLabel = cohortLabel
        self.cohortStart = cohortStart
        self.cohortUsers = cohortUsers
        self.k = k
        self.activeUsers = activeUsers
        self.reachedUsers = reachedUsers
        self.orders = orders
        self.revenueMicros = revenueMicros
        self.complete = complete
    }

    /// A row of either engine's retention query.
    init(row: some QueryRow) {
        cohort = row.int("cohort")
        cohortLabel = row.text("cohort_label")
        cohortStart = row.text("cohort_start")
        cohortUsers = row.int("cohort_users")
        k = row.int("k")
        activeUsers = row.int("active_users")
        reachedUsers = row.int("reached_users")
        orders = row.int("orders")
        revenueMicros = row.int("revenue_micros")
        complete = row.int("complete") == 1
    }

    /// The cell's value for the metric and mode asked.
    func value(_ options: RetentionOptions) -> Int64 {
        switch options.metric {
        case .users: return options.mode == .classic ? activeUsers : reachedUsers
        case .orders: return orders
        case .revenue: return revenueMicros
        }
    }
}

/// Builds the triangle's cohorts from rows ordered by cohort, as they are stepped: each cohort is
/// built as soon as its rows end, so only one cohort's rows are held at a time. Both engines feed it.
struct RetentionCohortAssembler {
    let options: RetentionOptions
    private var cohorts: [RetentionCohort] = []
    private var group: [RetentionRow] = []

    init(options: RetentionOptions) {
        self.options = options
    }

    /// Takes the next row (rows of one cohort are consecutive).
    mutating func add(_ row: RetentionRow) {
        if let first = group.first, first.cohort != row.cohort { closeCohort() }
        group.append(row)
    }

    /// Every cohort, in the order of the rows.
    mutating func finish() -> [RetentionCohort] {
        if !group.isEmpty { closeCohort() }
        return cohorts
    }

    private mutating func closeCohort() {
        let first = group[0]
        let base = options.metric == .users ? first.cohortUsers : (group.first { $0.k == 0 }.map { $0.value(options) } ?? 0)
        let cells = group.map { row -> RetentionCell in
            let value = row.value(options)
            return RetentionCell(k: Int(row.k), value: value, share: base != 0 ? Double(value) / Double(base) : nil, complete: row.complete)
        }
        cohorts.append(RetentionCohort(period: first.cohort, label: first.cohortLabel, start: first.cohortStart,
                                       users: Int(first.cohortUsers), base: base, cells: cells))
        group.removeAll(keepingCapacity: true)
    }
}
