import Foundation
import PostgresNIO

/// The result of a statement whose columns the caller does not know in advance (`lifecycle
/// query`): the columns as the server describes them — even when no row comes back — and every
/// value decoded by ``PGValueCoding/readable(_:)``.
public struct PGReadableResult: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        /// The name as the server returns it.
        public let name: String
        /// The type's SQL name (`bigint`, `timestamptz`, …), for messages.
        public let typeName: String
    }

    public let columns: [Column]
    public let rows: [[PGValue]]
}

extension PGConnection {
    /// Runs one statement with `$1`-style parameters and returns its columns and rows, each value
    /// read into one of ``PGValue``'s shapes by its type: integers (`smallint`, `integer`,
    /// `bigint`, `oid`), reals (`real`, `double precision`), `numeric` as its exact decimal text,
    /// `boolean`, `bytea` as bytes, text types, `uuid`, `json` and `jsonb` as text, `date` as
    /// `YYYY-MM-DD`, `timestamp` as `YYYY-MM-DDTHH:MM:SS[.ffffff]` and `timestamptz` the same in UTC
    /// with `Z` (ISO 8601), `void` (`SELECT pg_sleep(1)`) as NULL. A column of any other type (interval, arrays, geometric, …) is refused
    /// with its name and type and the cast that prints it (`::text`): results arrive in binary,
    /// and a guess at an unknown binary form would print wrong values.
    public func readableQuery(_ sql: String, _ parameters: [PGValue] = []) throws -> PGReadableResult {
        var bindings = PostgresBindings(capacity: parameters.count)
        for value in parameters { try PGValueCoding.bind(value, into: &bindings) }
        let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
        let connection = self.connection, logger = self.logger, redacted = location.redacted
        do {
            return try blocking {
                let sequence = try await connection.query(query, logger: logger)
                let columns = sequence.columns.map {
                    PGReadableResult.Column(name: $0.name, typeName: PGValueCoding.typeName($0.dataType))
                }
                var rows: [[PGValue]] = []
                for try await row in sequence {
                    rows.append(try row.map { try PGValueCoding.readable($0, location: redacted) })
                }
                return PGReadableResult(columns: columns, rows: rows)
            }
        } catch {
            throw PGErrorMapping.storeError(error, kind: .statement, location: location, sql: sql)
        }
    }
}

extension PGValueCoding {
    /// `interval`, `text[]`, or `type 16385` for a type postgres-nio does not name.
    static func typeName(_ type: PostgresDataType) -> String {
        type.knownSQLName?.lowercased() ?? "type \(type.rawValue)"
    }

    /// A cell of any supported type (``PGConnection/readableQuery(_:_:)``).
    static func readable(_ cell: PostgresCell, location: String) throws -> PGValue {
        guard var bytes = cell.bytes else { return .null }
        switch cell.dataType {
        case .void:
            return .null
        case .int2, .int4, .int8, .float4, .float8, .bool, .numeric, .bytea:
            return try value(cell)
        case .oid where cell.format == .binary:
            if let oid = bytes.readInteger(as: UInt32.self) { return .integer(Int64(oid)) }
        case .text, .varchar, .bpchar, .name, .char, .unknown, .json, .jsonb:
            return .text(try cell.decode(String.self))
        case .uuid:
            // Lower case, as PostgreSQL prints it.
            return .text(try cell.decode(String.self).lowercased())
        case .date where cell.format == .binary:
            guard let days = bytes.readInteger(as: Int32.self) else { break }
            if days == .max { return .text("infinity") }
            if days == .min { return .text("-infinity") }
            return .text(ISODate.day(Int64(days) + ISODate.postgresEpochDays))
        case .timestamp where cell.format == .binary, .timestamptz where cell.format == .binary:
            guard let micros = bytes.readInteger(as: Int64.self) else { break }
            if micros == .max { return .text("infinity") }
            if micros == .min { return .text("-infinity") }
            return .text(ISODate.instant(micros: micros, utc: cell.dataType == .timestamptz))
        default:
            if cell.format == .text { return .text(try cell.decode(String.self)) }
        }
        let type = typeName(cell.dataType)
        throw PostgresStoreError(kind: .client, location: location,
                                 message: "column \"\(cell.columnName)\" is of type \(type), which is not printed as it is; "
                                    + "cast it to text (\(cell.columnName)::text) or to a number")
    }
}

/// Calendar dates and instants from PostgreSQL's binary forms (days and microseconds since
/// 2000-01-01), in the proleptic Gregorian calendar.
enum ISODate {
    /// Days from 1970-01-01 to 2000-01-01.
    static let postgresEpochDays: Int64 = 10_957

    /// `YYYY-MM-DD` for days since 1970-01-01 (Howard Hinnant's civil_from_days).
    static func day(_ days: Int64) -> String {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        let year = y < 0 ? "-" + pad(-y, 4) : pad(y, 4)
        return "\(year)-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// `YYYY-MM-DDTHH:MM:SS`, a fraction when the microseconds are not zero (trailing zeros
    /// dropped), and `Z` when `utc`, for microseconds since 2000-01-01 00:00:00.
    static func instant(micros: Int64, utc: Bool) -> String {
        let perDay: Int64 = 86_400_000_000
        var days = micros / perDay
        var rest = micros % perDay
        if rest < 0 { rest += perDay; days -= 1 }
        let seconds = rest / 1_000_000, fraction = rest % 1_000_000
        var text = day(days + postgresEpochDays) + "T" + pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
        if fraction != 0 {
            var digits = pad(fraction, 6)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return utc ? text + "Z" : text
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

extension PGConnection {
    /// The statements of `text`, split as PostgreSQL's lexer would (semicolons outside literals
    /// and comments), without empty ones.
    public static func statements(in text: String) -> [String] { SQLScanner.statements(text) }

    /// The `:name` parameters of `text` in order of first use, each once (casts `::type` and
    /// text inside literals and comments are not parameters).
    public static func parameterNames(in text: String) -> [String] { SQLScanner.numberingNamedParameters(text).names }
}

extension PGConnection {
    /// `text` with each `:name` parameter replaced by `$n`, numbered as ``parameterNames(in:)`` lists them.
    public static func numberingNamedParameters(_ text: String) -> String { SQLScanner.numberingNamedParameters(text).sql }
}
