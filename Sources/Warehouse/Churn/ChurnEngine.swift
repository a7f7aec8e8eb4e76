/// What churn training and scoring read from and write to a warehouse, on either engine: the
/// feature rows with their labels (`sql/churn_features.sql`, `sql/postgres/churn_features.sql`),
/// the per-period histories of the sequence model, the customers, and the scores. The datasets,
/// the fits, the holdout, the snapshot, the promotion rule and scoring are written once against
/// this (`ChurnDataset`, `ChurnTrainer`, `ChurnRegistry`, `ChurnScoring`, `ChurnSequences`), and
/// so is the satisfaction model, which reads the same per-period histories and feeds churn
/// (`SatisfactionData`, `SatisfactionTrainer`, `SatisfactionRegistry`, `SatisfactionScoring`).
public protocol ChurnEngine: ModelRegistry, CustomerDirectory {
    /// The instant of the first order, nil without orders.
    func firstOrderInstant() throws -> Int64?
    /// Throws `CurrencyError.several` when the customers' orders before `asOf` are in several
    /// currencies: the features add up money, so a churn model reads them only in one.
    func requireOneCurrency(before asOf: Int64) throws
    /// Calls `body` with every `user_features` row as of `asOf`, in user id order: the user's id,
    /// whether she churned (no purchase in [asOf, asOf + horizonSeconds); false without a
    /// horizon, where the future is not read) and the values of `columns` (nil: NULL). The
    /// features of that as-of are built first when they never were.
    func forEachChurnFeatureRow(asOf: Int64, horizonSeconds: Int64?, columns: [String],
                                _ body: (_ userID: Int64, _ churned: Bool, _ values: [Double?]) throws -> Void) throws
    /// Every period row of the customers with an id in `users` and a purchase before `asOf`, in
    /// user and period order (`sql/churn_sequences.sql`).
    func churnSequencePeriods(asOf: Int64, shape: ChurnSequenceShape, users: ClosedRange<Int64>,
                              _ body: (ChurnSequencePeriod) throws -> Void) throws
    /// Ids of the users with a purchase before `asOf`, ascending: the users a churn model scores.
    func churnCustomers(before asOf: Int64) throws -> [Int64]
    /// Stores `scores` in `predictions` under `snapshot` as of `asOf`, replacing that run's
    /// earlier scores (only those of `only`'s users when given), in one transaction.
    func saveChurnScores(_ scores: [ChurnScore], snapshot: ModelSnapshot, asOf: Int64, only: Set<Int64>?) throws
    /// The instant of the first order before `instant`, nil without one: where a satisfaction
    /// grid may start.
    func firstOrder(before instant: Int64) throws -> Int64?
    /// Ids of the customers with a purchase in [`from`, `to`): who was active in a period.
    func purchasers(from: Int64, to: Int64) throws -> Set<Int64>
}
