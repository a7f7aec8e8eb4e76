import SQLiteStore

/// Which merchandise products each known customer bought in a time window: the implicit-feedback
/// user × product matrix the item-to-item model is fitted on. Ids are `users.id` and `products.id`.
public struct PurchaseSets: Sendable, Equatable {
    /// User id → the product ids the user bought.
    public let byUser: [Int: Set<Int>]

    /// Wraps user → products sets.
    public init(byUser: [Int: Set<Int>]) {
        self.byUser = byUser
    }

    /// Number of users with at least one purchase.
    public var users: Int { byUser.count }

    /// Number of distinct (user, product) pairs: the non-zeros of the matrix.
    public var pairs: Int { byUser.values.reduce(0) { $0 + $1.count } }

    /// SHA-256 of the (user, product) pairs sorted by user then product: the training data's
    /// fingerprint, independent of the order SQLite returned the rows in.
    public var fingerprint: String {
        var fingerprint = DataFingerprint()
        for user in byUser.keys.sorted() {
            for product in (byUser[user] ?? []).sorted() {
                fingerprint.add(Int64(user))
                fingerprint.add(Int64(product))
            }
        }
        return fingerprint.hex()
    }

    /// For each user here, the products bought in `later` that are not in this set: what a
    /// recommender fitted on these sets should have predicted. Users with nothing new are left out.
    public func newItems(in later: PurchaseSets) -> [Int: Set<Int>] {
        var result: [Int: Set<Int>] = [:]
        for (user, bought) in byUser {
            let fresh = (later.byUser[user] ?? []).subtracting(bought)
            if !fresh.isEmpty { result[user] = fresh }
        }
        return result
    }
}

/// The purchase pairs before an instant split at a cut, from one read of the pairs: each pair
/// with whether it was bought before the cut and whether at or after it (a pair was bought in
/// [cut, end) exactly when its last purchase before the end is at or after the cut).
public struct PurchaseWindows: Sendable {
    /// Pairs bought before the cut.
    public let beforeCut: PurchaseSets
    /// Pairs bought at or after the cut (and before the end).
    public let fromCut: PurchaseSets
    /// Every pair bought before the end.
    public let all: PurchaseSets

    /// Gathers the pairs one at a time.
    struct Builder {
        private var beforeCut: [Int: Set<Int>] = [:], fromCut: [Int: Set<Int>] = [:], all: [Int: Set<Int>] = [:]

        /// Adds one (user, product) pair and the sides of the cut it was bought on.
        mutating func add(user: Int, product: Int, beforeCut early: Bool, fromCut late: Bool) {
            all[user, default: []].insert(product)
            if early { beforeCut[user, default: []].insert(product) }
            if late { fromCut[user, default: []].insert(product) }
        }

        var windows: PurchaseWindows {
            PurchaseWindows(beforeCut: PurchaseSets(byUser: beforeCut), fromCut: PurchaseSets(byUser: fromCut), all: PurchaseSets(byUser: all))
        }
    }
}

extension Warehouse {
    /// The purchase lines of known users' merchandise, each with its order, before `:before`:
    /// what both pair queries read.
    private static let purchasedMerchandise = """
        FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id
        WHERE o.kind = 'purchase' AND o.user_id IS NOT NULL AND p.is_merchandise = 1 AND l.quantity > 0 AND o.ordered_at < :before
        """

    /// The pairs of `purchaseSets` bought before `before`, read once, split at `cut`.
    public func purchaseWindows(cut: Int64, before: Int64) throws -> PurchaseWindows {
        let statement = try db.prepare("""
            SELECT o.user_id, l.product_id, min(o.ordered_at) < :cut, max(o.ordered_at) >= :cut
            \(Self.purchasedMerchandise)
            GROUP BY o.user_id, l.product_id
            """)
        try statement.bind(named: [":cut": cut, ":before": before])
        var builder = PurchaseWindows.Builder()
        while try statement.step() {
            builder.add(user: Int(statement.int64(at: 0)), product: Int(statement.int64(at: 1)),
                        beforeCut: statement.int64(at: 2) != 0, fromCut: statement.int64(at: 3) != 0)
        }
        return builder.windows
    }

    /// The merchandise products (`products.is_merchandise = 1`) on purchase orders (kind
    /// `purchase`) of known users placed in [`from`, `before`); `from` nil means since the start.
    /// Returns, lines with a quantity below one and lines without a product do not count.
    public func purchaseSets(from: Int64? = nil, before: Int64) throws -> PurchaseSets {
        let statement = try db.prepare("""
            SELECT DISTINCT o.user_id, l.product_id \(Self.purchasedMerchandise) AND o.ordered_at >= :from
            """)
        try statement.bind(named: [":from": from ?? Int64.min, ":before": before])
        var sets: [Int: Set<Int>] = [:]
        while try statement.step() {
            sets[Int(statement.int64(at: 0)), default: []].insert(Int(statement.int64(at: 1)))
        }
        return PurchaseSets(byUser: sets)
    }

    /// The earliest purchase by a known user before `instant`.
    public func firstPurchase(before instant: Int64) throws -> Int64? {
        try db.scalar("SELECT min(ordered_at) FROM orders WHERE kind = 'purchase' AND user_id IS NOT NULL AND ordered_at < ?", instant).int64
    }
}
