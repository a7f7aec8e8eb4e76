import SQLiteStore

/// Finds or creates users and products by natural key, for every import kind.
final class EntityResolver {
    private let db: Connection
    private let importID: Int64
    /// Set in a pseudonymised warehouse: customer ids are stored as their pseudonyms.
    private let pseudonyms: PseudonymKey?
    private var users = KeyCache()
    private var products = KeyCache()
    private let selectUser: Statement
    private let insertUser: Statement
    private let selectProduct: Statement
    private let insertProduct: Statement

    init(db: Connection, importID: Int64, pseudonyms: PseudonymKey?) throws {
        self.db = db
        self.importID = importID
        self.pseudonyms = pseudonyms
        selectUser = try db.prepare("SELECT id FROM users WHERE external_id = ?")
        insertUser = try db.prepare("INSERT INTO users (external_id, country, import_id) VALUES (?, ?, ?)")
        selectProduct = try db.prepare("SELECT id FROM products WHERE external_id = ?")
        insertProduct = try db.prepare("INSERT INTO products (external_id, name, is_merchandise, import_id) VALUES (?, ?, ?, ?)")
    }

    /// The id of the user with this source customer id (stored as its pseudonym in a
    /// pseudonymised warehouse), created (with `country`) when new.
    func user(_ externalID: String, country: String?) throws -> Int64 {
        if let id = users[externalID] { return id }
        let id = try lookupOrInsert(select: selectUser, insert: insertUser, key: storedCustomerID(externalID), values: [country, importID])
        users[externalID] = id
        return id
    }

    /// The id of the product with this external id, created (with its first name) when new.
    func product(_ externalID: String, name: String?, isMerchandise: Bool) throws -> Int64 {
        if let id = products[externalID] { return id }
        let id = try lookupOrInsert(select: selectProduct, insert: insertProduct, key: externalID, values: [name, isMerchandise, importID])
        products[externalID] = id
        return id
    }

    /// A source customer id as the warehouse stores it: the id itself, or its pseudonym.
    func storedCustomerID(_ sourceID: String) -> String {
        pseudonyms?.pseudonym(of: sourceID) ?? sourceID
    }

    /// An event's id as the warehouse stores it: a content hash is keyed in a pseudonymised warehouse.
    func storedEventID(_ externalID: String) -> String {
        pseudonyms?.eventID(externalID) ?? externalID
    }

    private func lookupOrInsert(select: Statement, insert: Statement, key: String, values: [any SQLBindable]) throws -> Int64 {
        select.bind(text: key, at: 1)
        defer { select.reset() }
        if try select.step() { return select.int64(at: 0) }
        try insert.run([key] + values)
        return db.lastInsertRowID
    }
}
