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

extension Warehouse {
    /// The merchandise products (`products.is_merchandise = 1`) on purchase orders (kind
    /// `purchase`) of known users placed in [`from`, `before`); `from` nil means since the start.
    /// Returns, lines with a quantity below one and lines without a product do not count.
    public func purchaseSets(from: Int64? = nil, before: Int64) throws -> PurchaseSets {
        let statement = try db.prepare("""
            SELECT DISTINCT o.user_id, l.product_id
            FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id
            WHERE o.kind = 'purchase' AND o.user_id IS NOT NULL AND p.is_merchandise = 1 AND l.quantity > 0
              AND o.ordered_at >= ? AND o.ordered_at < ?
            """)
        try statement.bind([from ?? Int64.min, before])
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
