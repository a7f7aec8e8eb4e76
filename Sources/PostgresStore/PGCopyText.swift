/// Rows for `COPY ... FROM STDIN` in PostgreSQL's text format, built in memory: fields separated
/// by tabs, rows ended by a newline, NULL written `\N`, and backslash, tab, newline and carriage
/// return escaped in text (https://www.postgresql.org/docs/15/sql-copy.html, "Text Format").
/// Values go as data, never as SQL, so nothing in them can change the statement.
public struct PGCopyText: Sendable {
    public private(set) var bytes: [UInt8] = []
    public private(set) var rows = 0
    private var atRowStart = true

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    public var isEmpty: Bool { rows == 0 }

    private mutating func separate() {
        if atRowStart { atRowStart = false } else { bytes.append(0x09) }
    }

    public mutating func null() {
        separate()
        bytes.append(0x5C)
        bytes.append(0x4E)
    }

    public mutating func integer(_ value: Int64?) {
        guard let value else { return null() }
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A double precision value, written as the shortest text that reads back as the same
    /// double (PostgreSQL 12 and later read it exactly); it must be finite.
    public mutating func real(_ value: Double?) {
        guard let value else { return null() }
        precondition(value.isFinite, "COPY of a non-finite double")
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func text(_ value: String?) {
        guard let value else { return null() }
        separate()
        for byte in value.utf8 {
            switch byte {
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x09: bytes.append(0x5C); bytes.append(0x74)
            case 0x0A: bytes.append(0x5C); bytes.append(0x6E)
            case 0x0D: bytes.append(0x5C); bytes.append(0x72)
            default: bytes.append(byte)
            }
        }
    }

    /// Ends the current row.
    public mutating func endRow() {
        bytes.append(0x0A)
        rows += 1
        atRowStart = true
    }

    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        rows = 0
        atRowStart = true
    }
}
