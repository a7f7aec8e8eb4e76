/// A reporting period: cohorts and activity are bucketed by it, in the reporting time zone.
public enum Period: String, Sendable, CaseIterable {
    /// A calendar day.
    case day
    /// An ISO week, Monday to Sunday.
    case week
    /// A calendar month.
    case month
}

/// Classic retention counts activity in period cohort+k; unbounded counts activity in cohort+k or later.
public enum RetentionMode: String, Sendable, CaseIterable {
    case classic, unbounded
}

/// What a retention cell measures, relative to the cohort: users (over the cohort's size), or
/// orders or net revenue (over the cohort's own in period 0).
public enum RetentionMetric: String, Sendable, CaseIterable {
    case users, orders, revenue
}

/// First-purchase cohorts hold each customer once (her first purchase's period); recurring
/// cohorts hold her in every period she is active in (PostHog's two kinds).
public enum CohortKind: String, Sendable, CaseIterable {
    case firstPurchase = "first-purchase"
    case recurring
}

/// What counts as activity: purchase orders, or the user's events (views, carts...).
public enum ActivitySource: String, Sendable, CaseIterable {
    case orders, events
}

/// What `lifecycle retention` is asked.
public struct RetentionOptions: Sendable, Equatable {
    public var scope: AnalyticsScope
    public var period: Period
    public var mode: RetentionMode
    public var metric: RetentionMetric
    public var cohort: CohortKind
    public var activity: ActivitySource
    /// With events as activity: only events of this type.
    public var eventType: String?
    /// Only offsets up to this one.
    public var maxOffset: Int?
    /// Only these customers (`users.id`; nil: all): a group of `--by rfm-segment`.
    public var users: Set<Int64>?

    public init(scope: AnalyticsScope = AnalyticsScope(), period: Period = .month, mode: RetentionMode = .classic,
                metric: RetentionMetric = .users, cohort: CohortKind = .firstPurchase, activity: ActivitySource = .orders,
                eventType: String? = nil, maxOffset: Int? = nil) {
        self.scope = scope
        self.period = period
        self.mode = mode
        self.metric = metric
        self.cohort = cohort
        self.activity = activity
        self.eventType = eventType
        self.maxOffset = maxOffset
    }

    /// Refuses combinations without a meaning; the error names the flag.
    public func validate() throws {
        if mode == .unbounded && metric != .users {
            throw AnalyticsError.invalidOption(option: "--mode unbounded",
                reason: "counts customers active at k or later; with --metric \(metric.rawValue) use --mode classic")
        }
        if activity == .events && metric != .users {
            throw AnalyticsError.invalidOption(option: "--activity events",
                reason: "events carry no orders or revenue; use --metric users")
        }
        if eventType != nil && activity != .events {
            throw AnalyticsError.invalidOption(option: "--event-type", reason: "needs --activity events")
        }
        if let maxOffset, maxOffset < 0 {
            throw AnalyticsError.invalidOption(option: "--max-offset", reason: "must be 0 or more")
        }
    }
}
