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
    /// The RFM segment summary and score thresholds: `sql/rfm_summary.sql`'s answer, computed by
    /// `RFMScan`.
    public func rfmSummary(_ options: RFMOptions) throws -> RFMSummary {
        try rfmSummary(options, method: .scan)
    }

    /// The summary by the Swift pass or by the query that defines it.
    func rfmSummary(_ options: RFMOptions, method: AnswerMethod) throws -> RFMSummary {
        let scope = try resolve(options.scope)
        defer { try? endCurrencyFilter() }
        try useSegmentMap(options.segmentMap)
        let map = try segmentMap()
        let segments: [RFMSegment], scores: [RFMScoreRange]
        switch method {
        case .scan:
            var rollup = RFMRollup(map: map)
            for customer in try RFMScan(db: db, scope: scope, bins: options.bins).scores() { try rollup.add(customer) }
            (segments, scores) = try rollup.sections()
        case .query:
            (segments, scores) = RFMSummary.sections(try NamedQuery("rfm_summary").rows(in: db, rfmParameters(scope, options)))
        }
        return RFMSummary(scope: scope, bins: options.bins, segmentMapSource: options.segmentMap?.source ?? map.source,
                          segments: segments, scores: scores, exclusions: try exclusions(scope))
    }

    /// Every customer's RFM values, scores and segment, best scores first: `sql/rfm_users.sql`'s
    /// rows, computed by `RFMScan`.
    /// - Parameter segment: only this segment's customers.
    public func rfmUsers(_ options: RFMOptions, segment: String? = nil) throws -> (scope: ResolvedScope, users: [RFMUser]) {
        try rfmUsers(options, segment: segment, method: .scan)
    }

    /// The customer list by the Swift pass or by the query that defines it.
    func rfmUsers(_ options: RFMOptions, segment: String?, method: AnswerMethod) throws -> (scope: ResolvedScope, users: [RFMUser]) {
        let scope = try resolve(options.scope)
        defer { try? endCurrencyFilter() }
        try useSegmentMap(options.segmentMap)
        switch method {
        case .scan:
            return (scope, try rfmCustomers(scope, options, segment: segment).map(\.user))
        case .query:
            var parameters = rfmParameters(scope, options)
            parameters.set(":segment", segment)
            return (scope, try NamedQuery("rfm_users").rows(in: db, parameters).map(RFMUser.init(row:)))
        }
    }

    /// The scored customers of `scope` (resolved, with the segment map in force) with their
    /// external ids, countries and segments, in `sql/rfm_users.sql`'s order: R, F and M
    /// descending, then user id. The users are read in id order alongside the customers, one
    /// pass over `users` rather than a lookup per customer.
    func rfmCustomers(_ scope: ResolvedScope, _ options: RFMOptions, segment: String? = nil) throws -> [RFMCustomer] {
        let rollup = RFMRollup(map: try segmentMap())
        var scores = try RFMScan(db: db, scope: scope, bins: options.bins).scores()
        if let segment { scores.removeAll { rollup.segment(r: $0.r, f: $0.f).segment != segment } }
        var customers: [RFMCustomer] = []
        customers.reserveCapacity(scores.count)
        let users = try db.prepare("SELECT id, external_id, country FROM users WHERE id >= ? ORDER BY id")
        users.bind(int64: scores.first?.userID ?? Int64.max, at: 1)
        var next = 0
        while next < scores.count, try users.step() {
            let id = users.int64(at: 0)
            while next < scores.count && scores[next].userID < id { next += 1 }  // no users row: the query's join drops her too
            guard next < scores.count, scores[next].userID == id else { continue }
            let score = scores[next]
            let (name, position) = rollup.segment(r: score.r, f: score.f)
            customers.append(RFMCustomer(score: score, segmentPosition: position, user: RFMUser(
                externalID: users.text(at: 1), country: users.isNull(at: 2) ? nil : users.text(at: 2), recencyDays: score.recencyDays,
                frequency: score.frequency, monetaryMicros: score.monetaryMicros, r: score.r, f: score.f, m: score.m, segment: name)))
            next += 1
        }
        return customers.sorted {
            ($1.score.r, $1.score.f, $1.score.m, $0.score.userID) < ($0.score.r, $0.score.f, $0.score.m, $1.score.userID)
        }
    }

    func rfmParameters(_ scope: ResolvedScope, _ options: RFMOptions) -> QueryParameters {
        var parameters = scope.parameters
        parameters.set(":recency_bins", options.bins.json(.recency))
        parameters.set(":frequency_bins", options.bins.json(.frequency))
        parameters.set(":monetary_bins", options.bins.json(.monetary))
        return parameters
    }
}

/// A scored customer as the commands built on RFM read her: her `users.id` and values, her
/// segment's display position, and her row of `rfm --users`.
struct RFMCustomer {
    let score: RFMScore
    let segmentPosition: Int
    let user: RFMUser
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
