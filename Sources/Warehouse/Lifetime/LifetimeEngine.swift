/// What lifetime-value training and scoring read from a warehouse, on either engine: the
/// purchases by customer and day (`sql/clv_purchases.sql`, `sql/postgres/clv_purchases.sql`) and
/// the customers' external ids. The fit, the holdout check, the snapshot and the promotion rule
/// are written once against this (`LifetimeTrainer`, `LifetimeRegistry`, `LifetimeScoring`).
public protocol LifetimeEngine: ModelRegistry {
    /// The purchases of known customers on or before `lastDay` (a day number in the reporting
    /// time zone) in `currency` (nil: the one currency of those orders), one per customer and day
    /// with the day's amounts summed; with a non-empty `scope`, only its customers'.
    func lifetimePurchases(through lastDay: Int64, currency: String?, scope: CustomerScope) throws -> LifetimePurchases
    /// Every user's external id by `users.id`.
    func customerIDs() throws -> [Int64: String]
    /// The day (a day number in the reporting time zone) of the last purchase of a known
    /// customer in `currency` (nil: every currency, refused when there are several); nil without one.
    func lastPurchaseDay(currency: String?) throws -> Int64?
}

extension Warehouse: LifetimeEngine {}
