import Learning
import SQLiteStore

/// One customer's RFM values as `sql/rfm_users.sql` defines them as of one instant, and her
/// named RFM segment (standard segment map, quintile scores).
public struct SegmentCustomer: Sendable, Equatable {
    /// `users.id`.
    public let userID: Int64
    /// `users.external_id`.
    public let externalID: String
    public let recencyDays: Int64
    public let frequency: Int64
    /// Net revenue (purchases plus returns), exact.
    public let monetaryMicros: Int64
    /// The RFM segment name and its display position in the segment map.
    public let rfmSegment: String
    public let rfmSegmentPosition: Int
}

/// What segments are clustered on: every user with a purchase before as-of, by user id, with
/// her RFM values on a log scale and any extra `user_features` columns.
public struct SegmentDataset: Sendable {
    public let asOf: Int64
    /// The currency of the monetary values (nil: no orders).
    public let currency: String?
    public let customers: [SegmentCustomer]
    public let columns: SegmentColumns
    /// One row per customer, `columns.names` in order.
    public let features: FeatureMatrix

    /// SHA-256 of the rows (user id, then every value's bits) in order.
    public var fingerprint: String {
        var fingerprint = DataFingerprint()
        for (row, customer) in customers.enumerated() {
            fingerprint.add(customer.userID)
            fingerprint.add(features.row(row))
        }
        return fingerprint.hex()
    }
}

extension SegmentEngine {
    /// The segment dataset as of `asOf`: RFM values from `sql/rfm_users.sql` (default bins and
    /// segment map) over the orders in `currency` (nil: the one currency there is, see
    /// `useCurrency`), and the `columns.extraFeatures` from `user_features` (built for that
    /// as-of when it never was), which are refused when other currencies are left out: the
    /// features add up every order.
    public func segmentDataset(asOf: Int64, columns: SegmentColumns, currency: String? = nil) throws -> SegmentDataset {
        let (customers, scope) = try rfmCustomers(asOf: asOf, currency: currency)
        if scope.currencyFiltered && !columns.extraFeatures.isEmpty {
            throw SegmentError(description: "--features: user_features add up the orders of every currency, and these are in several; "
                               + "cluster on the RFM columns only (no --features), or keep each currency in a warehouse of its own")
        }
        let extra = columns.extraFeatures.isEmpty ? [:] : try segmentFeatureValues(asOf: asOf, names: columns.extraFeatures)
        var values: [Double] = []
        values.reserveCapacity(customers.count * columns.names.count)
        for customer in customers {
            values += SegmentColumns.rfmValues(customer)
            if columns.extraFeatures.isEmpty { continue }
            guard let more = extra[customer.userID] else {
                throw SegmentError(description: "user id \(customer.userID) has no user_features row as of \(CalendarDate.day(asOf)); rebuild with `lifecycle features build --as-of \(CalendarDate.day(asOf))`")
            }
            values += more
        }
        return SegmentDataset(asOf: asOf, currency: scope.currency, customers: customers, columns: columns,
                              features: FeatureMatrix(rows: customers.count, columns: columns.names.count, values: values))
    }
}

extension Warehouse {
    /// Every customer of `rfm --users` (`sql/rfm_users.sql`) as of `asOf` with her orders in `currency`, by
    /// user id, and the scope they were read in.
    public func rfmCustomers(asOf: Int64, currency: String?) throws -> (customers: [SegmentCustomer], scope: ResolvedScope) {
        let options = RFMOptions(scope: AnalyticsScope(asOf: asOf, currency: currency))
        let scope = try resolve(options.scope)
        defer { try? endCurrencyFilter() }
        try useSegmentMap(nil)
        return (try rfmCustomers(scope, options).map {
            SegmentCustomer(userID: $0.score.userID, externalID: $0.user.externalID, recencyDays: $0.score.recencyDays,
                            frequency: $0.score.frequency, monetaryMicros: $0.score.monetaryMicros, rfmSegment: $0.user.segment,
                            rfmSegmentPosition: $0.segmentPosition)
        }.sorted { $0.userID < $1.userID }, scope)
    }

    /// The named `user_features` columns as of `asOf`, transformed, per user id.
    public func segmentFeatureValues(asOf: Int64, names: [String]) throws -> [Int64: [Double]] {
        try validateFeatureNames(names)
        try buildFeaturesIfMissing(asOf: asOf)
        let selected = names.map { "f.\"\($0)\"" }.joined(separator: ", ")
        let statement = try db.prepare("SELECT f.user_id, \(selected) FROM user_features f WHERE f.as_of = ?")
        statement.bind(int64: asOf, at: 1)
        var rows: [Int64: [Double]] = [:]
        while try statement.step() {
            rows[statement.int64(at: 0)] = names.indices.map { index in
                SegmentColumns.extraValue(statement.isNull(at: index + 1) ? nil : statement.double(at: index + 1), name: names[index])
            }
        }
        return rows
    }

    /// The instant of the first order, nil without orders.
    public func firstOrderInstant() throws -> Int64? {
        try db.scalar("SELECT min(ordered_at) FROM orders").int64
    }

    /// Throws unless every name is a numeric column of `feature_catalogue`.
    private func validateFeatureNames(_ names: [String]) throws {
        try SegmentColumns.check(names, numericFeatures: Set(try db.query("SELECT name FROM feature_catalogue WHERE unit <> 'text'").compactMap { $0[0].string }))
    }
}
