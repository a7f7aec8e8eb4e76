/// What k-means segments read from a warehouse, on either engine: every customer's RFM values
/// and segment as `rfm --users` gives them (`sql/rfm_users.sql`, `sql/postgres/rfm_users.sql`),
/// the `user_features` columns asked for, and the first order's instant. The dataset, the fit,
/// the snapshot and the assignments are written once against this (`SegmentDataset`,
/// `SegmentTrainer`, `SegmentRegistry`, `SegmentScoring`).
public protocol SegmentEngine: ModelRegistry, CustomerDirectory {
    /// Every customer with a purchase before `asOf`, with her orders in `currency` (nil: the one
    /// currency there is), by user id, and the scope they were read in.
    func rfmCustomers(asOf: Int64, currency: String?) throws -> (customers: [SegmentCustomer], scope: ResolvedScope)
    /// The named numeric `user_features` columns as of `asOf` (built for that as-of when it never
    /// was), transformed by `SegmentColumns.extraValue`, per user id.
    func segmentFeatureValues(asOf: Int64, names: [String]) throws -> [Int64: [Double]]
    /// The instant of the first order, nil without orders.
    func firstOrderInstant() throws -> Int64?
    /// Stores one row per user for `snapshot` as of `asOf` in `segment_assignments`, replacing
    /// that run's earlier rows (only those of `only`'s users when given), in one transaction.
    /// Returns the number stored.
    @discardableResult
    func saveSegmentAssignments(snapshot: ModelSnapshot, asOf: Int64, _ assignments: [SegmentAssignment], only: Set<Int64>?) throws -> Int
}

extension Warehouse: SegmentEngine {}
