extension Warehouse {
    /// Runs a registry write atomically: in its own immediate transaction, or — when the caller
    /// already holds one (a trainer that saves a snapshot and promotes it together) — in a
    /// savepoint inside it, so the caller's commit or rollback decides.
    func registryTransaction<T>(_ body: () throws -> T) throws -> T {
        if db.isInTransaction {
            return try db.savepoint("registry", body)
        }
        return try db.transaction(.immediate, body)
    }
}
