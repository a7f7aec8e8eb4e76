import Foundation
import SQLiteStore

/// Segment names for the 25 (R, F) score pairs. The standard grid ships in `rfm_segment_map`;
/// a map file replaces it for one question.
///
/// File format (CSV with a header): `segment,cells`, one row per segment in display order, the
/// cells as RF digit pairs separated by spaces or slashes, e.g.
///
///     segment,cells
///     Champions,54/55
///     Hibernating,11 12 21 22
///
/// Every pair 11...55 must appear exactly once.
public struct RFMSegmentMap: Sendable, Equatable {
    /// One (R, F) pair and its segment.
    public struct Cell: Sendable, Equatable {
        public let r: Int, f: Int
        public let segment: String
        /// Display order of the segment (1 = first).
        public let position: Int

        /// One row of `gridQuery`.
        init(row: some QueryRow) {
            self.init(r: Int(row.int("r")), f: Int(row.int("f")), segment: row.text("segment"), position: Int(row.int("position")))
        }

        init(r: Int, f: Int, segment: String, position: Int) {
            self.r = r
            self.f = f
            self.segment = segment
            self.position = position
        }
    }

    /// The stored grid's cells in display order: one query text for both engines.
    static let gridQuery = "SELECT r, f, segment, position FROM rfm_segment_map ORDER BY position, r DESC, f DESC"

    public let cells: [Cell]
    /// Where the map came from (a file path, or "standard").
    public let source: String

    /// Reads a map file's text.
    public init(csv text: String, file: String) throws {
        var cells: [Cell] = []
        var positions: [String: Int] = [:]
        let lines = text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        guard let header = lines.first, header.lowercased().replacingOccurrences(of: " ", with: "").hasPrefix("segment,cells") else {
            throw AnalyticsError.invalidSegmentMap(file: file, reason: "the first line must be the header 'segment,cells'")
        }
        for (index, line) in lines.dropFirst().enumerated() {
            let lineNumber = index + 2
            guard let comma = line.lastIndex(of: ",") else {
                throw AnalyticsError.invalidSegmentMap(file: file, reason: "line \(lineNumber): expected 'segment,cells'")
            }
            var name = line[..<comma].trimmingCharacters(in: .whitespaces)
            if name.hasPrefix("\"") && name.hasSuffix("\"") && name.count >= 2 {
                name = String(name.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
            }
            guard !name.isEmpty else { throw AnalyticsError.invalidSegmentMap(file: file, reason: "line \(lineNumber): empty segment name") }
            let position = positions[name] ?? positions.count + 1
            positions[name] = position
            let pairs = line[line.index(after: comma)...].split(whereSeparator: { $0 == " " || $0 == "/" || $0 == ";" })
            guard !pairs.isEmpty else { throw AnalyticsError.invalidSegmentMap(file: file, reason: "line \(lineNumber): no cells for \(name)") }
            for pair in pairs {
                let digits = pair.compactMap(\.wholeNumberValue)
                guard pair.count == 2, digits.count == 2, (1...5).contains(digits[0]), (1...5).contains(digits[1]) else {
                    throw AnalyticsError.invalidSegmentMap(file: file, reason: "line \(lineNumber): '\(pair)' is not an RF pair like 45")
                }
                if let earlier = cells.first(where: { $0.r == digits[0] && $0.f == digits[1] }) {
                    throw AnalyticsError.invalidSegmentMap(file: file, reason: "line \(lineNumber): \(pair) is already \(earlier.segment)")
                }
                cells.append(Cell(r: digits[0], f: digits[1], segment: name, position: position))
            }
        }
        let missing = (1...5).flatMap { r in (1...5).map { (r, $0) } }
            .filter { pair in !cells.contains { $0.r == pair.0 && $0.f == pair.1 } }
            .map { "\($0.0)\($0.1)" }
        guard missing.isEmpty else {
            throw AnalyticsError.invalidSegmentMap(file: file, reason: "no segment for \(missing.joined(separator: ", ")) (all 25 RF pairs are needed)")
        }
        self.cells = cells
        self.source = file
    }

    init(cells: [Cell], source: String) {
        self.cells = cells
        self.source = source
    }

    /// The segment of an (R, F) pair.
    public func segment(r: Int, f: Int) -> String? { cells.first { $0.r == r && $0.f == f }?.segment }

    /// The map as JSON text, {"55": "Champions", ...}, for snapshots.
    var json: String {
        let object = Dictionary(uniqueKeysWithValues: cells.map { ("\($0.r)\($0.f)", $0.segment) })
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

extension Warehouse {
    /// The segment map in force on this connection (a TEMP override, else the stored grid).
    public func segmentMap() throws -> RFMSegmentMap {
        let cells = try db.query(RFMSegmentMap.gridQuery).map(RFMSegmentMap.Cell.init(row:))
        let temporary = try db.scalar("SELECT count(*) FROM temp.sqlite_schema WHERE name = 'rfm_segment_map'").int64 ?? 0
        return RFMSegmentMap(cells: cells, source: temporary > 0 ? "override" : "standard")
    }

    /// Puts `map` in force on this connection (a TEMP table shadowing `rfm_segment_map`), or
    /// the stored grid again when `nil`.
    func useSegmentMap(_ map: RFMSegmentMap?) throws {
        try db.execute("DROP TABLE IF EXISTS temp.rfm_segment_map")
        guard let map else { return }
        try db.execute("""
            CREATE TEMP TABLE rfm_segment_map (r INTEGER NOT NULL, f INTEGER NOT NULL, segment TEXT NOT NULL,
                position INTEGER NOT NULL, PRIMARY KEY (r, f)) STRICT, WITHOUT ROWID
            """)
        for cell in map.cells {
            try db.run("INSERT INTO temp.rfm_segment_map (r, f, segment, position) VALUES (?, ?, ?, ?)", cell.r, cell.f, cell.segment, cell.position)
        }
    }
}
