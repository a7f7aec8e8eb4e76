import Testing
@testable import SQLiteStore

@Suite struct MigratorTests {
    let one = Migration(version: 1, name: "create_t", sql: "CREATE TABLE t (x INTEGER)")
    let two = Migration(version: 2, name: "add_u", sql: "CREATE TABLE u (y INTEGER)")

    @Test func appliesInOrderWithBookkeepingAndUserVersion() throws {
        let file = try TemporaryDatabase()
        let db = try file.open()
        let applied = try Migrator(migrations: [two, one]).migrate(db, now: 1_700_000_000)
        #expect(applied.map(\.version) == [1, 2])
        let rows = try db.query("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version")
        #expect(rows.map { $0[1].string } == ["create_t", "add_u"])
        #expect(rows[0][2].string == one.checksum)
        #expect(rows[0][3] == .integer(1_700_000_000))
        #expect(try db.scalar("PRAGMA user_version").int64 == 2)
        // A second run has nothing to do.
        #expect(try Migrator(migrations: [one, two]).migrate(db).isEmpty)
    }

    @Test func appliesOnlyWhatIsPending() throws {
        let file = try TemporaryDatabase()
        let db = try file.open()
        try Migrator(migrations: [one]).migrate(db)
        let applied = try Migrator(migrations: [one, two]).migrate(db)
        #expect(applied == [two])
    }

    @Test func failedMigrationLeavesNoTraceOfItself() throws {
        let file = try TemporaryDatabase()
        let db = try file.open()
        let broken = Migration(version: 2, name: "broken", sql: "CREATE TABLE v (z INTEGER); CREATE TABLE t (x INTEGER)")
        #expect(throws: SQLiteError.self) { try Migrator(migrations: [one, broken]).migrate(db) }
        #expect(try Migrator(migrations: [one]).applied(in: db).map(\.version) == [1])
        #expect(try db.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'v'").int64 == 0)
    }

    @Test func refusesAChangedAppliedMigration() throws {
        let file = try TemporaryDatabase()
        let db = try file.open()
        try Migrator(migrations: [one]).migrate(db)
        let edited = Migration(version: 1, name: "create_t", sql: "CREATE TABLE t (x INTEGER, extra TEXT)")
        let error = #expect(throws: MigrationError.self) { try Migrator(migrations: [edited]).migrate(db) }
        guard case .changedAfterApplied(let identifier, _, _)? = error else { Issue.record("wrong error \(String(describing: error))"); return }
        #expect(identifier == "0001_create_t")
        #expect(error?.description.contains("must never be edited") == true)
    }

    @Test func refusesGapsAndDuplicateNumbers() {
        let three = Migration(version: 3, name: "c", sql: "SELECT 1")
        #expect(throws: MigrationError.gap(missing: 2, before: "0003_c")) { try Migrator(migrations: [one, three]) }
        let otherOne = Migration(version: 1, name: "other", sql: "SELECT 1")
        #expect(throws: MigrationError.duplicateVersion(1, ["0001_create_t", "0001_other"])) { try Migrator(migrations: [one, otherOne]) }
        #expect(throws: MigrationError.badFileName("init.sql")) { try Migrator(files: [(name: "init.sql", sql: "")]) }
    }

    @Test func refusesADatabaseFromANewerVersion() throws {
        let file = try TemporaryDatabase()
        let db = try file.open()
        try Migrator(migrations: [one, two]).migrate(db)
        let error = #expect(throws: MigrationError.self) { try Migrator(migrations: [one]).migrate(db) }
        #expect(error == .databaseNewer(databaseVersion: 2, knownVersion: 1))
        #expect(error?.description.contains("newer lifecycle") == true)
    }

    @Test func refusesAnAppliedMigrationWithAnotherName() throws {
        let file = try TemporaryDatabase()
        let db = try file.open()
        try Migrator(migrations: [one]).migrate(db)
        let renamed = Migration(version: 1, name: "something_else", sql: one.sql)
        #expect(throws: MigrationError.appliedButUnknown(version: 1, name: "create_t")) { try Migrator(migrations: [renamed]).migrate(db) }
    }

    @Test func parsesFileNames() {
        #expect(Migration.parse(fileName: "0007_add_index.sql", sql: "")?.version == 7)
        #expect(Migration.parse(fileName: "0007_add_index.sql", sql: "")?.name == "add_index")
        #expect(Migration.parse(fileName: "abc_x.sql", sql: "") == nil)
        #expect(Migration.parse(fileName: "0001.sql", sql: "") == nil)
        #expect(Migration.parse(fileName: "0001_x.txt", sql: "") == nil)
    }
}
