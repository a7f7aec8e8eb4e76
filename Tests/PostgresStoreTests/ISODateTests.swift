import Testing
@testable import PostgresStore

/// PostgreSQL's binary dates and timestamps (days and microseconds since 2000-01-01) as the ISO
/// 8601 text `lifecycle query` prints, checked against dates computed independently.
struct ISODateTests {
    @Test func daysSince1970AreCalendarDates() {
        #expect(ISODate.day(0) == "1970-01-01")
        #expect(ISODate.day(ISODate.postgresEpochDays) == "2000-01-01")
        #expect(ISODate.day(15_318) == "2011-12-10")
        #expect(ISODate.day(11_016) == "2000-02-29")
        #expect(ISODate.day(-1) == "1969-12-31")
        #expect(ISODate.day(-719_162) == "0001-01-01")
        #expect(ISODate.day(2_932_896) == "9999-12-31")
    }

    @Test func microsecondsSince2000AreInstantsWithAFractionOnlyWhenThereIsOne() {
        #expect(ISODate.instant(micros: 0, utc: true) == "2000-01-01T00:00:00Z")
        #expect(ISODate.instant(micros: 376_835_696_500_000, utc: true) == "2011-12-10T12:34:56.5Z")
        #expect(ISODate.instant(micros: -1, utc: false) == "1999-12-31T23:59:59.999999")
        #expect(ISODate.instant(micros: -86_400_000_000, utc: false) == "1999-12-31T00:00:00")
        #expect(ISODate.instant(micros: 1_000_000_123, utc: true) == "2000-01-01T00:16:40.000123Z")
        #expect(ISODate.instant(micros: 1_000_123_000, utc: true) == "2000-01-01T00:16:40.123Z")
    }
}
