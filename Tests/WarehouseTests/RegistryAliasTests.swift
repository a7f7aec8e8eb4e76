import Foundation
import SQLiteStore
import Testing
@testable import Warehouse

/// Aliases, their history, rollback, and "which version was production at T".
@Suite struct RegistryAliasTests {
    /// A warehouse with `versions` snapshots of `churn`, created at t = 10, 20, 30...
    func warehouse(_ scratch: Scratch, versions: Int = 3) throws -> Warehouse {
        let warehouse = try scratch.warehouse()
        for index in 1...versions {
            _ = try warehouse.saveSnapshot(try RegistryFixtures.draft(auc: 0.6 + Double(index) / 100), createdAt: Int64(index * 10))
        }
        return warehouse
    }

    @Test func everyMoveIsRecorded() throws {
        let scratch = try Scratch()
        let warehouse = try warehouse(scratch)
        let first = try warehouse.promote(name: "churn", version: 1, reason: "first model", by: "ana", at: 100)
        #expect(first == AliasMove(id: 1, name: "churn", alias: "production", fromVersion: nil, toVersion: 1,
                                   movedAt: 100, movedBy: "ana", reason: "first model"))
        try warehouse.promote(name: "churn", version: 2, by: "ben", at: 200)
        #expect(try warehouse.promote(name: "churn", version: 2, by: "ben", at: 250) == nil, "already there: nothing recorded")
        try warehouse.promote(name: "churn", version: 3, alias: "candidate", by: "ana", at: 260)
        try warehouse.removeAlias(name: "churn", alias: "candidate", reason: "rejected", by: "ana", at: 270)
        let history = try warehouse.aliasHistory(name: "churn")
        #expect(history.map { "\($0.alias) \($0.fromVersion.map(String.init) ?? "-")→\($0.toVersion.map(String.init) ?? "-") \($0.movedBy)@\($0.movedAt)" }
                == ["production -→1 ana@100", "production 1→2 ben@200", "candidate -→3 ana@260", "candidate 3→- ana@270"])
        #expect(try warehouse.aliasHistory(name: "churn", alias: "production").count == 2)
        #expect(try warehouse.currentAliases(of: "churn") == ["production": 2])
        #expect(try warehouse.listModels().first?.aliases == [ModelAlias(alias: "production", version: 2)])
    }

    @Test func movesAreValidated() throws {
        let scratch = try Scratch()
        let warehouse = try warehouse(scratch)
        #expect(throws: RegistryError.unknownVersion("churn", version: 4, latest: 3)) { try warehouse.promote(name: "churn", version: 4) }
        #expect(throws: RegistryError.unknownModel("clv", known: ["churn"])) { try warehouse.promote(name: "clv", version: 1) }
        #expect(throws: RegistryError.self) { try warehouse.promote(name: "churn", version: 1, alias: "latest") }
        #expect(throws: RegistryError.self) { try warehouse.promote(name: "churn", version: 1, alias: "2") }
        try warehouse.promote(name: "churn", version: 1, by: "ana", at: 100)
        #expect(throws: RegistryError.moveOutOfOrder("churn", alias: "production", at: "1970-01-01T00:00:50Z", previous: "1970-01-01T00:01:40Z")) {
            try warehouse.promote(name: "churn", version: 2, by: "ana", at: 50)
        }
        #expect(throws: RegistryError.unknownAlias("churn", alias: "candidate", aliases: ["production"])) {
            try warehouse.removeAlias(name: "churn", alias: "candidate")
        }
        // Without an explicit time a move is never dated before the previous one.
        let now = try #require(try warehouse.promote(name: "churn", version: 2, by: "ana"))
        #expect(now.movedAt >= 100)
    }

    @Test func theHistoryCannotBeRewrittenAndAliasesFollowIt() throws {
        let scratch = try Scratch()
        let warehouse = try warehouse(scratch)
        try warehouse.promote(name: "churn", version: 1, by: "ana", at: 100)
        for sql in ["UPDATE model_alias_moves SET to_version = 3", "DELETE FROM model_alias_moves"] {
            let error = try #require(throws: SQLiteError.self) { try warehouse.db.execute(sql) }
            #expect(error.message.contains("append-only"))
        }
        // A move must start where the alias is.
        let error = try #require(throws: SQLiteError.self) {
            try warehouse.db.execute("""
                INSERT INTO model_alias_moves (name, alias, from_version, to_version, moved_at, moved_by)
                VALUES ('churn', 'production', 2, 3, 200, 'x')
                """)
        }
        #expect(error.message.contains("from_version must be the version the alias points at now"))
        // A move written in SQL (the documented way) updates model_aliases through the trigger.
        try warehouse.db.execute("""
            INSERT INTO model_alias_moves (name, alias, from_version, to_version, moved_at, moved_by)
            VALUES ('churn', 'production', 1, 3, 200, 'sql')
            """)
        #expect(try warehouse.currentAliases(of: "churn") == ["production": 3])
        #expect(throws: SQLiteError.self) {
            try warehouse.db.execute("""
                INSERT INTO model_alias_moves (name, alias, from_version, to_version, moved_at, moved_by)
                VALUES ('churn', 'production', 3, 7, 300, 'sql')
                """)
        }
    }

    @Test func rollbackReturnsToThePreviousVersion() throws {
        let scratch = try Scratch()
        let warehouse = try warehouse(scratch)
        #expect(throws: RegistryError.nothingToRollBack("churn", alias: "production", "it has never been set")) {
            try warehouse.rollback(name: "churn")
        }
        try warehouse.promote(name: "churn", version: 1, by: "ana", at: 100)
        let first = try #require(throws: RegistryError.self) { try warehouse.rollback(name: "churn") }
        #expect("\(first)".contains("no earlier version"))
        try warehouse.promote(name: "churn", version: 2, by: "ana", at: 200)
        try warehouse.promote(name: "churn", version: 3, by: "ana", at: 300)
        let back = try warehouse.rollback(name: "churn", reason: "v3 scores drifted", by: "ben", at: 400)
        #expect(back.fromVersion == 3 && back.toVersion == 2)
        #expect(back.reason == "rollback: v3 scores drifted")
        #expect(try warehouse.snapshot("churn").version == 2)
        #expect(try warehouse.aliasHistory(name: "churn").count == 4, "the rollback is a move too")
        // A second rollback undoes the first: the alias's last move went 3 → 2.
        let again = try warehouse.rollback(name: "churn", by: "ben", at: 500)
        #expect(again.toVersion == 3 && again.reason == "rollback of move 4")
        // Rolling back a removal restores the alias.
        try warehouse.removeAlias(name: "churn", alias: "production", by: "ana", at: 600)
        #expect(try warehouse.rollback(name: "churn", by: "ana", at: 700).toVersion == 3)
    }

    @Test func whichVersionWasProductionAtAGivenInstant() throws {
        let scratch = try Scratch()
        let warehouse = try warehouse(scratch)
        try warehouse.promote(name: "churn", version: 1, by: "ana", at: 100)
        try warehouse.promote(name: "churn", version: 2, by: "ana", at: 200)
        try warehouse.promote(name: "churn", version: 3, by: "ana", at: 300)
        try warehouse.rollback(name: "churn", by: "ana", at: 400)
        try warehouse.removeAlias(name: "churn", alias: "production", by: "ana", at: 500)
        let expected: [(Int64, Int?)] = [(99, nil), (100, 1), (199, 1), (200, 2), (299, 2), (300, 3), (399, 3), (400, 2), (499, 2), (500, nil), (9999, nil)]
        for (instant, version) in expected {
            #expect(try warehouse.version(of: "churn", alias: "production", at: instant) == version, "at \(instant)")
        }
        #expect(try warehouse.snapshot("churn@production", at: 250).version == 2)
        #expect(try warehouse.snapshot("churn", at: 350).version == 3, "bare name: production then")
        #expect(try warehouse.describe(ModelReference(parsing: "churn"), at: 350).resolvedVia == "production")
        #expect(try warehouse.snapshot("churn", at: 25).version == 2, "before any production: the latest saved by then")
        #expect(try warehouse.snapshot("churn@latest", at: 15).version == 1)
        #expect(throws: RegistryError.noVersionYet("churn", at: "1970-01-01T00:00:05Z")) { try warehouse.snapshot("churn", at: 5) }
        #expect(throws: RegistryError.aliasNotSetAt("churn", alias: "production", at: "1970-01-01T00:01:30Z")) {
            try warehouse.snapshot("churn@production", at: 90)
        }
        #expect(throws: RegistryError.unknownAlias("churn", alias: "staging", aliases: [])) { try warehouse.snapshot("churn@staging", at: 90) }
        #expect(throws: RegistryError.instantNeedsAlias("churn@2")) { try warehouse.snapshot("churn@2", at: 90) }
    }

    @Test func theCurrentUserComesFromLifecycleUserOrTheSystem() {
        let user = RegistryClock.currentUser()
        #expect(!user.isEmpty)
        if let configured = ProcessInfo.processInfo.environment["LIFECYCLE_USER"], !configured.isEmpty {
            #expect(user == configured)
        }
    }
}
