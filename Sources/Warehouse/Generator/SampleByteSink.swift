import Foundation

/// A file written through a fixed buffer (1 MiB by default), so the generator's memory does not
/// depend on how much it writes. Callers `reserve` room for a whole row, then append without
/// checks: a row is never longer than `SampleByteSink.maximumRow` bytes (the catalogue and the
/// writers keep to that).
///
/// Hot mutable state is marked `@exclusivity(unchecked)`: the generator is single-threaded and
/// never overlaps two accesses, and the dynamic checks cost a tenth of the run time.
final class SampleByteSink {
    /// The longest row any writer produces, with room to spare.
    static let maximumRow = 2_048

    let url: URL
    private let handle: FileHandle
    private let capacity: Int
    private let buffer: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var count = 0
    private var closed = false
    /// Rows written (each `endRow()`), header included.
    @exclusivity(unchecked) private(set) var rows = 0

    init(url: URL, capacity: Int = 1 << 20) throws {
        precondition(capacity >= 4 * SampleByteSink.maximumRow, "buffer too small")
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw SampleGeneratorError.cannotWrite(url, reason: "cannot create the file")
        }
        self.url = url
        self.handle = try FileHandle(forWritingTo: url)
        self.capacity = capacity
        self.buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    }

    deinit {
        buffer.deallocate()
        if !closed { try? handle.close() }
    }

    /// Makes room for one row.
    @inline(__always)
    func reserve() throws {
        if count > capacity - SampleByteSink.maximumRow { try flush() }
    }

    func flush() throws {
        guard count > 0 else { return }
        let data = Data(bytesNoCopy: buffer, count: count, deallocator: .none)
        do {
            try handle.write(contentsOf: data)
        } catch {
            throw SampleGeneratorError.cannotWrite(url, reason: "\(error)")
        }
        count = 0
    }

    func close() throws {
        try flush()
        closed = true
        do {
            try handle.close()
        } catch {
            throw SampleGeneratorError.cannotWrite(url, reason: "\(error)")
        }
    }

    @inline(__always)
    func endRow() {
        buffer[count] = 0x0A
        count &+= 1
        rows &+= 1
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        buffer[count] = byte
        count &+= 1
    }

    @inline(__always)
    func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    @inline(__always)
    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        (buffer + count).update(from: base, count: bytes.count)
        count &+= bytes.count
    }

    /// Appends `bytes[start ..< start + length]`.
    @inline(__always)
    func append(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, length: Int) {
        guard let base = bytes.baseAddress else { return }
        (buffer + count).update(from: base + start, count: length)
        count &+= length
    }

    /// A decimal integer, with a leading '-' when negative.
    @inline(__always)
    func appendInt(_ value: Int) {
        if value < 0 {
            append(0x2D)
            appendUnsigned(UInt64(value.magnitude), minimumDigits: 1)
        } else {
            appendUnsigned(UInt64(value), minimumDigits: 1)
        }
    }

    /// A non-negative decimal integer, zero-padded to at least `minimumDigits` digits.
    @inline(__always)
    func appendUnsigned(_ value: UInt64, minimumDigits: Int) {
        var digits = 1
        var probe = value
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        let width = max(digits, minimumDigits)
        var remaining = value
        var position = count + width - 1
        for _ in 0 ..< width {
            buffer[position] = 0x30 &+ UInt8(truncatingIfNeeded: remaining % 10)
            remaining /= 10
            position -= 1
        }
        count &+= width
    }

    /// Exactly two digits (00-99).
    @inline(__always)
    func appendTwoDigits(_ value: Int) {
        buffer[count] = 0x30 &+ UInt8(truncatingIfNeeded: value / 10)
        buffer[count &+ 1] = 0x30 &+ UInt8(truncatingIfNeeded: value % 10)
        count &+= 2
    }

    /// A non-negative amount in thousandths, written the way the Online Retail dump writes its
    /// prices: the shortest decimal with at least one fractional digit (`2.55`, `2.1`, `18.0`,
    /// `0.001`).
    @inline(__always)
    func appendShortMoney(mills: Int) {
        precondition(mills >= 0, "negative price")
        appendUnsigned(UInt64(mills / 1_000), minimumDigits: 1)
        append(0x2E)
        let fraction = mills % 1_000
        if fraction % 100 == 0 {
            append(0x30 &+ UInt8(fraction / 100))
        } else if fraction % 10 == 0 {
            appendTwoDigits(fraction / 10)
        } else {
            appendUnsigned(UInt64(fraction), minimumDigits: 3)
        }
    }

    /// A non-negative amount in thousandths with two decimals, three when the thousandths are
    /// not zero (`123.40`, `18.00`, `0.001`).
    @inline(__always)
    func appendMoney(mills: Int) {
        precondition(mills >= 0, "negative amount")
        appendUnsigned(UInt64(mills / 1_000), minimumDigits: 1)
        append(0x2E)
        let fraction = mills % 1_000
        if fraction % 10 == 0 {
            appendTwoDigits(fraction / 10)
        } else {
            appendUnsigned(UInt64(fraction), minimumDigits: 3)
        }
    }

    /// `YYYY-MM-DD HH:MM:SS`, a wall-clock time given as seconds since 1970-01-01 00:00 of that
    /// clock (the Online Retail `InvoiceDate` layout).
    @inline(__always)
    func appendWallClock(_ seconds: Int64) {
        appendDateTime(seconds, separator: 0x20)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, an instant given as Unix seconds.
    @inline(__always)
    func appendISO8601(_ seconds: Int64) {
        appendDateTime(seconds, separator: 0x54)
        append(0x5A)
    }

    @inline(__always)
    private func appendDateTime(_ seconds: Int64, separator: UInt8) {
        let days = Int(SampleCalendar.floorDivide(seconds, 86_400))
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = SampleCalendar.civil(fromDays: days)
        appendUnsigned(UInt64(max(0, year)), minimumDigits: 4)
        append(0x2D)
        appendTwoDigits(month)
        append(0x2D)
        appendTwoDigits(day)
        append(separator)
        appendTwoDigits(secondOfDay / 3_600)
        append(0x3A)
        appendTwoDigits(secondOfDay / 60 % 60)
        append(0x3A)
        appendTwoDigits(secondOfDay % 60)
    }
}
