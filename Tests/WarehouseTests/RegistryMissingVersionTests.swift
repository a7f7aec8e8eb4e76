import Foundation
import Learning
import SQLiteStore
import Testing
@testable import Warehouse

/// A snapshot deleted behind the registry's back — as a user with the sqlite3 shell can: foreign
/// keys off, the delete trigger dropped — leaves aliases and moves naming a missing version.
/// Resolving such an alias names the alias and the missing version, `verify` reports them, and
/// `models list` marks them.
@Suite struct RegistryMissingVersionTests {
    /// churn@1...3 with production set to 1 (then moved to 3 and rolled back to 1), candidate at
    /// 3, and churn@1 deleted.
    static func withDeletedVersion(_ scratch: Scratch) throws -> Warehouse {
        let warehouse = try scratch.warehouse()
        for auc in [0.70, 0.72, 0.74] { _ = try warehouse.saveSnapshot(try RegistryFixtures.draft(auc: auc)) }
        try warehouse.promote(name: "churn", version: 1, at: 100)
        try warehouse.promote(name: "churn", version: 3, at: 200)
        try warehouse.rollback(name: "churn", at: 300)
        try warehouse.promote(name: "churn", version: 3, alias: "candidate", at: 300)
        try warehouse.db.execute("""
            PRAGMA foreign_keys = OFF;
            DROP TRIGGER model_snapshots_no_delete;
            DELETE FROM model_snapshots WHERE name = 'churn' AND version = 1;
            """)
        return warehouse
    }

    @Test("resolving an alias whose version is missing names the alias and the missing version")
    func aliasResolution() throws {
        let scratch = try Scratch()
        let warehouse = try Self.withDeletedVersion(scratch)
        let expected = RegistryError.aliasNamesMissingVersion("churn", alias: "production", version: 1, existing: [2, 3])
        #expect(throws: expected) { try warehouse.snapshot("churn@production") }
        #expect(throws: expected) { try warehouse.snapshot("churn") }
        #expect(throws: expected) { try warehouse.snapshot("churn@production", at: 350) }
        #expect(expected.description.hasPrefix("alias production of churn names version 1, which is missing (versions 2...3 exist)"))
        #expect(try warehouse.snapshot("churn@candidate").version == 3)

        let version = RegistryError.missingVersion("churn", version: 1, existing: [2, 3])
        #expect(throws: version) { try warehouse.snapshot("churn@1") }
        #expect(version.description.hasPrefix("model 'churn' has no version 1: its snapshot is missing (versions 2...3 exist)"))
        #expect(throws: version) { try warehouse.promote(name: "churn", version: 1, alias: "candidate") }
    }

    @Test("verify reports the missing version, the alias naming it and the moves naming it")
    func verifyReportsThem() throws {
        let scratch = try Scratch()
        let warehouse = try Self.withDeletedVersion(scratch)
        let report = try warehouse.verifyRegistry()
        #expect(report.snapshots.map(\.ok) == [true, true])
        #expect(!report.ok)
        #expect(report.problems.map(\.check) == [.missingVersion, .alias, .aliasHistory])
        #expect(report.problems.allSatisfy { $0.model == "churn" && $0.version == 1 })
        #expect(report.problems[0].message == "version 1 of churn is missing: its snapshot was deleted (versions 2...3 exist)")
        #expect(report.problems[1].message == "alias production of churn names version 1, which is missing (versions 2...3 exist)")
        #expect(report.problems[2].message == "the history of alias production of churn names version 1, which is missing, in move(s) 1, 2, 3")
        let table = RegistryTables.verification(report)
        #expect(table.rows.count == 5)
        #expect(table.notes == ["2 of 2 snapshots verified; 3 registry problems"])
        let json = RegistryJSON.verification(report)
        #expect(element(json, 3)?["check"] == "alias" && element(json, 3)?["ok"] == false)
    }

    @Test("a deleted highest version leaves no gap but is found through the alias that names it")
    func deletedLatest() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        for auc in [0.70, 0.72] { _ = try warehouse.saveSnapshot(try RegistryFixtures.draft(auc: auc)) }
        try warehouse.promote(name: "churn", version: 2)
        try warehouse.db.execute("""
            PRAGMA foreign_keys = OFF;
            DROP TRIGGER model_snapshots_no_delete;
            DELETE FROM model_snapshots WHERE version = 2;
            """)
        #expect(try warehouse.registryProblems().map(\.check) == [.alias, .aliasHistory])
        #expect(throws: RegistryError.aliasNamesMissingVersion("churn", alias: "production", version: 2, existing: [1])) {
            try warehouse.snapshot("churn")
        }
    }

    @Test("models list, and models list NAME, mark an alias whose version is missing")
    func listMarksIt() throws {
        let scratch = try Scratch()
        let warehouse = try Self.withDeletedVersion(scratch)
        let models = try warehouse.listModels()
        #expect(models.first?.aliases == [ModelAlias(alias: "candidate", version: 3),
                                          ModelAlias(alias: "production", version: 1, versionMissing: true)])
        let table = RegistryTables.models(models)
        #expect(table.displayRows.first?[4] == "candidate=3 production=1 (MISSING)")
        #expect(table.notes == ["alias production of churn names version 1, which is missing: run `lifecycle models verify`."])
        #expect(element(RegistryJSON.models(models), 0)?["aliases_naming_missing_versions"] == ["production"])
        let versions = RegistryTables.versions(try warehouse.snapshots(named: "churn"), aliases: try warehouse.currentAliases(of: "churn"))
        #expect(versions.displayRows.map { $0[0] } == ["2", "3"])
        #expect(versions.notes == ["alias production of churn names version 1, which is missing: run `lifecycle models verify`."])
    }

    @Test("an intact registry has no registry problems")
    func intact() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        for auc in [0.70, 0.72] { _ = try warehouse.saveSnapshot(try RegistryFixtures.draft(auc: auc)) }
        try warehouse.promote(name: "churn", version: 1)
        try warehouse.promote(name: "churn", version: 2)
        #expect(try warehouse.verifyRegistry().ok)
        #expect(try warehouse.listModels().first?.aliases.allSatisfy { !$0.versionMissing } == true)
    }
}

/// The element at `index` of a JSON array.
private func element(_ json: JSONValue, _ index: Int) -> JSONValue? {
    guard case .array(let elements) = json, elements.indices.contains(index) else { return nil }
    return elements[index]
}
