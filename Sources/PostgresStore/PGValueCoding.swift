import Foundation
import PostgresNIO

/// Converts between ``PGValue`` and postgres-nio's bindings and cells.
enum PGValueCoding {
    static func bind(_ value: PGValue, into bindings: inout PostgresBindings) throws {
        switch value {
        case .null: bindings.appendNull()
        case let .integer(number): bindings.append(number)
        case let .real(number): bindings.append(number)
        case let .text(text): bindings.append(text)
        case let .bool(flag): bindings.append(flag)
        case let .numeric(text):
            guard let decimal = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
                throw PostgresStoreError(kind: .client, location: "", message: "'\(text)' is not a decimal number")
            }
            try bindings.append(decimal)
        case let .bytes(bytes): bindings.append(ByteBuffer(bytes: bytes))
        case let .textArray(values): bindings.append(values)
        case let .integerArray(values): bindings.append(values)
        }
    }

    static func row(_ row: PostgresRow) throws -> PGRow {
        var columns: [String] = []
        var values: [PGValue] = []
        for cell in row {
            columns.append(cell.columnName)
            values.append(try value(cell))
        }
        return PGRow(columns: columns, values: values)
    }

    static func value(_ cell: PostgresCell) throws -> PGValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .bool: return .bool(try cell.decode(Bool.self))
        case .numeric: return .numeric("\(try cell.decode(Decimal.self))")
        case .bytea: return .bytes(Array(try cell.decode(ByteBuffer.self).readableBytesView))
        // Text types; other types arrive in their binary form, so queries cast them (`::text`).
        default: return .text(try cell.decode(String.self))
        }
    }
}
