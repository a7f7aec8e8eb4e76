import Foundation
import Learning

/// How the sequence churn model cuts each customer's history: `periods` periods of one `period`
/// each, the last ending at the as-of (exclusive), so every period is whole and the most recent
/// one is always last. Stored with the model (`sequence_period`, `periods`).
public struct ChurnSequenceShape: Sendable, Equatable {
    /// The length of one period.
    public enum Period: String, Sendable, CaseIterable {
        /// Seven days.
        case week
        /// Thirty days (the lifetime models' month), so periods are equal and end at the as-of.
        case month

        /// The period's length in seconds.
        public var seconds: Int64 {
            switch self {
            case .week: 7 * 86_400
            case .month: 30 * 86_400
            }
        }
    }

    public var period: Period
    public var periods: Int

    /// 24 weeks.
    public static let standard = ChurnSequenceShape(period: .week, periods: 24)

    public init(period: Period, periods: Int) {
        precondition(periods >= 1, "a sequence needs at least one period")
        self.period = period
        self.periods = periods
    }
}

/// One period of one customer as `sql/churn_sequences.sql` returns it (raw, before the model's
/// transforms).
public struct ChurnSequencePeriod: Sendable, Equatable {
    public let userID: Int64
    /// 0 is the oldest period.
    public let period: Int
    public let purchases: Int64
    /// Purchases plus returns, exact micro-units.
    public let netMicros: Int64
    public let returns: Int64
    public let views: Int64
    public let carts: Int64
    public let purchaseEvents: Int64
    public let reviews: Int64
    /// nil without a review in the period.
    public let meanReviewScore: Double?
    /// Days from the last order or event before the period's end to that end; nil before the
    /// customer's first activity.
    public let daysSinceActivity: Double?

    /// Names of the model's inputs, in the order of ``inputs``.
    public static let inputNames = [
        "log_purchases", "asinh_net_revenue", "log_returns", "log_views", "log_carts", "log_purchase_events",
        "log_reviews", "mean_review_score", "has_activity", "log_days_since_activity",
    ]

    /// The period's model inputs: counts as ln(1 + n), net revenue as asinh of currency units
    /// (returns can make it negative), the mean review score as it is (0 without a review, which
    /// `log_reviews` = 0 tells apart), whether there was any activity before the period's end,
    /// and ln(1 + days since the last activity) (0 before any). The model then standardises each.
    public var inputs: [Double] {
        [log1p(Double(purchases)), asinh(Double(netMicros) / 1e6), log1p(Double(returns)), log1p(Double(views)),
         log1p(Double(carts)), log1p(Double(purchaseEvents)), log1p(Double(reviews)), meanReviewScore ?? 0,
         daysSinceActivity == nil ? 0 : 1, log1p(daysSinceActivity ?? 0)]
    }
}

extension Warehouse {
    /// Customers read per query when building sequences: bounds the memory of one chunk's
    /// periods whatever the number of customers.
    public static let sequenceChunkSize = 8_192
}

extension ChurnEngine {
    /// The sequences of `users` (ascending ids, each with a purchase before `asOf`) as of
    /// `asOf`, in chunks of at most `chunkSize` customers: `body` gets each chunk's ids and
    /// their model inputs, so only one chunk's sequences are in memory at a time.
    public func forEachChurnSequenceChunk(users: [Int64], asOf: Int64, shape: ChurnSequenceShape,
                                          chunkSize: Int = Warehouse.sequenceChunkSize,
                                          _ body: (ArraySlice<Int64>, SequenceTensor) throws -> Void) throws {
        let width = ChurnSequencePeriod.inputNames.count, stride = shape.periods * width
        var start = 0
        while start < users.count {
            let chunk = users[start..<min(start + chunkSize, users.count)]
            guard let first = chunk.first, let last = chunk.last, first <= last else {
                preconditionFailure("user ids must be ascending")
            }
            let index = Dictionary(uniqueKeysWithValues: chunk.enumerated().map { ($0.element, $0.offset) })
            var values = [Double](repeating: 0, count: chunk.count * stride)
            var filled = [Int](repeating: 0, count: chunk.count)
            try churnSequencePeriods(asOf: asOf, shape: shape, users: first...last) { row in
                guard let i = index[row.userID] else { return }
                values.replaceSubrange((i * stride + row.period * width)..<(i * stride + (row.period + 1) * width), with: row.inputs)
                filled[i] += 1
            }
            if let missing = filled.firstIndex(where: { $0 != shape.periods }) {
                throw ChurnTrainingError(description: "user \(chunk[chunk.startIndex + missing]) has no purchase before \(CalendarDate.day(asOf)), so no sequence as of then")
            }
            try body(chunk, SequenceTensor(count: chunk.count, periods: shape.periods, features: width, values: values))
            start += chunkSize
        }
    }

    /// The sequences of `users` (ascending ids) as of `asOf`, all in one tensor (for training).
    public func churnSequences(users: [Int64], asOf: Int64, shape: ChurnSequenceShape) throws -> SequenceTensor {
        var values: [Double] = []
        values.reserveCapacity(users.count * shape.periods * ChurnSequencePeriod.inputNames.count)
        try forEachChurnSequenceChunk(users: users, asOf: asOf, shape: shape) { _, chunk in values += chunk.values }
        return SequenceTensor(count: users.count, periods: shape.periods, features: ChurnSequencePeriod.inputNames.count, values: values)
    }
}
