/// A value bound to or read from PostgreSQL, in the few shapes the warehouse stores.
public enum PGValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case bool(Bool)
    /// A `numeric`, as its exact decimal text.
    case numeric(String)
    case bytes([UInt8])
    /// A `text[]` (for `= ANY($1)` lookups of many keys in one statement).
    case textArray([String])
    /// A `bigint[]`.
    case integerArray([Int64])

    public var int64: Int64? {
        switch self {
        case let .integer(value): return value
        case let .bool(value): return value ? 1 : 0
        case let .numeric(text): return Int64(text)
        default: return nil
        }
    }

    public var double: Double? {
        switch self {
        case let .real(value): return value
        case let .integer(value): return Double(value)
        case let .numeric(text): return Double(text)
        default: return nil
        }
    }

    public var string: String? {
        switch self {
        case let .text(value), let .numeric(value): return value
        default: return nil
        }
    }

    public var bool: Bool? {
        if case let .bool(value) = self { return value }
        return nil
    }

    public var isNull: Bool { self == .null }

    public var description: String {
        switch self {
        case .null: return "NULL"
        case let .integer(value): return String(value)
        case let .real(value): return String(value)
        case let .text(value), let .numeric(value): return value
        case let .bool(value): return value ? "true" : "false"
        case let .bytes(value): return "<\(value.count) bytes>"
        case let .textArray(values): return "{\(values.count) texts}"
        case let .integerArray(values): return "{\(values.count) integers}"
        }
    }
}

extension PGValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByNilLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByFloatLiteral {
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
}

/// One result row: values by position and by column name.
public struct PGRow: Sendable {
    public let columns: [String]
    public let values: [PGValue]

    public init(columns: [String], values: [PGValue]) {
        self.columns = columns
        self.values = values
    }

    public subscript(index: Int) -> PGValue { values[index] }

    /// The value of the first column named `name`; `.null` when there is none.
    public subscript(name: String) -> PGValue {
        columns.firstIndex(of: name).map { values[$0] } ?? .null
    }
}
