import Foundation
import Testing
@testable import Warehouse

func micros(_ text: String) -> Result<Int64, ExactDecimal.Failure> {
    Array(text.utf8).withUnsafeBytes { ExactDecimal.micros($0) }
}

func parseTime(_ text: String, _ order: DateOrder = .monthFirst) -> SourceTime? {
    Array(text.utf8).withUnsafeBytes { TimestampParser.parse($0, dateOrder: order) }
}

@Suite struct ParsingTests {
    @Test func decimalsAreExact() {
        #expect(micros("2.55") == .success(2_550_000))
        #expect(micros("-11062.06") == .success(-11_062_060_000))
        #expect(micros("0.001") == .success(1_000))
        #expect(micros(" 12 ") == .success(12_000_000))
        #expect(micros("1.2300000") == .success(1_230_000))  // extra zeros lose nothing
        #expect(micros("1.0000001") == .failure(.tooManyDecimals))  // would be rounded: refused
        #expect(micros("1e3") == .failure(.notANumber))
        #expect(micros("") == .failure(.empty))
        #expect(micros("99999999999999999999") == .failure(.outOfRange))
        #expect(ExactDecimal.format(-11_062_060_000) == "-11062.06")
        #expect(ExactDecimal.format(1_000) == "0.001")
    }

    @Test func timestampLayouts() {
        #expect(parseTime("2010-12-01 08:26:00") == .civil(CivilTime(year: 2010, month: 12, day: 1, hour: 8, minute: 26)))
        #expect(parseTime("12/1/2010 8:26") == .civil(CivilTime(year: 2010, month: 12, day: 1, hour: 8, minute: 26)))
        #expect(parseTime("1/12/2010 8:26", .dayFirst) == .civil(CivilTime(year: 2010, month: 12, day: 1, hour: 8, minute: 26)))
        #expect(parseTime("19970101") == .civil(CivilTime(year: 1997, month: 1, day: 1)))
        #expect(parseTime("2011-03-04T10:15:00Z") == .instant(1_299_233_700))
        #expect(parseTime("2011-03-04T11:15:00+01:00") == .instant(1_299_233_700))
        #expect(parseTime("2011-02-30 10:00") == nil)
        #expect(parseTime("yesterday") == nil)
    }

    @Test func londonWallClockToUTCAcrossDaylightSaving() throws {
        let zone = ZoneConverter(zone: london)
        // Winter: GMT = UTC.
        #expect(try zone.instant(of: CivilTime(year: 2010, month: 12, day: 1, hour: 8, minute: 26)) == 1_291_191_960)
        // Summer: BST = UTC+1, so 10:00 local is 09:00 UTC.
        #expect(try zone.instant(of: CivilTime(year: 2011, month: 6, day: 1, hour: 10)) == CivilTime(year: 2011, month: 6, day: 1, hour: 9).secondsIfUTC)
        // 2011-03-27 01:30 does not exist in London.
        #expect(throws: ZoneConverter.Nonexistent.self) { try zone.instant(of: CivilTime(year: 2011, month: 3, day: 27, hour: 1, minute: 30)) }
        // 2011-10-30 01:30 happens twice: the earlier (BST) instant is taken.
        #expect(try zone.instant(of: CivilTime(year: 2011, month: 10, day: 30, hour: 1, minute: 30)) == CivilTime(year: 2011, month: 10, day: 30, hour: 0, minute: 30).secondsIfUTC)
    }
}
