import Foundation
import PostgresStore
import SQLiteStore

/// Applies `migrations/postgres/` to a PostgreSQL database with the same rules as SQLite's
/// `Migrator`: numbered files in order, each in its own transaction with its `schema_migrations`
/// row and SHA-256, refusing edited, unknown or newer migrations with the same `MigrationError`.
///
/// Concurrent `migrate` runs take turns on a session advisory lock, so two first commands
/// cannot both apply migration 1 (PostgreSQL's counterpart of the SQLite writer lock's role here).
struct PostgresMigrator {
    let db: PGConnection
    /// The files of `migrations/postgres/`, checked for gaps and duplicates like SQLite's.
    let rules: Migrator

    init(db: PGConnection) throws {
        self.db = db
        rules = try SQLCatalog.postgresMigrator()
    }

    var migrations: [Migration] { rules.migrations }
    var latestVersion: Int { rules.latestVersion }

    /// The advisory lock key migrations take: "lifecycle" as ASCII, in a bigint.
    static let lockKey: Int64 = 0x6C69_6665_6379_636C

    static let bookkeeping = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version bigint PRIMARY KEY,
            name text NOT NULL,
            checksum text NOT NULL,
            applied_at bigint NOT NULL
        )
        """

    func hasBookkeeping() throws -> Bool {
        try db.scalar("SELECT to_regclass('schema_migrations') IS NOT NULL").bool == true
    }

    func currentVersion() throws -> Int {
        guard try hasBookkeeping() else { return 0 }
        return Int(try db.scalar("SELECT coalesce(max(version), 0) FROM schema_migrations").int64 ?? 0)
    }

    /// The migrations recorded as applied, oldest first.
    func applied() throws -> [AppliedMigration] {
        guard try hasBookkeeping() else { return [] }
        return try db.query("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version").map {
            AppliedMigration(version: Int($0[0].int64 ?? 0), name: $0[1].string ?? "", checksum: $0[2].string ?? "",
                             appliedAt: $0[3].int64 ?? 0)
        }
    }

    /// The migrations still to apply, after checking the applied ones by SQLite's rule.
    func pending() throws -> [Migration] {
        try rules.pending(after: applied())
    }

    /// Applies every pending migration in order; returns what it applied.
    @discardableResult
    func migrate(now: Int64 = Int64(Date().timeIntervalSince1970)) throws -> [Migration] {
        try db.query("SELECT pg_advisory_lock($1)", [.integer(Self.lockKey)])
        defer { _ = try? db.query("SELECT pg_advisory_unlock($1)", [.integer(Self.lockKey)]) }
        try db.query(Self.bookkeeping)
        let todo = try pending()
        for migration in todo {
            try db.transaction {
                try db.execute(script: migration.sql)
                try db.query("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)",
                             [.integer(Int64(migration.version)), .text(migration.name), .text(migration.checksum), .integer(now)])
            }
        }
        return todo
    }
}
