import Foundation
import Testing
@testable import Warehouse

/// Event properties kept by name, and rejected rows' raw text kept for a number of days.
@Suite struct MinimisationTests {
    static let events = """
        user_id,occurred_at,type,properties
        u1,2024-01-01T10:00:00Z,view,"{""page"":""/a"",""email"":""u1@example.com"",""ip"":""10.0.0.1""}"
        u1,2024-01-01T10:01:00Z,view,"{""page"":""/b""}"
        u2,2024-01-01T10:02:00Z,view,

        """

    @Test func onlyNamedPropertiesAreKeptAndCountedWithoutChangingIdentity() throws {
        let scratch = try Scratch()
        let file = try scratch.file("events.csv", Self.events)
        let full = try scratch.warehouse("full.db")
        _ = try full.importFile(file, options: ImportOptions(kind: .events, format: .csv))
        let minimal = try scratch.warehouse("minimal.db")
        var options = ImportOptions(kind: .events, format: .csv)
        options.keepProperties = PropertyFilter(keep: ["page"])
        let summary = try minimal.importFile(file, options: options)
        #expect(summary.counts.loaded == 3)
        #expect(summary.counts.propertyKeysDropped == 2)
        #expect(try minimal.count("SELECT property_keys_dropped FROM imports WHERE id = ?", summary.importID) == 2)
        #expect(try minimal.db.scalar("SELECT properties FROM events ORDER BY occurred_at LIMIT 1").string == #"{"page":"/a"}"#)
        // The same records are the same rows whatever is kept.
        let ids = { (w: Warehouse) in try w.db.query("SELECT external_id FROM events ORDER BY external_id").map { $0[0].string ?? "" } }
        #expect(try ids(full) == ids(minimal))
        // Importing again with every key is all duplicates, and the same file with another keep list is not refused.
        #expect(try minimal.importFile(file, options: ImportOptions(kind: .events, format: .csv)).counts.duplicate == 3)
    }

    @Test func theWarehouseSettingAppliesWhenNoOptionIsGiven() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        try warehouse.setKeepProperties(PropertyFilter(keep: ["ip"]))
        #expect(try warehouse.privacySettings().keepProperties == PropertyFilter(keep: ["ip"]))
        let summary = try warehouse.importFile(try scratch.file("e.csv", Self.events), options: ImportOptions(kind: .events, format: .csv))
        #expect(summary.counts.propertyKeysDropped == 3)
        #expect(try warehouse.count("SELECT count(*) FROM events WHERE properties LIKE '%@%' OR properties LIKE '%page%'") == 0)
        #expect(try warehouse.db.scalar("SELECT json_extract(options, '$.keep_properties[0]') FROM imports").string == "ip")
    }

    @Test func rejectsPurgeBlanksOldRawTextAndKeepsLineAndReason() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let file = try scratch.file("u.csv", "user_id,signed_up_at\ncarol@example.com,yesterday\nbob,2024-01-01T00:00:00Z\n")
        let summary = try warehouse.importFile(file, options: ImportOptions(kind: .users, format: .csv))
        #expect(try warehouse.rejects(importID: summary.importID).first?.raw.contains("carol@example.com") == true)
        let now = Int64(Date().timeIntervalSince1970)
        // Not old enough yet: kept.
        #expect(try warehouse.purgeRejects(olderThanDays: 30, now: now) == 0)
        // 31 days later.
        #expect(try warehouse.purgeRejects(now: now + 31 * 86_400) == 1)
        let reject = try #require(try warehouse.rejects(importID: summary.importID).first)
        #expect(reject.raw == "")
        #expect(reject.line == 2)
        #expect(reject.reason.contains("signed_up_at"))
        #expect(try warehouse.count("SELECT count(*) FROM import_rejects WHERE raw_purged_at = ?", now + 31 * 86_400) == 1)
        #expect(try warehouse.purgeRejects(now: now + 40 * 86_400) == 0)
    }

    @Test func anImportEndsByPurgingExpiredRawText() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        let first = try warehouse.importFile(try scratch.file("a.csv", "user_id,signed_up_at\ncarol,yesterday\n"),
                                             options: ImportOptions(kind: .users, format: .csv))
        // Make the first import 31 days old.
        try warehouse.db.run("UPDATE imports SET started_at = started_at - 31 * 86400 WHERE id = ?", first.importID)
        try warehouse.setKeepRejectsDays(30)
        let second = try warehouse.importFile(try scratch.file("b.csv", "user_id,signed_up_at\nbob,never\n"),
                                              options: ImportOptions(kind: .users, format: .csv))
        #expect(try warehouse.rejects(importID: first.importID).map(\.raw) == [""])
        #expect(try warehouse.rejects(importID: second.importID).map(\.raw) == ["bob,never"])
    }

    @Test func statusListsWhereCustomerIdsAndRawTextSit() throws {
        let scratch = try Scratch()
        let warehouse = try scratch.warehouse()
        _ = try warehouse.importFile(try scratch.file("events.csv", Self.events), options: ImportOptions(kind: .events, format: .csv))
        _ = try warehouse.importFile(try scratch.file("u.csv", "user_id,signed_up_at\ncarol,yesterday\n"),
                                     options: ImportOptions(kind: .users, format: .csv))
        let status = try warehouse.privacyStatus()
        func rows(_ table: String, _ column: String) -> Int? {
            status.holdings.first { $0.table == table && $0.column == column }?.rows
        }
        #expect(rows("users", "external_id") == 2)
        #expect(rows("events", "external_id") == 3)
        #expect(rows("events", "properties") == 2)
        #expect(rows("events", "user_id") == 3)
        #expect(rows("import_rejects", "raw") == 1)
        #expect(rows("user_features", "user_id") == 0)
        #expect(status.erasures == 0)
        #expect(status.settings.keepRejectsDays == 30)
    }
}
