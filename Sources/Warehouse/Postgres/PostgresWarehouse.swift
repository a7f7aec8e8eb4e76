import Foundation
import PostgresStore

/// The warehouse on a PostgreSQL server (with or without Citus), reached by a `postgresql://` URL.
///
/// This first slice of the PostgreSQL engine (issue 16) migrates the schema of
/// `migrations/postgres/` and reports `status`; the other commands still run on SQLite only.
/// Every message names the server by ``PostgresLocation/redacted``, so a password never shows.
public final class PostgresWarehouse {
    /// The open connection (not thread-safe).
    public let db: PGConnection
    public var location: PostgresLocation { db.location }

    private init(db: PGConnection) {
        self.db = db
    }

    /// Connects to the server at `url`; throws `PostgresStoreError` (a bad URL, an unreachable
    /// server, a refused login) whose text shows the URL with its password masked.
    public static func connect(url: String) throws -> PostgresWarehouse {
        PostgresWarehouse(db: try PGConnection.open(PostgresLocation(url: url)))
    }

    /// Connects for a command that writes and applies pending migrations (`migrating: false`
    /// only checks that the schema is this build's). On Citus it first settles what an earlier
    /// failure left prepared on the workers (``settlePreparedTransactions()``).
    public static func openForWriting(url: String, migrating: Bool = true) throws -> PostgresWarehouse {
        let warehouse = try connect(url: url)
        try warehouse.settlePreparedTransactions()
        if migrating { try warehouse.migrate() } else { _ = try PostgresMigrator(db: warehouse.db).pending() }
        return warehouse
    }

    /// Commits or rolls back, on every worker, the two-phase commits a failure left prepared (a
    /// worker or the coordinator stopped between PREPARE and COMMIT PREPARED), as the coordinator's
    /// record of each says: Citus's `recover_prepared_transactions()`. A prepared transaction keeps
    /// its locks, so until it is settled a resumed import waits on them; Citus's maintenance
    /// daemon settles them too, but only every `citus.recover_2pc_interval` (a minute by default).
    /// Does nothing without Citus or for a role that may not run the function (only superusers,
    /// unless granted): there the daemon is left to do it.
    func settlePreparedTransactions() throws {
        let allowed = try db.scalar("""
            SELECT CASE WHEN to_regprocedure('recover_prepared_transactions()') IS NULL THEN false
                        ELSE has_function_privilege('recover_prepared_transactions()', 'EXECUTE') END
            """).bool
        if allowed == true { _ = try db.query("SELECT recover_prepared_transactions()") }
    }

    /// Connects for a command that only reads: refuses a database without the warehouse's
    /// schema, or with an older one, changing nothing.
    public static func openForReading(url: String) throws -> PostgresWarehouse {
        let warehouse = try connect(url: url)
        let migrator = try PostgresMigrator(db: warehouse.db)
        guard try migrator.hasBookkeeping() else {
            throw WarehouseOpenError.notAWarehouse(path: warehouse.location.redacted,
                                                   reason: "a PostgreSQL database without schema_migrations; run `lifecycle migrate` on it")
        }
        if !(try migrator.pending()).isEmpty {
            throw WarehouseOpenError.outdated(path: warehouse.location.redacted, version: try migrator.currentVersion(),
                                              knownVersion: migrator.latestVersion)
        }
        return warehouse
    }

    /// Applies pending migrations of `migrations/postgres/`; returns their identifiers.
    @discardableResult
    public func migrate() throws -> [String] {
        try PostgresMigrator(db: db).migrate().map(\.identifier)
    }

    /// Whether `--db` names a PostgreSQL server (`postgresql://` or `postgres://`) rather than a file.
    public static func isURL(_ text: String) -> Bool { PostgresLocation.isURL(text) }

    /// `url` with its password masked: what messages show.
    public static func masked(_ url: String) -> String { PostgresLocation.mask(url) }

    /// A failure as one message that names the server (password masked): the engine's and the
    /// opening errors name it already; others (a refused migration) get it in front.
    public static func describe(_ error: any Error, url: String) -> String {
        switch error {
        case let error as PostgresStoreError: return error.description
        case let error as WarehouseOpenError: return error.description
        case let error as QueryError: return error.description
        case let error as UndoRefusal: return error.description
        default: return "\(masked(url)): \(error)"
        }
    }

    /// Closes the connection.
    public func close() throws { try db.close() }
}
