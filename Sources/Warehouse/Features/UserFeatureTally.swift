/// One user's running totals while the feature build streams over orders, order lines and events
/// (`FeatureScan`); `features` turns them into the columns that `sql/user_features.sql` defines.
///
/// The floating-point features are computed with the very operations SQLite uses for that SQL
/// (`(as_of - t) / 86400.0`, `avg` as a plain running sum of doubles divided by the count, in the
/// row order SQLite aggregates them), so the values are bit for bit the same.
struct UserFeatureTally {
    var frequency: Int64 = 0
    var firstAt: Int64 = 0
    var lastAt: Int64 = 0
    var grossMicros: Int64 = 0
    var orders = FeatureWindows()
    var revenueMicros = FeatureWindows()
    var gapCount: Int64 = 0
    var gapSum = 0.0
    var gapSquareSum = 0.0
    var returnsCount: Int64 = 0
    var returnedMicros: Int64 = 0
    var distinctProducts: Int64 = 0
    var views30d: Int64 = 0
    var carts30d: Int64 = 0
    var purchaseEvents30d: Int64 = 0
    var reviews30d: Int64 = 0
    var lastEventAt: Int64?
    var reviewCount: Int64 = 0
    var reviewSum = 0.0

    /// Whether the user bought anything before the as-of (only those get a feature row).
    var isCustomer: Bool { frequency > 0 }

    /// Adds a purchase; purchases must come in time order (the gaps are between neighbours).
    mutating func addPurchase(at instant: Int64, amountMicros: Int64, asOf: Int64) throws {
        if frequency == 0 {
            firstAt = instant
        } else {
            let gap = Double(instant - lastAt) / 86400.0
            gapCount += 1
            gapSum += gap
            gapSquareSum += gap * gap
        }
        frequency += 1
        lastAt = instant
        grossMicros = try checkedSum(grossMicros, amountMicros)
        orders.add(1, at: instant, asOf: asOf)
        try revenueMicros.addChecked(amountMicros, at: instant, asOf: asOf)
    }

    /// Adds a return order (its amount is negative).
    mutating func addReturn(amountMicros: Int64) throws {
        returnsCount += 1
        returnedMicros = try checkedSum(returnedMicros, amountMicros)
    }

    /// Adds an event of `type` (one of `FeatureEventType`); review values go through `addReview`.
    mutating func addEvent(type: Int64, at instant: Int64, asOf: Int64) {
        lastEventAt = max(lastEventAt ?? instant, instant)
        guard instant >= asOf - 30 * 86_400 else { return }
        switch type {
        case FeatureEventType.view: views30d += 1
        case FeatureEventType.addToCart: carts30d += 1
        case FeatureEventType.purchase: purchaseEvents30d += 1
        case FeatureEventType.review: reviews30d += 1
        default: break
        }
    }

    /// Adds a review's value (its micro-units, as stored); call in (time, id) order.
    mutating func addReview(valueMicros: Int64) {
        reviewCount += 1
        reviewSum += Double(valueMicros) / 1e6
    }

    /// The feature row's values after the user id, in `user_features` column order (country is
    /// looked up when the row is written).
    func features(asOf: Int64) throws -> [SQLFeatureValue] {
        let meanGap = gapCount > 0 ? gapSum / Double(gapCount) : nil
        let sdGap = meanGap.map { mean in (max(gapSquareSum / Double(gapCount) - mean * mean, 0)).squareRoot() }
        return [
            .real(Double(asOf - lastAt) / 86400.0),
            .integer(frequency),
            .integer(try checkedSum(grossMicros, returnedMicros)),
            .real(Double(asOf - firstAt) / 86400.0),
            .integer(grossMicros / frequency),
            .integer(orders.days30), .integer(orders.days90), .integer(orders.days365),
            .integer(revenueMicros.days30), .integer(revenueMicros.days90), .integer(revenueMicros.days365),
            meanGap.map(SQLFeatureValue.real) ?? .null,
            sdGap.map(SQLFeatureValue.real) ?? .null,
            .integer(returnsCount),
            .real(Double(returnsCount) * 1.0 / Double(frequency)),
            .integer(distinctProducts),
            .integer(views30d), .integer(carts30d), .integer(purchaseEvents30d), .integer(reviews30d),
            lastEventAt.map { .real(Double(asOf - $0) / 86400.0) } ?? .null,
            reviewCount > 0 ? .real(reviewSum / Double(reviewCount)) : .null,
        ]
    }
}

/// A feature value to bind: the three storage classes the feature columns use.
enum SQLFeatureValue: Equatable {
    case integer(Int64)
    case real(Double)
    case null
}

/// Sums over the 30, 90 and 365 days before the as-of.
struct FeatureWindows {
    var days30: Int64 = 0
    var days90: Int64 = 0
    var days365: Int64 = 0

    /// Adds `value` to every window that contains `instant` (windows start at as_of − N days).
    mutating func add(_ value: Int64, at instant: Int64, asOf: Int64) {
        if instant >= asOf - 30 * 86_400 { days30 += value }
        if instant >= asOf - 90 * 86_400 { days90 += value }
        if instant >= asOf - 365 * 86_400 { days365 += value }
    }

    /// `add` for money, failing like SQLite's `sum` on a 64-bit overflow.
    mutating func addChecked(_ value: Int64, at instant: Int64, asOf: Int64) throws {
        if instant >= asOf - 30 * 86_400 { days30 = try checkedSum(days30, value) }
        if instant >= asOf - 90 * 86_400 { days90 = try checkedSum(days90, value) }
        if instant >= asOf - 365 * 86_400 { days365 = try checkedSum(days365, value) }
    }
}

/// Event types the features count, as the event scan's SQL numbers them.
enum FeatureEventType {
    static let other: Int64 = 0
    static let view: Int64 = 1
    static let addToCart: Int64 = 2
    static let purchase: Int64 = 3
    static let review: Int64 = 4
}

/// Why a feature build stopped.
public struct FeatureBuildError: Error, CustomStringConvertible, Equatable {
    public let description: String
}

/// `a + b`, or the error SQLite's `sum` gives when a money total leaves the 64-bit range.
func checkedSum(_ a: Int64, _ b: Int64) throws -> Int64 {
    let (sum, overflow) = a.addingReportingOverflow(b)
    guard !overflow else { throw FeatureBuildError(description: "features: integer overflow in a money total") }
    return sum
}
