import Foundation

/// A wall-clock date and time with no zone, as written in a source file.
public struct CivilTime: Sendable, Equatable {
    public var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year; self.month = month; self.day = day
        self.hour = hour; self.minute = minute; self.second = second
    }

    /// Whether the fields name a real calendar date and time of day.
    public var isValid: Bool {
        guard (1...12).contains(month), (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second),
              (1...9999).contains(year) else { return false }
        return (1...CivilTime.daysIn(month: month, year: year)).contains(day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of the date (proleptic Gregorian; H. Hinnant's algorithm).
    public var daysSinceEpoch: Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Seconds since the epoch if this wall-clock time were UTC.
    public var secondsIfUTC: Int64 {
        daysSinceEpoch * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }
}

/// Converts wall-clock times of one time zone to UTC instants, caching the offset per quarter
/// hour. A time that does not exist (the spring-forward gap) is refused; a time that exists
/// twice (the autumn fall-back hour) resolves to the earlier instant, as documented in FORMATS.md.
public final class ZoneConverter {
    public let zone: TimeZone
    private var cache: [Int64: Int64] = [:]
    private static let gap = Int64.min

    public init(zone: TimeZone) { self.zone = zone }

    /// Why a wall-clock time has no instant.
    public struct Nonexistent: Error {}

    /// The UTC instant (Unix seconds) of `civil` read in this zone.
    public func instant(of civil: CivilTime) throws -> Int64 {
        let naive = civil.secondsIfUTC
        let bucket = naive >= 0 ? naive / 900 : (naive - 899) / 900
        let offset: Int64
        if let cached = cache[bucket] {
            offset = cached
        } else {
            offset = resolveOffset(naive: bucket * 900)
            if cache.count > 200_000 { cache.removeAll(keepingCapacity: true) }
            cache[bucket] = offset
        }
        guard offset != Self.gap else { throw Nonexistent() }
        return naive - offset
    }

    private func offsetAt(_ instant: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))))
    }

    private func resolveOffset(naive: Int64) -> Int64 {
        let candidates = Set([offsetAt(naive - 86_400), offsetAt(naive), offsetAt(naive + 86_400)])
        let valid = candidates.filter { offsetAt(naive - $0) == $0 }
        // Earliest instant = largest offset.
        return valid.max() ?? Self.gap
    }
}
