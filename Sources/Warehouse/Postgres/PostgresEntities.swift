import PostgresStore

/// Finds or creates users and products by natural key for a PostgreSQL import, a batch at a time:
/// the keys a batch names are looked up in one statement each (`= ANY($1)`), new ones get the
/// ids SQLite would give them (largest + 1, in the order the rows first need them: the import
/// lock means no one else adds rows meanwhile), and they are written with one COPY per table
/// when the batch is flushed. So for the same files in the same order both engines number
/// users and products alike.
final class PostgresEntities {
    private let db: PGConnection
    private let importID: Int64
    private var userCache = KeyCache()
    private var productCache = KeyCache()
    /// What the current batch needs, resolved (the caches may be emptied when full; these are not).
    private var batchUsers: [String: Int64] = [:]
    private var batchProducts: [String: Int64] = [:]
    private var nextUserID: Int64
    private var nextProductID: Int64
    private var newUsers = PGCopyText()
    private var newUserKeys = PGCopyText()
    private var newProducts = PGCopyText()

    init(db: PGConnection, importID: Int64) throws {
        self.db = db
        self.importID = importID
        nextUserID = (try db.scalar("SELECT coalesce(max(id), 0) FROM users").int64 ?? 0) + 1
        nextProductID = (try db.scalar("SELECT coalesce(max(id), 0) FROM products").int64 ?? 0) + 1
    }

    /// Looks up the batch's customer and product ids that are not cached, in one statement each.
    func prefetch(users: Set<String>, products: Set<String>) throws {
        batchUsers.removeAll(keepingCapacity: true)
        batchProducts.removeAll(keepingCapacity: true)
        var missing: [String] = []
        for ref in users {
            if let id = userCache[ref] { batchUsers[ref] = id } else { missing.append(ref) }
        }
        if !missing.isEmpty {
            for row in try db.query("SELECT external_id, user_id FROM user_keys WHERE external_id = ANY($1)", [.textArray(missing)]) {
                if let ref = row[0].string, let id = row[1].int64 { batchUsers[ref] = id; userCache[ref] = id }
            }
        }
        missing.removeAll()
        for ref in products {
            if let id = productCache[ref] { batchProducts[ref] = id } else { missing.append(ref) }
        }
        if !missing.isEmpty {
            for row in try db.query("SELECT external_id, id FROM products WHERE external_id = ANY($1)", [.textArray(missing)]) {
                if let ref = row[0].string, let id = row[1].int64 { batchProducts[ref] = id; productCache[ref] = id }
            }
        }
    }

    /// The id of a user the batch already knows (prefetched or created), if any.
    func knownUser(_ ref: String) -> Int64? { batchUsers[ref] }

    /// The user's id, created (with `country`, `signedUpAt`) when new. Only for refs given to `prefetch`.
    @discardableResult
    func user(_ ref: String, country: String?, signedUpAt: Int64? = nil) -> Int64 {
        if let id = batchUsers[ref] { return id }
        let id = nextUserID
        nextUserID += 1
        newUsers.integer(id); newUsers.text(ref); newUsers.text(country); newUsers.integer(signedUpAt); newUsers.integer(importID)
        newUsers.endRow()
        newUserKeys.text(ref); newUserKeys.integer(id)
        newUserKeys.endRow()
        batchUsers[ref] = id
        userCache[ref] = id
        return id
    }

    /// The product's id, created (with its first name) when new. Only for refs given to `prefetch`.
    func product(_ ref: String, name: String?, isMerchandise: Bool) -> Int64 {
        if let id = batchProducts[ref] { return id }
        let id = nextProductID
        nextProductID += 1
        newProducts.integer(id); newProducts.text(ref); newProducts.text(name); newProducts.integer(isMerchandise ? 1 : 0)
        newProducts.integer(importID)
        newProducts.endRow()
        batchProducts[ref] = id
        productCache[ref] = id
        return id
    }

    /// Writes the batch's new users and products (before the rows that reference them).
    func flush() throws {
        try db.copy(into: "users", columns: ["id", "external_id", "country", "signed_up_at", "import_id"], newUsers)
        try db.copy(into: "user_keys", columns: ["external_id", "user_id"], newUserKeys)
        try db.copy(into: "products", columns: ["id", "external_id", "name", "is_merchandise", "import_id"], newProducts)
        newUsers.removeAll()
        newUserKeys.removeAll()
        newProducts.removeAll()
    }

    /// Moves the identity sequences past the ids this import gave, so a row inserted later with
    /// the columns' defaults cannot collide with them.
    static func advanceSequences(_ db: PGConnection, tables: [String]) throws {
        for table in tables {
            let largest = try db.scalar("SELECT coalesce(max(id), 1) FROM \(table)").int64 ?? 1
            try db.query("SELECT setval(pg_get_serial_sequence($1, 'id'), $2)", [.text(table), .integer(max(largest, 1))])
        }
    }
}
