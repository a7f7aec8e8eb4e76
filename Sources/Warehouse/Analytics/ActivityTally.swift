/// The activity query's counts by period, added to one customer at a time (`ActivityScan`), and
/// read out as its rows.
struct ActivityTally {
    let numbering: PeriodNumbering
    /// The local day after the last one before as-of: rolling-WAU runs end before it.
    let endDay: Int64
    private var slots = PeriodSlots()
    /// The earliest period with an active customer.
    private var firstActive: Int64?

    init(numbering: PeriodNumbering, endDay: Int64) {
        self.numbering = numbering
        self.endDay = endDay
    }

    /// One order of a customer: a purchase counts as an order; purchases and returns add their
    /// amounts to the revenue; `first` marks her first purchase.
    mutating func addOrder(day: Int64, purchase: Bool, amount: Int64, first: Bool) throws {
        let n = numbering.number(ofDay: day)
        if purchase { slots[n].orders += 1 }
        let (revenue, overflow) = slots[n].revenue.addingReportingOverflow(amount)
        if overflow { throw AnalyticsError.invalidOption(option: "activity", reason: "the revenue of a period exceeds 64-bit micro-units") }
        slots[n].revenue = revenue
        if first { slots[n].firstPurchases += 1 }
    }

    /// One customer's active days (in any order, repeated or not; emptied): she is active in
    /// each of their periods, new in the first, returning when active in the period before,
    /// resurrecting otherwise; for months, each active day also covers itself and the six days
    /// after it in the rolling WAU, counted once per day.
    mutating func addCustomer(activeDays days: inout [Int64]) {
        guard !days.isEmpty else { return }
        if zip(days, days.dropFirst()).contains(where: { $0 > $1 }) { days.sort() }
        Self.removeRepeats(&days)
        var previous: Int64?
        var index = 0
        while index < days.count {
            let n = numbering.number(ofDay: days[index])
            var count: Int64 = 0
            while index < days.count, numbering.number(ofDay: days[index]) == n {
                count += 1
                index += 1
            }
            slots[n].activeUsers += 1
            slots[n].userDays += count
            switch previous {
            case nil: slots[n].newUsers += 1
            case n - 1: slots[n].returningUsers += 1
            default: slots[n].resurrectingUsers += 1
            }
            previous = n
            firstActive = min(firstActive ?? n, n)
        }
        if numbering.period == .month { addRollingWeeks(days) }
    }

    /// Sorted `days` with each day once.
    private static func removeRepeats(_ days: inout [Int64]) {
        var kept = 0
        for index in days.indices where kept == 0 || days[index] != days[kept - 1] {
            days[kept] = days[index]
            kept += 1
        }
        days.removeLast(days.count - kept)
    }

    /// Months: each active day (ascending, distinct) covers the days up to six after it (and
    /// before `endDay`) not covered by the one before it; a run crossing into the next month is
    /// split there.
    private mutating func addRollingWeeks(_ days: [Int64]) {
        var previous: Int64?
        for day in days {
            let start = previous.map { max($0 + 7, day) } ?? day
            let end = min(day + 6, endDay - 1)
            previous = day
            guard start <= end else { continue }
            let startMonth = numbering.number(ofDay: start), endMonth = numbering.number(ofDay: end)
            if startMonth == endMonth {
                slots[startMonth].weeklyUserDays += end - start + 1
            } else {
                let split = numbering.firstDay(of: endMonth)
                slots[startMonth].weeklyUserDays += split - start
                slots[endMonth].weeklyUserDays += end - split + 1
            }
        }
    }

    /// The rows: every period from the one holding `since` (else the first with activity, else
    /// the last) to the one holding the instant before `until` or before as-of, whichever is
    /// earlier (the first of them always).
    func periods(asOf: Int64, since: Int64?, until: Int64?) -> [ActivityPeriod] {
        let last = numbering.number(of: asOf - 1)
        let asOfPeriod = numbering.number(of: asOf)
        let first = since.map { numbering.number(of: $0) } ?? firstActive ?? last
        let end = until.map { min(numbering.number(of: $0 - 1), last) } ?? last
        var rows: [ActivityPeriod] = []
        var n = first
        repeat {
            let counts = slots[n]
            let firstDay = numbering.firstDay(of: n), nextDay = numbering.firstDay(of: n + 1)
            rows.append(ActivityPeriod(
                period: n, label: numbering.label(of: n), start: numbering.start(of: n), daysObserved: Int(min(endDay, nextDay) - firstDay),
                activeUsers: Int(counts.activeUsers), userDays: Int(counts.userDays),
                weeklyUserDays: numbering.period == .month ? Int(counts.weeklyUserDays) : nil,
                newUsers: Int(counts.newUsers), returningUsers: Int(counts.returningUsers),
                resurrectingUsers: Int(counts.resurrectingUsers),
                dormantUsers: Int(slots[n - 1].activeUsers - counts.returningUsers),
                firstPurchases: Int(counts.firstPurchases), orders: Int(counts.orders), revenueMicros: counts.revenue,
                complete: n < asOfPeriod))
            n += 1
        } while n <= end
        return rows
    }
}

/// One period's counts.
struct PeriodCounts {
    var activeUsers: Int64 = 0
    var userDays: Int64 = 0
    var weeklyUserDays: Int64 = 0
    var newUsers: Int64 = 0
    var returningUsers: Int64 = 0
    var resurrectingUsers: Int64 = 0
    var firstPurchases: Int64 = 0
    var orders: Int64 = 0
    var revenue: Int64 = 0
}

/// Counts by period number, in an array that grows at either end as periods arrive (customers
/// come in id order, not in time order); a period never touched reads as zeros.
struct PeriodSlots {
    private var base: Int64 = 0
    private var counts: [PeriodCounts] = []

    subscript(n: Int64) -> PeriodCounts {
        get {
            let index = n - base
            return index >= 0 && index < Int64(counts.count) ? counts[Int(index)] : PeriodCounts()
        }
        set {
            if counts.isEmpty {
                base = n
                counts = [PeriodCounts()]
            } else if n < base {
                let more = Int(base - n) + counts.count
                counts.insert(contentsOf: repeatElement(PeriodCounts(), count: more), at: 0)
                base -= Int64(more)
            } else if n - base >= Int64(counts.count) {
                let more = max(Int(n - base) + 1 - counts.count, counts.count)
                counts += repeatElement(PeriodCounts(), count: more)
            }
            counts[Int(n - base)] = newValue
        }
    }
}
