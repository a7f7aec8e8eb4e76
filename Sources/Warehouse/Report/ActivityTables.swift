extension ActivityReport {
    /// Per period: active users, average DAU, average rolling WAU (months), stickiness, lifecycle states, churn, first
    /// purchases, orders and revenue. An incomplete period (as-of falls in it) is marked "*" in
    /// tables and has `complete` false.
    public func table() -> Table {
        let activeName: String
        switch options.period {
        case .day: activeName = "DAU"
        case .week: activeName = "WAU"
        case .month: activeName = "MAU"
        }
        let rows = periods.enumerated().map { index, period -> [Cell] in
            [period.complete ? .text(period.label) : .marked(.text(period.label), "*"), .date(period.start), .bool(period.complete),
             .count(period.daysObserved), .count(period.activeUsers),
             .realOrNull(period.averageDailyActive, decimals: 1), .realOrNull(period.averageWeeklyActive, decimals: 1),
             options.period == .day ? .null : .shareOrNull(period.stickiness),
             .count(period.newUsers), .count(period.returningUsers), .count(period.resurrectingUsers), .count(period.dormantUsers),
             .shareOrNull(churnRate(at: index)), .count(period.firstPurchases), .count(period.orders),
             .money(micros: period.revenueMicros, currency: scope.currency)]
        }
        var notes = ["Activity: \(activityText) of known users; \(options.period.rawValue)s in \(scope.timeZoneName); as of \(scope.asOfText)"
                     + "\(scope.asOfIsDefault ? " (the day after the last order)" : "")" + (scope.country.map { ", country \($0)" } ?? "") + ".",
                     "\(activeName): distinct users active in the \(options.period.rawValue); avg DAU: mean over the observed days of the users active that day"
                     + (options.period == .month ? "; avg WAU: mean over the observed days of the users active that day or the six before (rolling week)" : "")
                     + "; stickiness = avg DAU / \(activeName).",
                     "new: first activity ever; returning: also active the period before; resurrecting: back after a gap; "
                     + "dormant: active the period before, not in this one; churn = dormant / active the period before."]
        if periods.contains(where: { !$0.complete }) { notes.append("* the period is not over at as-of.") }
        return Table(columns: ["period", Column("start", machineOnly: true), Column("complete", machineOnly: true), "days", Column(activeName, key: "active_users"), "avg DAU",
                               Column("avg WAU", key: "avg_wau", machineOnly: options.period != .month), "stickiness", "new", "returning",
                               "resurrecting", "dormant", "churn", "first purchases", "orders", "revenue"],
                     rows: rows, notes: notes + exclusions.notes)
    }

    /// What `activity` answers.
    public func answer() -> Answer {
        Answer(question: "activity",
               parameters: scope.answerParameters + [JSONMember("period", .string(options.period.rawValue)),
                                                     JSONMember("activity", .string(options.activity.rawValue))],
               asOf: scope.asOf, table: table(), details: [exclusions.member(currency: scope.currency)])
    }

    private var activityText: String {
        switch options.activity {
        case .both: return "purchase orders and events"
        case .orders: return "purchase orders"
        case .events: return "events"
        }
    }
}
