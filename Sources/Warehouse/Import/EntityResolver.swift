import SQLiteStore

/// Finds or creates users and products by natural key, for every import kind.
final class EntityResolver {
    private let db: Connection
    private let importID: Int64
    private var users = KeyCache()
    private var products = KeyCache()

    init(db: Connection, importID: Int64) {
        self.db = db
        self.importID = importID
    }

    /// The id of the user with this external id, created (with `country`) when new.
    func user(_ externalID: String, country: String?) throws -> Int64 {
        if let id = users[externalID] { return id }
        let id = try lookupOrInsert(
            select: "SELECT id FROM users WHERE external_id = ?",
            insert: "INSERT INTO users (external_id, country, import_id) VALUES (?, ?, ?)",
            key: externalID, extra: country)
        users[externalID] = id
        return id
    }

    /// The id of the product with this external id, created (with its first name) when new.
    func product(_ externalID: String, name: String?, isMerchandise: Bool) throws -> Int64 {
        if let id = products[externalID] { return id }
        let select = try db.cached("SELECT id FROM products WHERE external_id = ?")
        select.bind(text: externalID, at: 1)
        if try select.step() {
            let id = select.int64(at: 0)
            select.reset()
            products[externalID] = id
            return id
        }
        select.reset()
        try db.run("INSERT INTO products (external_id, name, is_merchandise, import_id) VALUES (?, ?, ?, ?)",
                   externalID, name, isMerchandise, importID)
        let id = db.lastInsertRowID
        products[externalID] = id
        return id
    }

    /// Forgets cached ids (after a rollback, ids created in the rolled-back batch no longer exist).
    func forgetCaches() {
        users.removeAll()
        products.removeAll()
    }

    private func lookupOrInsert(select sql: String, insert: String, key: String, extra: String?) throws -> Int64 {
        let select = try db.cached(sql)
        select.bind(text: key, at: 1)
        defer { select.reset() }
        if try select.step() { return select.int64(at: 0) }
        select.reset()
        try db.run(insert, key, extra, importID)
        return db.lastInsertRowID
    }
}
