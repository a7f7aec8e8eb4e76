import SQLiteStore

/// One segment of the RFM summary.
public struct RFMSegment: Sendable, Equatable {
    public let name: String
    /// Display order (from the segment map).
    public let position: Int
    public let users: Int
    public let userShare: Double
    public let averageRecencyDays: Double
    public let averageFrequency: Double
    /// Average net revenue per customer, rounded to a micro-unit.
    public let averageMonetaryMicros: Int64
    /// Net revenue of the segment's customers, exact.
    public let revenueMicros: Int64
    /// Share of all customers' net revenue; nil when that total is zero.
    public let revenueShare: Double?
}

/// The customers holding one score of one measure and the values they span: the thresholds in use.
public struct RFMScoreRange: Sendable, Equatable {
    public let measure: RFMMeasure
    public let score: Int
    public let users: Int
    public let minimum: Int64
    public let maximum: Int64
}

/// `lifecycle rfm`: the segment summary, the thresholds, and what was left out.
public struct RFMSummary: Sendable, Equatable {
    public let scope: ResolvedScope
    public let bins: RFMBins
    public let segmentMapSource: String
    /// Segments present, in map order.
    public let segments: [RFMSegment]
    /// R, F and M score ranges, score 1...5 each.
    public let scores: [RFMScoreRange]
    public let exclusions: Exclusions

    /// Customers scored.
    public var customers: Int { segments.reduce(0) { $0 + $1.users } }
    /// Their net revenue, exact.
    public var revenueMicros: Int64 { segments.reduce(0) { $0 + $1.revenueMicros } }
}

/// One customer's RFM values, scores and segment.
public struct RFMUser: Sendable, Equatable {
    public let externalID: String
    public let country: String?
    public let recencyDays: Int64
    public let frequency: Int64
    public let monetaryMicros: Int64
    public let r: Int, f: Int, m: Int
    public let segment: String
}

extension Warehouse {
    /// The RFM segment summary and score thresholds (`sql/rfm_summary.sql`).
    public func rfmSummary(_ options: RFMOptions) throws -> RFMSummary {
        let scope = try resolve(options.scope)
        defer { try? endCurrencyFilter() }
        try useSegmentMap(options.segmentMap)
        let (segments, scores) = RFMSummary.sections(try NamedQuery("rfm_summary").rows(in: db, rfmParameters(scope, options)))
        let map = try segmentMap()
        return RFMSummary(scope: scope, bins: options.bins, segmentMapSource: options.segmentMap?.source ?? map.source,
                          segments: segments, scores: scores, exclusions: try exclusions(scope))
    }

    /// Every customer's RFM values, scores and segment, best scores first (`sql/rfm_users.sql`).
    /// - Parameter segment: only this segment's customers.
    public func rfmUsers(_ options: RFMOptions, segment: String? = nil) throws -> (scope: ResolvedScope, users: [RFMUser]) {
        let scope = try resolve(options.scope)
        defer { try? endCurrencyFilter() }
        try useSegmentMap(options.segmentMap)
        var parameters = rfmParameters(scope, options)
        parameters.set(":segment", segment)
        let users = try NamedQuery("rfm_users").rows(in: db, parameters).map(RFMUser.init(row:))
        return (scope, users)
    }

    func rfmParameters(_ scope: ResolvedScope, _ options: RFMOptions) -> QueryParameters {
        var parameters = scope.parameters
        parameters.set(":recency_bins", options.bins.json(.recency))
        parameters.set(":frequency_bins", options.bins.json(.frequency))
        parameters.set(":monetary_bins", options.bins.json(.monetary))
        return parameters
    }
}

extension RFMSummary {
    /// The segment rows (ordered by position, then name) and the score ranges of a summary query's
    /// rows (`sql/rfm_summary.sql` or `sql/postgres/rfm_summary.sql`).
    static func sections(_ rows: [some QueryRow]) -> (segments: [RFMSegment], scores: [RFMScoreRange]) {
        var segments: [RFMSegment] = []
        var scores: [RFMScoreRange] = []
        for row in rows {
            let section = row.text("section")
            if section == "segment" {
                segments.append(RFMSegment(
                    name: row.text("name"), position: Int(row.int("position")), users: Int(row.int("users")),
                    userShare: row.real("user_share") ?? 0, averageRecencyDays: row.real("avg_recency_days") ?? 0,
                    averageFrequency: row.real("avg_frequency") ?? 0, averageMonetaryMicros: row.int("avg_monetary_micros"),
                    revenueMicros: row.int("revenue_micros"), revenueShare: row.real("revenue_share")))
            } else if let measure = RFMMeasure(rawValue: section) {
                scores.append(RFMScoreRange(measure: measure, score: Int(row.int("position")), users: Int(row.int("users")),
                                            minimum: row.int("min_value"), maximum: row.int("max_value")))
            }
        }
        return (segments.sorted { ($0.position, $0.name) < ($1.position, $1.name) }, scores)
    }
}

extension RFMUser {
    /// A row of a customer-list query (`sql/rfm_users.sql` or `sql/postgres/rfm_users.sql`).
    init(row: some QueryRow) {
        self.init(externalID: row.text("external_id"), country: row.optionalText("country"), recencyDays: row.int("recency_days"),
                  frequency: row.int("frequency"), monetaryMicros: row.int("monetary_micros"),
                  r: Int(row.int("r")), f: Int(row.int("f")), m: Int(row.int("m")), segment: row.text("segment"))
    }
}
