import Foundation

/// The instants an import accepts: from the start of `from` (inclusive) to the start of `to`
/// (exclusive), both UTC days. A row carrying an instant outside it is rejected with a reason,
/// so one absurd date (0001-01-01, 9999-12-31) cannot move cohorts or the default as-of.
public struct DateWindow: Sendable, Equatable {
    /// First accepted instant (Unix seconds, midnight UTC of the first day).
    public let from: Int64
    /// First instant past the window (midnight UTC of the day after the last accepted one).
    public let to: Int64

    public init(from: Int64, to: Int64) {
        self.from = from
        self.to = to
    }

    /// 1970-01-01 up to (not including) the UTC day one year after `now`'s.
    public static func standard(now: Date = Date()) -> DateWindow {
        let today = Int64(now.timeIntervalSince1970) / 86_400 * 86_400
        return DateWindow(from: 0, to: CalendarDate.advance(today, by: .month, count: 12))
    }

    /// Reads `FROM..TO` (UTC dates, `YYYY-MM-DD`; FROM inclusive, TO exclusive). An empty side
    /// keeps the standard window's bound. Nil when the text is not such a range or FROM >= TO.
    public init?(parsing text: String, now: Date = Date()) {
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2 else { return nil }
        let standard = DateWindow.standard(now: now)
        guard let from = parts[0].isEmpty ? standard.from : Self.day(parts[0]),
              let to = parts[1].isEmpty ? standard.to : Self.day(parts[1]), from < to else { return nil }
        self.init(from: from, to: to)
    }

    /// Midnight UTC of a `YYYY-MM-DD` date; nil for anything else.
    private static func day(_ text: String) -> Int64? {
        guard text.utf8.count == 10, case .civil(let civil)? = Array(text.utf8).withUnsafeBytes({ TimestampParser.parse($0) }),
              civil.hour == 0, civil.minute == 0, civil.second == 0 else { return nil }
        return civil.secondsIfUTC
    }

    /// Whether `instant` is inside the window.
    @inline(__always)
    public func contains(_ instant: Int64) -> Bool { instant >= from && instant < to }

    /// `FROM..TO` with the dates as `YYYY-MM-DD` (TO exclusive), as stored with an import.
    public var text: String { CalendarDate.day(from) + ".." + CalendarDate.day(to) }
}
