import PostgresStore

/// Item-to-item recommendations on PostgreSQL: `train recommendations`, `score` of a
/// recommendations model and `recommend` run the SQLite file's code (`RecommendationEngine`: the
/// same holdout, fit, snapshot, promotion rule and scoring) on the distinct (customer, product)
/// pairs the workers find (orders joined to their lines on the customer, products a reference
/// table), and the runs go back by COPY into `recommendations`, beside their customers.
extension PostgresWarehouse: RecommendationEngine {
    /// The purchase lines of known users' merchandise, each with its order, before `:before`:
    /// what both pair queries read.
    private static let purchasedMerchandise = """
        FROM orders o JOIN order_lines l ON l.customer_key = o.customer_key AND l.order_id = o.id
        JOIN products p ON p.id = l.product_id
        WHERE o.user_id IS NOT NULL AND o.kind = 'purchase' AND p.is_merchandise = 1 AND l.quantity > 0
          AND o.ordered_at < CAST(:before AS bigint)
        """

    /// The merchandise products on purchase orders of known users placed in [`from`, `before`)
    /// (`from` nil: since the start); returns, lines with a quantity below one and lines without
    /// a product do not count. Streamed: only the pairs are kept.
    public func purchaseSets(from: Int64? = nil, before: Int64) throws -> PurchaseSets {
        var sets: [Int: Set<Int>] = [:]
        try db.forEachRow("""
            SELECT DISTINCT o.customer_key, l.product_id \(Self.purchasedMerchandise) AND o.ordered_at >= CAST(:from AS bigint)
            """, named: ["from": .integer(from ?? Int64.min), "before": .integer(before)]) { row in
            sets[Int(row[0].int64 ?? 0), default: []].insert(Int(row[1].int64 ?? 0))
        }
        return PurchaseSets(byUser: sets)
    }

    /// The pairs of `purchaseSets` bought before `before`, read once (one GROUP BY pushed down to
    /// the shards), split at `cut`.
    public func purchaseWindows(cut: Int64, before: Int64) throws -> PurchaseWindows {
        var builder = PurchaseWindows.Builder()
        try db.forEachRow("""
            SELECT o.customer_key, l.product_id, min(o.ordered_at) < CAST(:cut AS bigint) AS early, max(o.ordered_at) >= CAST(:cut AS bigint) AS late
            \(Self.purchasedMerchandise)
            GROUP BY o.customer_key, l.product_id
            """, named: ["cut": .integer(cut), "before": .integer(before)]) { row in
            builder.add(user: Int(row[0].int64 ?? 0), product: Int(row[1].int64 ?? 0),
                        beforeCut: row[2].bool == true, fromCut: row[3].bool == true)
        }
        return builder.windows
    }

    /// The earliest purchase by a known user before `instant`.
    public func firstPurchase(before instant: Int64) throws -> Int64? {
        try db.scalar("SELECT min(ordered_at) FROM orders WHERE kind = 'purchase' AND user_id IS NOT NULL AND ordered_at < $1",
                      [.integer(instant)]).int64
    }

    /// `users.id` of the customer whose source id is `externalID` (one shard of `user_keys`).
    public func userID(ofCustomer externalID: String) throws -> Int64? {
        try db.scalar("SELECT user_id FROM user_keys WHERE external_id = $1", [.text(externalID)]).int64
    }

    /// Stock code and description of a product.
    public func productLabel(_ id: Int) throws -> ProductLabel {
        let row = try db.query("SELECT external_id, coalesce(name, '') FROM products WHERE id = $1", [.integer(Int64(id))]).first
        return ProductLabel(id: Int64(id), stockCode: row?[0].string ?? "?", description: row?[1].string ?? "")
    }

    /// Replaces the rows `snapshot` made as of `asOf` (only `only`'s users' when given) with
    /// `rows`, by COPY, in one transaction.
    public func saveRecommendations(snapshot: ModelSnapshot, asOf: Int64, rows: [UserRecommendation], only: Set<Int64>? = nil) throws {
        var run = PostgresScoringRun(table: "recommendations", columns: ["rank", "product_id", "score"])
        for row in rows {
            try run.add(snapshot: snapshot, asOf: asOf, userID: row.userID, [.integer(Int64(row.rank)), .integer(row.productID), .real(row.score)])
        }
        try replaceScoringRuns(snapshot: snapshot, asOf: asOf, only: only, [run])
    }

    /// The rows `snapshot` stored as of `asOf` for its first `users` users by user id (all
    /// without a limit), among `only`'s users when given, by user then rank.
    public func storedRecommendations(snapshot: ModelSnapshot, asOf: Int64, users: Int? = nil, only: Set<Int64>? = nil) throws -> [StoredRecommendation] {
        try db.query("""
            WITH chosen AS (SELECT DISTINCT user_id FROM recommendations WHERE snapshot_id = $1 AND as_of = $2
                            AND ($4::text IS NULL OR user_id = ANY (string_to_array($4::text, ',')::bigint[]))
                            ORDER BY user_id LIMIT $3::bigint)
            SELECT u.external_id, r.rank, p.id, p.external_id AS stock_code, coalesce(p.name, '') AS name, r.score
            FROM recommendations r JOIN chosen c ON c.user_id = r.user_id JOIN users u ON u.id = r.user_id
            JOIN products p ON p.id = r.product_id
            WHERE r.snapshot_id = $1 AND r.as_of = $2 ORDER BY r.user_id, r.rank
            """, [.integer(snapshot.id), .integer(asOf), users.map { .integer(Int64($0)) } ?? .null,
                  only.map { .text($0.sorted().map(String.init).joined(separator: ",")) } ?? .null]).map {
            StoredRecommendation(customer: $0[0].string ?? "", rank: Int($0[1].int64 ?? 0),
                                 product: ProductLabel(id: $0[2].int64 ?? 0, stockCode: $0[3].string ?? "", description: $0[4].string ?? ""),
                                 score: $0[5].double ?? 0)
        }
    }
}
