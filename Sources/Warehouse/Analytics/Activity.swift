import SQLiteStore

/// What counts as activity for `lifecycle activity`.
public enum ActivityKinds: String, Sendable, CaseIterable {
    /// Purchase orders and events.
    case both
    case orders
    case events
}

/// What `lifecycle activity` is asked.
public struct ActivityOptions: Sendable, Equatable {
    public var scope: AnalyticsScope
    public var period: Period
    public var activity: ActivityKinds

    public init(scope: AnalyticsScope = AnalyticsScope(), period: Period = .month, activity: ActivityKinds = .both) {
        self.scope = scope
        self.period = period
        self.activity = activity
    }
}

/// One period of activity and lifecycle.
public struct ActivityPeriod: Sendable, Equatable {
    public let period: Int64
    public let label: String
    public let start: String
    /// Days of the period before as-of.
    public let daysObserved: Int
    /// Distinct active users: the DAU, WAU or MAU of the period.
    public let activeUsers: Int
    /// Sum over the observed days of that day's active users.
    public let userDays: Int
    /// Months only (nil otherwise): sum over the observed days of the users active that day or
    /// the six days before (the rolling WAU of each day).
    public let weeklyUserDays: Int?
    public let newUsers: Int
    public let returningUsers: Int
    public let resurrectingUsers: Int
    /// Active in the previous period and not in this one.
    public let dormantUsers: Int
    /// Customers whose first purchase falls in the period.
    public let firstPurchases: Int
    public let orders: Int
    /// Net revenue of known customers (returns included), exact.
    public let revenueMicros: Int64
    /// Whether the period ended before as-of.
    public let complete: Bool

    /// Average daily active users over the observed days.
    public var averageDailyActive: Double? { daysObserved > 0 ? Double(userDays) / Double(daysObserved) : nil }
    /// Months only: the average rolling WAU over the observed days.
    public var averageWeeklyActive: Double? {
        guard let weeklyUserDays, daysObserved > 0 else { return nil }
        return Double(weeklyUserDays) / Double(daysObserved)
    }
    /// Average DAU over the period's active users (DAU/WAU for weeks, DAU/MAU for months).
    public var stickiness: Double? {
        guard activeUsers > 0, let dau = averageDailyActive else { return nil }
        return dau / Double(activeUsers)
    }
}

/// `lifecycle activity`: the periods, with churn rates.
public struct ActivityReport: Sendable, Equatable {
    public let scope: ResolvedScope
    public let options: ActivityOptions
    public let periods: [ActivityPeriod]
    public let exclusions: Exclusions

    /// Dormant users of period `index` over the active users of the period before it.
    public func churnRate(at index: Int) -> Double? {
        guard index > 0, periods[index - 1].activeUsers > 0 else { return nil }
        return Double(periods[index].dormantUsers) / Double(periods[index - 1].activeUsers)
    }
}

extension Warehouse {
    /// Active users, lifecycle states, first purchases and revenue per period: the rows of
    /// `sql/activity.sql`, computed by `ActivityScan`.
    public func activity(_ options: ActivityOptions) throws -> ActivityReport {
        defer { try? endCurrencyFilter() }
        let (scope, periods) = try activityPeriods(options, method: .scan)
        return ActivityReport(scope: scope, options: options, periods: periods, exclusions: try exclusions(scope))
    }

    /// The scope and the periods of an activity question, with the question's zone and currency
    /// in force on the connection (the caller ends the currency with `endCurrencyFilter()`).
    func activityPeriods(_ options: ActivityOptions, method: AnswerMethod) throws -> (ResolvedScope, [ActivityPeriod]) {
        if options.activity == .events { try checkEvents(type: nil) }
        let scope = try resolve(options.scope)
        switch method {
        case .scan:
            return (scope, try ActivityScan(db: db, options: options, scope: scope).periods())
        case .query:
            var parameters = scope.parameters
            parameters.set(":period", options.period.rawValue)
            parameters.set(":activity", options.activity.rawValue)
            return (scope, try NamedQuery("activity").rows(in: db, parameters).map(ActivityPeriod.init(row:)))
        }
    }
}

extension ActivityPeriod {
    /// A row of `sql/activity.sql` or `sql/postgres/activity.sql` (the same columns), so both
    /// engines' answers are decoded by this one path.
    init(row: some QueryRow) {
        self.init(period: row.int("period"), label: row.text("period_label"), start: row.text("period_start"),
                  daysObserved: Int(row.int("days_observed")), activeUsers: Int(row.int("active_users")),
                  userDays: Int(row.int("user_days")), weeklyUserDays: row.optionalInt("weekly_user_days").map(Int.init),
                  newUsers: Int(row.int("new_users")), returningUsers: Int(row.int("returning_users")),
                  resurrectingUsers: Int(row.int("resurrecting_users")), dormantUsers: Int(row.int("dormant_users")),
                  firstPurchases: Int(row.int("first_purchases")), orders: Int(row.int("orders")),
                  revenueMicros: row.int("revenue_micros"), complete: row.int("complete") == 1)
    }
}
