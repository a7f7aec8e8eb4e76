extension ActivityReport {
    /// Per period: active users, average DAU, stickiness, lifecycle states, churn, first
    /// purchases, orders and revenue. An incomplete period (as-of falls in it) ends with "*".
    public func table(machine: Bool = false) -> Table {
        let activeName: String
        switch options.period {
        case .day: activeName = "DAU"
        case .week: activeName = "WAU"
        case .month: activeName = "MAU"
        }
        let share: (Double?) -> String = { machine ? Format.fixed($0, decimals: 6) : Format.percent($0) }
        let rows = periods.enumerated().map { index, period -> [String] in
            [period.label + (period.complete || machine ? "" : "*"), String(period.daysObserved), String(period.activeUsers),
             Format.fixed(period.averageDailyActive, decimals: 1), options.period == .day ? "" : share(period.stickiness),
             String(period.newUsers), String(period.returningUsers), String(period.resurrectingUsers), String(period.dormantUsers),
             share(churnRate(at: index)), String(period.firstPurchases), String(period.orders), ExactDecimal.format(period.revenueMicros)]
        }
        var notes = ["Activity: \(activityText) of known users; \(options.period.rawValue)s in \(scope.timeZoneName); as of \(scope.asOfText)"
                     + "\(scope.asOfIsDefault ? " (the day after the last order)" : "")" + (scope.country.map { ", country \($0)" } ?? "") + ".",
                     "new: first activity ever; returning: also active the period before; resurrecting: back after a gap; "
                     + "dormant: active the period before, not in this one; churn = dormant / active the period before."]
        if periods.contains(where: { !$0.complete }) { notes.append("* the period is not over at as-of.") }
        return Table(columns: ["period", "days", activeName, "avg DAU", "stickiness", "new", "returning", "resurrecting",
                               "dormant", "churn", "first purchases", "orders", "revenue"],
                     rows: rows, notes: notes + exclusions.notes, numericColumns: Set(1...12))
    }

    private var activityText: String {
        switch options.activity {
        case .both: return "purchase orders and events"
        case .orders: return "purchase orders"
        case .events: return "events"
        }
    }
}
