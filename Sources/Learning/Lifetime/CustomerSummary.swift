/// One purchase as the lifetime models see it: who, on which day, for how much.
public struct Purchase: Sendable, Equatable {
    /// The customer's identifier.
    public var customer: Int
    /// The purchase day as a day number (any fixed origin, e.g. days since 1970-01-01 in the
    /// shop's time zone). Purchases on the same day are one transaction.
    public var day: Int
    /// The purchase's value (currency units).
    public var value: Double

    /// Creates a purchase record.
    public init(customer: Int, day: Int, value: Double) {
        self.customer = customer
        self.day = day
        self.value = value
    }
}

/// The unit of time for recency and age.
public enum SummaryPeriod: String, Sendable, CaseIterable {
    case day
    case week

    /// Days per period.
    public var days: Double {
        switch self {
        case .day: 1
        case .week: 7
        }
    }
}

/// The (x, tₓ, T) summary the BG/NBD model needs: repeat purchases, time of the last one and
/// the customer's age, all measured from the first purchase.
public struct PurchaseHistory: Sendable, Equatable {
    /// Number of repeat transactions x (transactions after the first).
    public var frequency: Int
    /// Time tₓ from the first to the last transaction (0 when x = 0).
    public var recency: Double
    /// Time T from the first transaction to the end of observation.
    public var age: Double

    /// Creates a history; requires 0 ≤ recency ≤ age and recency = 0 when frequency = 0.
    public init(frequency: Int, recency: Double, age: Double) {
        self.frequency = frequency
        self.recency = recency
        self.age = age
    }
}

/// The (x, m̄ₓ) summary the Gamma-Gamma model needs.
public struct SpendHistory: Sendable, Equatable {
    /// Number of repeat transactions x.
    public var frequency: Int
    /// Mean value of the repeat transactions (0 when x = 0).
    public var monetaryValue: Double

    /// Creates a spend summary.
    public init(frequency: Int, monetaryValue: Double) {
        self.frequency = frequency
        self.monetaryValue = monetaryValue
    }
}

/// A customer's calibration-period summary, as in the buy-till-you-die literature.
public struct CustomerSummary: Sendable, Equatable {
    /// The customer's identifier.
    public var customer: Int
    /// Day number of the first purchase.
    public var firstPurchaseDay: Int
    /// Number of repeat purchase days x (days with a purchase after the first purchase day).
    public var frequency: Int
    /// (last purchase day − first purchase day) / period length.
    public var recency: Double
    /// (observation end − first purchase day) / period length.
    public var age: Double
    /// Mean value of the repeat purchase days (each day's purchases summed), 0 when x = 0.
    public var monetaryValue: Double

    /// The BG/NBD view of this summary.
    public var purchaseHistory: PurchaseHistory {
        PurchaseHistory(frequency: frequency, recency: recency, age: age)
    }

    /// The Gamma-Gamma view of this summary.
    public var spendHistory: SpendHistory {
        SpendHistory(frequency: frequency, monetaryValue: monetaryValue)
    }

    /// Summarises purchases the way Fader, Hardie & Lee (2005) summarise CDNOW:
    ///
    /// - only purchases on or before `observationEnd` (a day number, inclusive) count; customers
    ///   whose first purchase is later are left out;
    /// - purchases on the same day are one transaction, whose value is their sum;
    /// - frequency = number of purchase days after the first; recency = (last day − first day) /
    ///   period; age = (observationEnd − first day) / period;
    /// - monetary value = mean value of the repeat purchase days (the first day is excluded).
    ///
    /// With CDNOW's sample, `observationEnd` = 1997-09-30 and `.week` this reproduces the papers'
    /// summary exactly. The result is sorted by customer.
    public static func summaries(
        of purchases: some Sequence<Purchase>, observationEnd: Int, period: SummaryPeriod
    ) -> [CustomerSummary] {
        var byCustomer: [Int: [Purchase]] = [:]
        for purchase in purchases { byCustomer[purchase.customer, default: []].append(purchase) }
        return byCustomer.keys.sorted().compactMap { customer in
            summary(of: byCustomer[customer] ?? [], observationEnd: observationEnd, period: period)
        }
    }

    /// The summary of one customer's purchases (all with the same `customer`, in any order), as
    /// ``summaries(of:observationEnd:period:)`` defines it; nil when none is on or before
    /// `observationEnd`.
    public static func summary(
        of purchases: some Collection<Purchase>, observationEnd: Int, period: SummaryPeriod
    ) -> CustomerSummary? {
        // (day, value) in day order, then same-day purchases summed: sorting first makes the sums
        // independent of the input order.
        let counted = purchases.filter { $0.day <= observationEnd }.sorted {
            $0.day < $1.day || ($0.day == $1.day && $0.value < $1.value)
        }
        guard let customer = counted.first?.customer, let first = counted.first?.day, let last = counted.last?.day else {
            return nil
        }
        var repeatDays = 0
        var repeatValue = 0.0
        var dayValue = 0.0
        var day = first
        for purchase in counted {
            if purchase.day != day {
                if day != first { repeatValue += dayValue }
                repeatDays += 1
                day = purchase.day
                dayValue = 0
            }
            dayValue += purchase.value
        }
        if day != first { repeatValue += dayValue }
        let length = period.days
        return CustomerSummary(
            customer: customer, firstPurchaseDay: first, frequency: repeatDays,
            recency: Double(last - first) / length, age: Double(observationEnd - first) / length,
            monetaryValue: repeatDays > 0 ? repeatValue / Double(repeatDays) : 0)
    }
}
