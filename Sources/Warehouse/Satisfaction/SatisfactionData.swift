import Foundation
import Learning

/// Every customer's satisfaction inputs as of one instant: the per-period rows of
/// `sql/churn_sequences.sql` (nothing at or after the as-of), turned into the recursion's
/// inputs (``SatisfactionInput``), plus what the recency baseline and the tables need.
public struct SatisfactionData: Sendable {
    public let asOf: Int64
    /// The grid: `shape.periods` periods of `shape.period`, the last ending at `asOf`.
    public let shape: ChurnSequenceShape
    /// Customers with a purchase before `asOf`, ascending.
    public let userIDs: [Int64]
    public let histories: SatisfactionHistories
    /// Days since the last order or event at the end of each period, row-major
    /// (customer × period); NaN before the customer's first activity.
    public let recencyDays: [Double]
    /// Each customer's last period as the query returned it.
    public let lastPeriods: [ChurnSequencePeriod]

    /// ln(1 + days since activity) at the end of customer `c`'s period `t`: the baseline's input.
    public func logRecency(_ c: Int, _ t: Int) -> Double { log1p(recencyDays[c * shape.periods + t]) }

    /// SHA-256 of what a fit reads: per customer its id, start, and stored periods with inputs.
    public var fingerprint: String {
        var fingerprint = DataFingerprint()
        fingerprint.add(Int64(shape.periods))
        for c in 0..<userIDs.count {
            fingerprint.add(userIDs[c])
            fingerprint.add(Int64(histories.starts[c]))
            for k in histories.offsets[c]..<histories.offsets[c + 1] {
                fingerprint.add(Int64(histories.entryPeriods[k]))
                for i in 0..<SatisfactionInput.count { fingerprint.add(histories.entryInputs[k * SatisfactionInput.count + i]) }
            }
        }
        return fingerprint.hex()
    }

    /// The recursion's inputs of one period row, or nil when all are 0.
    static func inputs(_ row: ChurnSequencePeriod) -> [Double]? {
        let values = [log1p(Double(row.purchases)), log1p(Double(row.views + row.carts)),
                      row.reviews > 0 ? ((row.meanReviewScore ?? 3) - 3) / 2 : 0, log1p(Double(row.returns))]
        return values.allSatisfy({ $0 == 0 }) ? nil : values
    }
}

extension ChurnEngine {
    /// The number of periods of `period` from the first order before `asOf` to `asOf` (rounded
    /// up), between 2 and `maximum`: a grid that covers the whole history when it is short enough.
    public func satisfactionPeriods(asOf: Int64, period: ChurnSequenceShape.Period, maximum: Int) throws -> Int {
        guard let first = try firstOrder(before: asOf) else { return 2 }
        let span = asOf - first
        let periods = Int((span + period.seconds - 1) / period.seconds)
        return min(max(periods, 2), max(maximum, 2))
    }

    /// The satisfaction inputs of every customer with a purchase before `asOf` on a grid of
    /// `shape` (one pass of `sql/churn_sequences.sql`).
    public func satisfactionData(asOf: Int64, shape: ChurnSequenceShape) throws -> SatisfactionData {
        var histories = SatisfactionHistories(periods: shape.periods)
        var users: [Int64] = []
        var recency: [Double] = []
        var last: [ChurnSequencePeriod] = []
        recency.reserveCapacity(shape.periods * 1024)
        var current: Int64?
        var start = shape.periods
        var entries: [(period: Int, inputs: [Double])] = []
        var previousRow: ChurnSequencePeriod?
        func finish() {
            guard current != nil, let previousRow else { return }
            histories.append(start: start, entries: entries)
            last.append(previousRow)
        }
        try churnSequencePeriods(asOf: asOf, shape: shape, users: 0...Int64.max) { row in
            if row.userID != current {
                finish()
                current = row.userID
                users.append(row.userID)
                start = shape.periods
                entries.removeAll(keepingCapacity: true)
            }
            if row.daysSinceActivity != nil, start == shape.periods { start = row.period }
            if let inputs = SatisfactionData.inputs(row) { entries.append((row.period, inputs)) }
            recency.append(row.daysSinceActivity ?? .nan)
            previousRow = row
        }
        finish()
        return SatisfactionData(asOf: asOf, shape: shape, userIDs: users, histories: histories, recencyDays: recency, lastPeriods: last)
    }
}

extension Warehouse {
    /// The instant of the first order before `instant`, nil without one.
    public func firstOrder(before instant: Int64) throws -> Int64? {
        try db.scalar("SELECT min(ordered_at) FROM orders WHERE ordered_at < ?", instant).int64
    }

    /// Ids of the customers with a purchase in [from, to).
    public func purchasers(from: Int64, to: Int64) throws -> Set<Int64> {
        let statement = try db.prepare(
            "SELECT DISTINCT user_id FROM orders WHERE user_id IS NOT NULL AND kind = 'purchase' AND ordered_at >= ? AND ordered_at < ?")
        try statement.bind([from, to])
        var users = Set<Int64>()
        while try statement.step() { users.insert(statement.int64(at: 0)) }
        return users
    }
}
