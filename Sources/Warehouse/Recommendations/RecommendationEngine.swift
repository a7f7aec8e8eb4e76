/// What item-to-item recommendations read from and write to a warehouse, on either engine: which
/// merchandise each customer bought in a window (the user × product matrix the model is fitted
/// on, pulled as distinct pairs, never as order lines), the products' labels, and the scoring
/// runs. The evaluation, the fit, the snapshot, the promotion rule, scoring and `recommend` are
/// written once against this (`RecommendationTrainer`, `RecommendationRegistry`,
/// `RecommendationScoring`, `UserRecommendations`).
public protocol RecommendationEngine: ModelRegistry, CustomerDirectory {
    /// The merchandise products on purchase orders of known users placed in [`from`, `before`)
    /// (`from` nil: since the start); returns, lines with a quantity below one and lines without
    /// a product do not count.
    func purchaseSets(from: Int64?, before: Int64) throws -> PurchaseSets
    /// The same pairs bought before `before`, read once, split at `cut`: bought before it, bought
    /// at or after it, and all (what training's holdout and final fit read).
    func purchaseWindows(cut: Int64, before: Int64) throws -> PurchaseWindows
    /// The earliest purchase by a known user before `instant`, nil without one.
    func firstPurchase(before instant: Int64) throws -> Int64?
    /// `users.id` of the customer whose source id is `externalID`, nil when there is none.
    func userID(ofCustomer externalID: String) throws -> Int64?
    /// Stock code and description of a product.
    func productLabel(_ id: Int) throws -> ProductLabel
    /// Replaces the rows `snapshot` made as of `asOf` in `recommendations` (only `only`'s users'
    /// when given) with `rows`, in one transaction.
    func saveRecommendations(snapshot: ModelSnapshot, asOf: Int64, rows: [UserRecommendation], only: Set<Int64>?) throws
    /// The rows `snapshot` stored as of `asOf` for its first `users` users by user id (all
    /// without a limit), among `only`'s users when given, by user then rank.
    func storedRecommendations(snapshot: ModelSnapshot, asOf: Int64, users: Int?, only: Set<Int64>?) throws -> [StoredRecommendation]
}

extension Warehouse: RecommendationEngine {}
