import SQLiteStore

/// Checks, once per batch, the references of the rows an orders import wrote in that batch.
///
/// An orders import runs with SQLite's foreign-key enforcement off: enforced row by row, it
/// looks up three parents for every order line and two for every order (about a sixth of the
/// import's time, docs/BENCHMARKS.md). The writer takes every id it stores from the database in
/// the same transaction, so the references hold by construction; this check proves it for each
/// batch before the batch commits, by walking the rows added since the batch began in id order,
/// and refuses the batch (which is then rolled back) if any reference is missing. References to
/// orders, products and the import are checked by comparing ids wherever the ids are known to be
/// dense (below); a line's product is looked up only when the products' ids have gaps.
struct BatchReferenceCheck {
    private let file: String
    private let importID: Int64
    private let maxIDs: Statement
    private let productIDs: Statement
    private let missing: Statement
    /// Largest ids of order_lines, orders, users and products when the batch began.
    private var start: [Int64] = []

    init(db: Connection, importID: Int64, file: String) throws {
        self.importID = importID
        self.file = file
        maxIDs = try db.prepare("""
            SELECT (SELECT coalesce(max(id), 0) FROM order_lines), (SELECT coalesce(max(id), 0) FROM orders),
                   (SELECT coalesce(max(id), 0) FROM users), (SELECT coalesce(max(id), 0) FROM products)
            """)
        // A million lines name a product each; looking each one up cost 0.2 s of the writer's
        // 2.5 s at a million lines. When the products' ids are dense, that is n products whose ids
        // all lie in 1...max with n = max, every id in 1...max exists (n distinct integers in a
        // range of n values), so a line's product exists exactly when its id is in that range:
        // ?6 is the largest id, ?7 whether the ids are dense. The three figures come from the
        // table as the batch leaves it (count(*) walks the smallest index, min and max one path).
        productIDs = try db.prepare("SELECT (SELECT count(*) FROM products), (SELECT min(id) FROM products), (SELECT max(id) FROM products)")
        // Orders the batch created have consecutive ids (max + 1 on), so once the new ids are shown
        // to have no gap, a line's order above the batch's start exists if it is not above the
        // largest id: one comparison instead of a lookup per line. Every row carries this
        // import's id, which exists (the ledger row), so that reference is a comparison too.
        missing = try db.prepare("""
            SELECT (SELECT count(*) FROM order_lines l WHERE l.id > ?1 AND (
                        l.import_id <> ?5
                     OR l.order_id > (SELECT coalesce(max(id), 0) FROM orders)
                     OR (l.order_id <= ?2 AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = l.order_id))
                     OR (l.product_id IS NOT NULL AND (l.product_id NOT BETWEEN 1 AND ?6
                         OR (NOT ?7 AND NOT EXISTS (SELECT 1 FROM products p WHERE p.id = l.product_id))))))
                 + ((SELECT count(*) FROM orders WHERE id > ?2) <> (SELECT coalesce(max(id), ?2) FROM orders) - ?2)
                 + (SELECT count(*) FROM orders o WHERE o.id > ?2 AND (o.import_id <> ?5
                     OR (o.user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = o.user_id))))
                 + (SELECT count(*) FROM users u WHERE u.id > ?3 AND u.import_id <> ?5)
                 + (SELECT count(*) FROM products p WHERE p.id > ?4 AND p.import_id <> ?5)
                 + NOT EXISTS (SELECT 1 FROM imports WHERE id = ?5)
            """)
        try begin()
    }

    /// Marks where the next batch begins: call at the start of the import and after each check.
    mutating func begin() throws {
        defer { maxIDs.reset() }
        _ = try maxIDs.step()
        start = (0..<4).map { maxIDs.int64(at: $0) }
    }

    /// Verifies the batch's references (inside its transaction, before the commit) and starts the next batch.
    mutating func verify() throws {
        for (index, id) in start.enumerated() { missing.bind(int64: id, at: Int32(index + 1)) }
        missing.bind(int64: importID, at: 5)
        do {
            defer { productIDs.reset() }
            _ = try productIDs.step()
            let count = productIDs.int64(at: 0), smallest = productIDs.int64(at: 1), largest = productIDs.int64(at: 2)
            missing.bind(int64: largest, at: 6)
            missing.bind(int64: count == largest && (count == 0 || smallest >= 1) ? 1 : 0, at: 7)
        }
        let count: Int64
        do {
            defer { missing.reset() }
            _ = try missing.step()
            count = missing.int64(at: 0)
        }
        guard count == 0 else {
            throw ImportError(file: file, line: nil, reason: "internal error: \(count) rows of a batch reference missing rows; the batch was not committed")
        }
        try begin()
    }
}
