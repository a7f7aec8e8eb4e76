import Foundation
import Testing
import Warehouse

/// The one rule every date option is read by: dates and wall-clock times in the reporting zone,
/// instants with Z or an offset as given.
@Suite struct DateOptionTests {
    private let london = TimeZone(identifier: "Europe/London")!

    @Test("a date is the start of its day in the zone; an instant with Z or an offset is the same everywhere")
    func dateAndInstant() throws {
        let date = try #require(DateOption("2011-06-01"))
        #expect(date.instant(in: .gmt) == 1_306_886_400)
        #expect(date.instant(in: london) == 1_306_886_400 - 3600)  // midnight BST is 23:00 UTC the day before
        #expect(date.day(in: london) == 1_306_886_400 / 86_400)
        let instant = try #require(DateOption("2011-06-01T13:30:00+01:00"))
        #expect(instant.instant(in: .gmt) == 1_306_931_400 && instant.instant(in: london) == 1_306_931_400)
        #expect(DateOption("2011-06-01T12:30:00Z")?.instant(in: london) == 1_306_931_400)
        #expect(DateOption("2011-06-01T13:30")?.instant(in: london) == 1_306_931_400)
        let day: Int64? = DateOption("2011-06-01T00:30")?.day(in: london)
        #expect(day == Int64(1_306_886_400 / 86_400))
    }

    @Test("clock changes: a time in the spring gap takes the offset after it, one in the autumn overlap the earlier instant")
    func clockChanges() throws {
        // 2011-03-27 01:00 GMT clocks went to 02:00 BST; 2011-10-30 02:00 BST back to 01:00 GMT.
        let gap: Int64? = DateOption("2011-03-27T01:30")?.instant(in: london)
        let overlap: Int64? = DateOption("2011-10-30T01:30")?.instant(in: london)
        #expect(gap == Int64(1_301_189_400 - 3600))
        #expect(overlap == Int64(1_319_938_200 - 3600))
        #expect(DateOption("2011-03-27")?.instant(in: london) == 1_301_184_000)
    }

    @Test("anything but ISO 8601 dates and times is refused")
    func refusals() {
        for text in ["2011-13-01", "2011-02-30", "12/1/2011", "20110601", "soon", "2011-06-01T25:00", "2011-06-01 junk"] {
            #expect(DateOption(text) == nil, "\(text)")
        }
    }
}
