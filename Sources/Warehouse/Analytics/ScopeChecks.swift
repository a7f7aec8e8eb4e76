import Foundation
import SQLiteStore

/// Checks that refuse a question whose population cannot exist, so a typo is named instead of
/// answered with an empty result.
extension Warehouse {
    /// Refuses a `--country` no customer has, naming the stored countries nearest to it.
    func checkCountry(_ country: String?) throws {
        guard let country else { return }
        if try db.scalar("SELECT EXISTS (SELECT 1 FROM users WHERE country = ?)", country).int64 == 1 { return }
        let known = try db.query("SELECT DISTINCT country FROM users WHERE country IS NOT NULL").compactMap { $0[0].string }
        throw AnalyticsError.unknownCountry(country, nearest: NearestNames.closest(to: country, among: known))
    }

    /// Refuses a window that holds nothing before as-of: `--since` at or after `asOf`, or
    /// `--until` at or before `--since`. The same on every engine: it reads nothing stored.
    static func checkWindow(since: Int64?, until: Int64?, asOf: Int64, zone: TimeZone) throws {
        if let since, since >= asOf {
            throw AnalyticsError.invalidOption(option: "--since", reason: "must be before as-of (\(LocalText.instant(asOf, in: zone)))")
        }
        if let since, let until, until <= since {
            throw AnalyticsError.invalidOption(option: "--until", reason: "must be after --since")
        }
    }

    /// Refuses activity from events when the warehouse holds none (of `type`, when given).
    func checkEvents(type: String?) throws {
        if let type {
            if try db.scalar("SELECT EXISTS (SELECT 1 FROM events WHERE type = ?)", type).int64 == 1 { return }
        } else if try db.scalar("SELECT EXISTS (SELECT 1 FROM events)").int64 == 1 {
            return
        }
        let types = try db.query("SELECT DISTINCT type FROM events ORDER BY type").compactMap { $0[0].string }
        throw AnalyticsError.noEvents(type: type, types: types)
    }
}

/// The names closest to a mistyped one, by edit distance ignoring case.
enum NearestNames {
    /// Up to `count` of `names`, nearest first (ties in alphabetical order).
    static func closest(to text: String, among names: [String], count: Int = 3) -> [String] {
        let target = Array(text.lowercased())
        return names.map { (name: $0, distance: distance(target, Array($0.lowercased()))) }
            .sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }
            .prefix(count).map(\.name)
    }

    /// Levenshtein distance between two character arrays.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
