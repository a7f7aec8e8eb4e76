import Foundation
import SQLiteStore
import Testing
@testable import Warehouse

/// What the import ledger keeps of a file's name (`ImportFileName`, docs/PRIVACY.md "File
/// names"): the base name, or nothing in a pseudonymised warehouse; files are still recognised
/// by their content's SHA-256.
@Suite struct ImportFileNameTests {
    static let key = try! PseudonymKey(bytes: Array("0123456789abcdef0123456789abcdef".utf8))
    static let users = "user_id,country\ncarol@example.com,France\n17850,Spain\n"
    /// A users file without a user id column: the import fails, and the ledger stores its error.
    static let broken = "country\nFrance\n"

    private func options(_ key: PseudonymKey? = nil) -> ImportOptions {
        var options = ImportOptions(kind: .users, format: .csv)
        options.pseudonymKey = key
        return options
    }

    /// Imports the users file, a copy of it under another name in another directory, and the
    /// broken file; returns the copy's summary.
    private func importThree(_ warehouse: Warehouse, _ scratch: Scratch, key: PseudonymKey? = nil) throws -> ImportSummary {
        try FileManager.default.createDirectory(at: scratch.directory.appendingPathComponent("exports"), withIntermediateDirectories: true)
        _ = try warehouse.importFile(try scratch.file("carol@example.com.csv", Self.users), options: options(key))
        let copy = try warehouse.importFile(try scratch.file("exports/renamed.csv", Self.users), options: options(key))
        #expect(throws: ImportError.self) { try warehouse.importFile(try scratch.file("broken.csv", Self.broken), options: options(key)) }
        return copy
    }

    private func ledger(_ warehouse: Warehouse) throws -> [String] {
        try warehouse.db.query("SELECT file_name, coalesce(error, '') FROM imports ORDER BY id").map { "\($0[0].string ?? "") | \($0[1].string ?? "")" }
    }

    private func fileNamesHeld(_ warehouse: Warehouse) throws -> Int? {
        try warehouse.privacyStatus().holdings.first { $0.table == "imports" && $0.column == "file_name" }?.rows
    }

    @Test func theLedgerKeepsTheBaseNameAndRecognisesTheFileByContent() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let copy = try importThree(warehouse, scratch)
        #expect(copy.counts.loaded == 0 && copy.counts.duplicate == 2)
        #expect(try warehouse.listImports().map(\.file) == ["carol@example.com.csv", "renamed.csv", "broken.csv"])
        let stored = try ledger(warehouse)
        #expect(stored[2].hasPrefix("broken.csv | broken.csv:"))
        #expect(!stored.joined().contains(scratch.directory.path))
        #expect(!stored.joined().contains("exports/"))
        #expect(try fileNamesHeld(warehouse) == 3)
    }

    @Test func aPseudonymisedWarehouseKeepsNoNameAndStillRecognisesTheFile() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.pseudonymise(key: Self.key)
        let copy = try importThree(warehouse, scratch, key: Self.key)
        #expect(copy.counts.loaded == 0 && copy.counts.duplicate == 2)
        #expect(try warehouse.listImports().map(\.file) == Array(repeating: ImportFileName.notKept, count: 3))
        let stored = try ledger(warehouse)
        #expect(stored[2].hasPrefix("[not kept] | [not kept]:"))
        #expect(!stored.joined().contains("carol") && !stored.joined().contains("broken.csv"))
        #expect(try fileNamesHeld(warehouse) == 0)
    }

    @Test func pseudonymisingDropsTheNamesAlreadyKept() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try importThree(warehouse, scratch)
        #expect(try warehouse.pseudonymise(key: Self.key).fileNamesDropped == 3)
        let stored = try ledger(warehouse)
        #expect(stored.allSatisfy { $0.hasPrefix("[not kept] | ") })
        #expect(!stored.joined().contains("carol") && !stored.joined().contains("broken.csv"))
        #expect(try fileNamesHeld(warehouse) == 0)
        #expect(try importThree(warehouse, scratch, key: Self.key).counts.duplicate == 2)
    }

    /// Migration 0017 brings the names of earlier imports to the rule: base names, in their errors
    /// too, and no names in a warehouse pseudonymised before it; `-` and `[erased]` stay.
    @Test(arguments: [false, true])
    func migration0017ShortensTheNamesOfEarlierImports(pseudonymised: Bool) throws {
        let scratch = try Scratch()
        let db = try Connection(path: scratch.path("old.db"))
        let all = try SQLCatalog.migrator()
        try Migrator(migrations: Array(all.migrations.prefix(16))).migrate(db)
        try db.execute("""
            INSERT INTO imports (kind, format, file_name, status, started_at, error) VALUES
                ('users', 'csv', '/home/alice/exports/carol.csv', 'failed', 0, '/home/alice/exports/carol.csv:1: no user id column'),
                ('users', 'csv', 'sample/users.csv', 'finished', 0, NULL),
                ('users', 'csv', 'users.csv', 'finished', 0, NULL),
                ('users', 'csv', '-', 'finished', 0, NULL),
                ('users', 'csv', '[erased]', 'finished', 0, NULL);
            """)
        if pseudonymised {
            try db.run("UPDATE privacy_settings SET pseudonym_key_fingerprint = ?, pseudonymised_at = 1", Self.key.fingerprint)
        }
        #expect(try all.migrate(db).map(\.version) == Array(17...all.latestVersion))
        let names = try db.query("SELECT file_name, error FROM imports ORDER BY id").map { [$0[0].string, $0[1].string] }
        let name = { (base: String) in pseudonymised ? ImportFileName.notKept : base }
        #expect(names == [[name("carol.csv"), name("carol.csv") + ":1: no user id column"], [name("users.csv"), nil],
                          [name("users.csv"), nil], ["-", nil], ["[erased]", nil]])
    }
}
