import SQLiteStore

/// One cell of the triangle: cohort + k.
public struct RetentionCell: Sendable, Equatable {
    public let k: Int
    /// Customers (classic or unbounded), orders, or net revenue in micro-units.
    public let value: Int64
    /// `value` over the cohort's base; nil when the base is zero.
    public let share: Double?
    /// Whether period cohort + k ended before as-of (else it is still incomplete).
    public let complete: Bool
}

/// One cohort: its period, size and cells k = 0, 1, ...
public struct RetentionCohort: Sendable, Equatable {
    /// The period number (yyyymm-like keys are not used: months are numbered consecutively).
    public let period: Int64
    /// "2011-01", "2011-W01" or "2011-01-03".
    public let label: String
    /// First day of the period ("2011-01-01"; the Monday for weeks).
    public let start: String
    /// Customers in the cohort.
    public let users: Int
    /// What shares are relative to: `users` for the users metric, else orders or revenue in k = 0.
    public let base: Int64
    public let cells: [RetentionCell]
}

/// The retention curve at one offset: over the cohorts whose cohort + k is complete.
public struct RetentionCurvePoint: Sendable, Equatable {
    public let k: Int
    /// Cohorts that reached k (their period cohort + k is over).
    public let cohorts: Int
    /// Mean share weighted by cohort size (for users: retained customers over cohort customers).
    public let weighted: Double?
    /// Simple mean of the cohorts' shares.
    public let mean: Double?
}

/// `lifecycle retention`: the triangle and the curve.
public struct RetentionTriangle: Sendable, Equatable {
    public let scope: ResolvedScope
    public let options: RetentionOptions
    public let cohorts: [RetentionCohort]
    public let curve: [RetentionCurvePoint]
    public let exclusions: Exclusions

    /// The largest offset shown.
    public var maxOffset: Int { cohorts.flatMap(\.cells).map(\.k).max() ?? 0 }
}

extension Warehouse {
    /// Cohort retention: the rows of `sql/retention.sql`, computed by `RetentionScan`.
    public func retention(_ options: RetentionOptions) throws -> RetentionTriangle {
        defer { try? endCurrencyFilter() }
        var assembler = RetentionCohortAssembler(options: options)
        let scope = try retentionRows(options, method: .scan) { assembler.add($0) }
        let cohorts = assembler.finish()
        return RetentionTriangle(scope: scope, options: options, cohorts: cohorts, curve: Self.curve(cohorts),
                                 exclusions: try exclusions(scope))
    }

    /// The rows of a retention question, in cohort and offset order, handed to `body`; returns the
    /// scope. The question's zone and currency stay in force on the connection (the caller ends
    /// the currency with `endCurrencyFilter()`).
    @discardableResult
    func retentionRows(_ options: RetentionOptions, method: AnswerMethod,
                       _ body: (RetentionRow) throws -> Void) throws -> ResolvedScope {
        try options.validate()
        if options.activity == .events { try checkEvents(type: options.eventType) }
        let scope = try resolve(options.scope, addsMoney: options.metric == .revenue)
        switch method {
        case .scan:
            try RetentionScan(db: db, options: options, scope: scope).forEachRow(body)
        case .query:
            var parameters = scope.parameters
            parameters.set(":period", options.period.rawValue)
            parameters.set(":cohort", options.cohort.rawValue)
            parameters.set(":activity", options.activity.rawValue)
            parameters.set(":event_type", options.eventType)
            parameters.set(":metric", options.metric.rawValue)
            parameters.set(":max_offset", options.maxOffset.map(Int64.init))
            parameters.set(":users", options.users.map { "[" + $0.sorted().map(String.init).joined(separator: ",") + "]" })
            try NamedQuery("retention").forEachRow(in: db, parameters) { try body(RetentionRow(row: $0)) }
        }
        return scope
    }

    /// Average over the cohorts whose cell k is complete: weighted by cohort size, and simple.
    static func curve(_ cohorts: [RetentionCohort]) -> [RetentionCurvePoint] {
        let maxK = cohorts.flatMap(\.cells).map(\.k).max() ?? -1
        guard maxK >= 0 else { return [] }
        return (0...maxK).map { k in
            var weight = 0.0, weighted = 0.0, sum = 0.0, count = 0, reached = 0
            for cohort in cohorts {
                guard let cell = cohort.cells.first(where: { $0.k == k }), cell.complete else { continue }
                reached += 1
                guard let share = cell.share else { continue }
                weight += Double(cohort.users)
                weighted += Double(cohort.users) * share
                sum += share
                count += 1
            }
            return RetentionCurvePoint(k: k, cohorts: reached, weighted: weight > 0 ? weighted / weight : nil,
                                       mean: count > 0 ? sum / Double(count) : nil)
        }
    }
}
