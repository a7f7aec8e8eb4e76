import Foundation

/// Why a set of migrations or a database was refused.
public enum MigrationError: Error, CustomStringConvertible, Equatable {
    case badFileName(String)
    case duplicateVersion(Int, [String])
    case gap(missing: Int, before: String)
    case changedAfterApplied(String, stored: String, current: String)
    case appliedButUnknown(version: Int, name: String)
    case databaseNewer(databaseVersion: Int, knownVersion: Int)

    public var description: String {
        switch self {
        case .badFileName(let name):
            return "migration file \(name) is not named NNNN_snake_name.sql"
        case .duplicateVersion(let version, let names):
            return "migration number \(version) is used twice: \(names.joined(separator: ", "))"
        case .gap(let missing, let before):
            return "migration number \(missing) is missing (the next one is \(before)); migrations must be numbered 1, 2, 3... without gaps"
        case .changedAfterApplied(let identifier, let stored, let current):
            return "migration \(identifier) was changed after it was applied to this database (applied sha256 \(stored.prefix(12))…, file now \(current.prefix(12))…); released migrations must never be edited: add a new migration instead"
        case .appliedButUnknown(let version, let name):
            return "this database has migration \(String(format: "%04d", version))_\(name) applied, which this build of lifecycle does not know"
        case .databaseNewer(let databaseVersion, let knownVersion):
            return "this database is at schema version \(databaseVersion), written by a newer lifecycle (this one knows up to \(knownVersion)); upgrade lifecycle to open it"
        }
    }
}

/// One row of `schema_migrations`.
public struct AppliedMigration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let checksum: String
    public let appliedAt: Int64

    /// A row as read from any engine's `schema_migrations`.
    public init(version: Int, name: String, checksum: String, appliedAt: Int64) {
        self.version = version
        self.name = name
        self.checksum = checksum
        self.appliedAt = appliedAt
    }
}

/// Applies numbered migrations in order, each together with its bookkeeping row in one
/// transaction, and refuses changed, missing, duplicate or unknown migrations.
public struct Migrator: Sendable {
    /// The migrations, sorted by version and checked for gaps and duplicates.
    public let migrations: [Migration]

    /// Validates the set: versions must be 1...n, each exactly once.
    public init(migrations: [Migration]) throws {
        let sorted = migrations.sorted { $0.version < $1.version }
        var expected = 1
        for (index, migration) in sorted.enumerated() {
            if index > 0 && sorted[index - 1].version == migration.version {
                throw MigrationError.duplicateVersion(migration.version, [sorted[index - 1].identifier, migration.identifier])
            }
            if migration.version != expected { throw MigrationError.gap(missing: expected, before: migration.identifier) }
            expected += 1
        }
        self.migrations = sorted
    }

    /// Builds a migrator from `(file name, text)` pairs, refusing names that do not parse.
    public init(files: [(name: String, sql: String)]) throws {
        var parsed: [Migration] = []
        for file in files {
            guard let migration = Migration.parse(fileName: file.name, sql: file.sql) else {
                throw MigrationError.badFileName(file.name)
            }
            parsed.append(migration)
        }
        try self.init(migrations: parsed)
    }

    /// The newest version this migrator knows.
    public var latestVersion: Int { migrations.last?.version ?? 0 }

    static let bookkeeping = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at INTEGER NOT NULL
        ) STRICT
        """

    /// The migrations recorded as applied in the database, oldest first.
    public func applied(in db: Connection) throws -> [AppliedMigration] {
        let exists = try db.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'")
        guard exists.int64 == 1 else { return [] }
        return try db.query("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version").map {
            AppliedMigration(version: Int($0[0].int64 ?? 0), name: $0[1].string ?? "", checksum: $0[2].string ?? "", appliedAt: $0[3].int64 ?? 0)
        }
    }

    /// Checks what the database has applied against this migrator's migrations, and returns
    /// the ones still to apply. Throws when the database is newer, or an applied migration is
    /// unknown or was changed.
    public func pending(in db: Connection) throws -> [Migration] {
        try pending(after: applied(in: db))
    }

    /// The rule behind `pending(in:)`, for any engine's `schema_migrations` rows (oldest first):
    /// refuses a database newer than these migrations, an applied migration that is unknown or
    /// was changed since, and returns the migrations not applied yet.
    public func pending(after done: [AppliedMigration]) throws -> [Migration] {
        if let newest = done.last, newest.version > latestVersion {
            throw MigrationError.databaseNewer(databaseVersion: newest.version, knownVersion: latestVersion)
        }
        for record in done {
            guard let migration = migrations.first(where: { $0.version == record.version }), migration.name == record.name else {
                throw MigrationError.appliedButUnknown(version: record.version, name: record.name)
            }
            if migration.checksum != record.checksum {
                throw MigrationError.changedAfterApplied(migration.identifier, stored: record.checksum, current: migration.checksum)
            }
        }
        let appliedVersions = Set(done.map(\.version))
        return migrations.filter { !appliedVersions.contains($0.version) }
    }

    /// Applies every pending migration in order, each in its own transaction together with its
    /// `schema_migrations` row, and sets `PRAGMA user_version`. Returns what it applied.
    @discardableResult
    public func migrate(_ db: Connection, now: Int64 = Int64(Date().timeIntervalSince1970)) throws -> [Migration] {
        try db.execute(Self.bookkeeping)
        let todo = try pending(in: db)
        for migration in todo {
            db.clearStatementCache()
            try db.transaction(.immediate) {
                try db.execute(migration.sql)
                try db.run("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                           migration.version, migration.name, migration.checksum, now)
                try db.execute("PRAGMA user_version = \(migration.version)")
            }
        }
        return todo
    }
}
