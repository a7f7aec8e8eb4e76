/// A timestamp as read from a source: a wall-clock time that still needs a zone, or an
/// instant when the text carried its own offset (`Z`, `+01:00`).
public enum SourceTime: Sendable, Equatable {
    case civil(CivilTime)
    case instant(Int64)
}

/// Order of day and month in slashed dates (`12/1/2010`).
public enum DateOrder: String, Sendable, CaseIterable {
    case monthFirst = "mdy", dayFirst = "dmy"
}

/// Parses the timestamp layouts seen in order dumps and event logs:
/// `YYYY-MM-DD[ T]HH:MM[:SS[.fff]][Z|±HH[:]MM]`, `YYYY-MM-DD`, `YYYYMMDD`, and
/// `M/D/YYYY[ H:MM[:SS]]` (or `D/M/YYYY` with `.dayFirst`).
public enum TimestampParser {
    public static func parse(_ bytes: UnsafeRawBufferPointer, dateOrder: DateOrder = .monthFirst) -> SourceTime? {
        var cursor = Cursor(bytes: bytes)
        cursor.skipBlanks()
        guard let first = cursor.number(maxDigits: 8) else { return nil }
        var civil: CivilTime
        if first.digits == 8 && cursor.atEnd {
            civil = CivilTime(year: first.value / 10_000, month: first.value / 100 % 100, day: first.value % 100)
            return civil.isValid ? .civil(civil) : nil
        }
        if first.digits == 4 && cursor.take(UInt8(ascii: "-")) {
            guard let month = cursor.number(maxDigits: 2), cursor.take(UInt8(ascii: "-")),
                  let day = cursor.number(maxDigits: 2) else { return nil }
            civil = CivilTime(year: first.value, month: month.value, day: day.value)
        } else if first.digits <= 2 && cursor.take(UInt8(ascii: "/")) {
            guard let second = cursor.number(maxDigits: 2), cursor.take(UInt8(ascii: "/")),
                  let year = cursor.number(maxDigits: 4), year.digits == 4 else { return nil }
            let (month, day) = dateOrder == .monthFirst ? (first.value, second.value) : (second.value, first.value)
            civil = CivilTime(year: year.value, month: month, day: day)
        } else {
            return nil
        }
        if !cursor.atEnd {
            guard cursor.take(UInt8(ascii: "T")) || cursor.take(UInt8(ascii: " ")) else { return nil }
            cursor.skipBlanks()
            guard let hour = cursor.number(maxDigits: 2), cursor.take(UInt8(ascii: ":")),
                  let minute = cursor.number(maxDigits: 2), minute.digits == 2 else { return nil }
            civil.hour = hour.value
            civil.minute = minute.value
            if cursor.take(UInt8(ascii: ":")) {
                guard let second = cursor.number(maxDigits: 2), second.digits == 2 else { return nil }
                civil.second = second.value
                if cursor.take(UInt8(ascii: ".")) {
                    // Fractions of a second are truncated toward the earlier second; they carry no order meaning here.
                    guard cursor.number(maxDigits: 9) != nil else { return nil }
                }
            }
        }
        guard civil.isValid else { return nil }
        cursor.skipBlanks()
        if cursor.atEnd { return .civil(civil) }
        if cursor.take(UInt8(ascii: "Z")) || cursor.take(UInt8(ascii: "z")) {
            cursor.skipBlanks()
            return cursor.atEnd ? .instant(civil.secondsIfUTC) : nil
        }
        let sign: Int
        if cursor.take(UInt8(ascii: "+")) { sign = 1 } else if cursor.take(UInt8(ascii: "-")) { sign = -1 } else { return nil }
        guard let hours = cursor.number(maxDigits: 2), hours.digits == 2 else { return nil }
        _ = cursor.take(UInt8(ascii: ":"))
        let minutes = cursor.number(maxDigits: 2)?.value ?? 0
        cursor.skipBlanks()
        guard cursor.atEnd, hours.value <= 14, minutes < 60 else { return nil }
        return .instant(civil.secondsIfUTC - Int64(sign * (hours.value * 3600 + minutes * 60)))
    }

    private struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var index = 0
        var atEnd: Bool { index >= bytes.count }
        mutating func skipBlanks() { while index < bytes.count && bytes[index] == 0x20 { index += 1 } }
        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        mutating func number(maxDigits: Int) -> (value: Int, digits: Int)? {
            var value = 0
            var digits = 0
            while index < bytes.count, digits < maxDigits, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                value = value * 10 + Int(bytes[index] - 0x30)
                digits += 1
                index += 1
            }
            return digits == 0 ? nil : (value, digits)
        }
    }
}
