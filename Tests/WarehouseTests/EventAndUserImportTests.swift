import Foundation
import Testing
@testable import Warehouse

@Suite struct EventAndUserImportTests {
    let events = """
        event_id,user_id,occurred_at,type,product_id,value,properties
        e1,10001,2011-01-03T10:00:00Z,view,85123A,,"{""session"":""s1"",""device"":""mobile""}"
        e2,10001,2011-01-03T10:02:00Z,add_to_cart,85123A,,"{""session"":""s1""}"
        e3,10001,2011-01-03T10:05:00Z,purchase,85123A,15.30,
        e4,10001,2011-01-09T18:00:00Z,review,85123A,5,"{""score"":5}"
        e5,,2011-01-04T08:00:00Z,view,22222,,
        e6,10002,2011-01-04T08:00:00Z,view,22222,,{not json}
        e7,10002,,view,22222,,

        """

    @Test func eventsLoadWithUsersProductsValuesAndProperties() throws {
        let scratch = try Scratch()
        let file = try scratch.file("events.csv", events)
        let warehouse = try scratch.warehouse()
        let options = ImportOptions(kind: .events, format: .csv)
        let summary = try warehouse.importFile(file, options: options)
        #expect(summary.counts.read == 7)
        #expect(summary.counts.loaded == 5)
        #expect(summary.counts.rejected == 2)
        let reasons = try warehouse.rejects(importID: summary.importID).map(\.reason)
        #expect(reasons == ["properties is not a JSON object", "occurred_at '' is not a date and time this importer reads"])
        #expect(try warehouse.count("SELECT count(*) FROM events WHERE user_id IS NULL") == 1)
        #expect(try warehouse.db.scalar("SELECT value FROM events_v WHERE event_ref = 'e4'").string == "5.00")
        #expect(try warehouse.db.scalar("SELECT json_extract(properties, '$.device') FROM events WHERE external_id = 'e1'").string == "mobile")
        // Users and products named by events exist.
        #expect(try warehouse.count("SELECT count(*) FROM users") == 1)  // 10002 only appears on rejected rows
        #expect(try warehouse.count("SELECT count(*) FROM products") == 2)
        let again = try warehouse.importFile(file, options: options)
        #expect(again.counts.duplicate == 5)
        #expect(again.counts.loaded == 0)
    }

    @Test func eventsWithoutIdsAreKeyedByContent() throws {
        let scratch = try Scratch()
        let file = try scratch.file("e.csv", "user,timestamp,event_type\nu1,2024-01-01 10:00,view\nu1,2024-01-01 10:01,view\n")
        let warehouse = try scratch.warehouse()
        let options = ImportOptions(kind: .events, format: .csv, timeZone: utc)
        #expect(try warehouse.importFile(file, options: options).counts.loaded == 2)
        #expect(try warehouse.importFile(file, options: options).counts.duplicate == 2)
    }

    @Test func usersUpsertAndUnchangedRowsAreDuplicates() throws {
        let scratch = try Scratch()
        let first = try scratch.file("u1.csv", "user_id,signed_up_at,country\n10001,2010-11-28T14:03:00Z,United Kingdom\n10002,,France\n")
        let second = try scratch.file("u2.csv", "user_id,signed_up_at,country\n10001,2010-11-28T14:03:00Z,United Kingdom\n10002,2010-12-01T00:00:00Z,France\n,,\n")
        let warehouse = try scratch.warehouse()
        let options = ImportOptions(kind: .users, format: .csv)
        #expect(try warehouse.importFile(first, options: options).counts.loaded == 2)
        let update = try warehouse.importFile(second, options: options)
        #expect(update.counts.duplicate == 1)
        #expect(update.counts.loaded == 1)
        #expect(update.counts.rejected == 1)
        #expect(try warehouse.db.scalar("SELECT signed_up_at FROM users WHERE external_id = '10002'").int64 == 1_291_161_600)
    }
}
