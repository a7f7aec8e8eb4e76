/// What lifetime-value training and scoring read from a warehouse, on either engine: the
/// purchases by customer and day (`sql/clv_purchases.sql`, `sql/postgres/clv_purchases.sql`) and
/// the customers' external ids; the scores go back through it. The fit, the holdout check, the snapshot and the promotion rule
/// are written once against this (`LifetimeTrainer`, `LifetimeRegistry`, `LifetimeScoring`).
public protocol LifetimeEngine: ModelRegistry, CustomerDirectory {
    /// The purchases of known customers on or before `lastDay` (a day number in the reporting
    /// time zone) in `currency` (nil: the one currency of those orders), one per customer and day
    /// with the day's amounts summed; with a non-empty `scope`, only its customers'.
    func lifetimePurchases(through lastDay: Int64, currency: String?, scope: CustomerScope) throws -> LifetimePurchases
    /// Stores `scores` under `snapshot` as of `asOf` (the lifetime value in `predictions`,
    /// everything in `clv_predictions`), replacing that run's earlier rows (only those of
    /// `only`'s users when given), in one transaction.
    func saveLifetimeScores(_ scores: [LifetimeScore], snapshot: ModelSnapshot, asOf: Int64, only: Set<Int64>?) throws
    /// The day (a day number in the reporting time zone) of the last purchase of a known
    /// customer in `currency` (nil: every currency, refused when there are several); nil without one.
    func lastPurchaseDay(currency: String?) throws -> Int64?
    /// Every currency of the orders with its number of orders, by code.
    func orderCurrencies() throws -> [CurrencyCount]
}

extension Warehouse: LifetimeEngine {}
