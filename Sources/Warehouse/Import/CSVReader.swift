/// How a `CSVReader` splits a record into fields.
public enum FieldSplitting: Sendable, Equatable {
    /// RFC 4180: one delimiter byte between fields, `"` quoting, `""` for a quote inside quotes.
    case delimited(UInt8)
    /// Runs of spaces and tabs separate fields; leading and trailing blanks are ignored; no quoting.
    case whitespace
}

/// A streaming reader of delimited text records (RFC 4180 CSV, or whitespace-separated columns).
///
/// Handles a UTF-8 byte-order mark, LF and CRLF line ends, quoted fields with embedded
/// delimiters, quotes and line breaks. Records are read one at a time from a `ByteSource`
/// through a sliding buffer, so memory stays flat; the fields of the current record are views
/// into that buffer, valid until the next call to `next()`. Text decoding is the caller's
/// choice (`utf8String(at:)`, `latin1String(at:)`), so invalid UTF-8 is reported, not replaced.
public final class CSVReader {
    private let source: ByteSource
    private let splitting: FieldSplitting
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0          // first byte of the current record in `buffer`
    private var end = 0            // bytes of valid data in `buffer`
    private var sourceDone = false
    private var atFileStart = true
    private var nextLine = 1
    /// Unquoted copies of quoted fields live here; grown by hand so views stay valid until `next()`.
    private var scratch: UnsafeMutableRawBufferPointer
    private var scratchCount = 0
    /// Per field: offset and length; offsets >= 0 index `buffer` (relative to the record start),
    /// offsets < 0 index `scratch` at `-offset - 1`.
    private var fieldOffsets: [Int] = []
    private var fieldLengths: [Int] = []
    private var recordLength = 0

    /// 1-based line of the input where the current record starts.
    public private(set) var line = 0
    /// A malformed-quoting problem in the current record, if any (the fields are still split).
    public private(set) var malformation: String?

    public init(source: ByteSource, splitting: FieldSplitting = .delimited(UInt8(ascii: ",")), bufferSize: Int = 1 << 20) {
        self.source = source
        self.splitting = splitting
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
    }

    deinit {
        buffer.deallocate()
        scratch.deallocate()
    }

    /// The input's name, for messages.
    public var inputName: String { source.name }

    /// Number of fields in the current record.
    public var fieldCount: Int { fieldOffsets.count }

    /// The raw bytes of field `index` (quotes removed, `""` unescaped).
    @inline(__always)
    public func field(_ index: Int) -> UnsafeRawBufferPointer {
        let offset = fieldOffsets[index]
        let length = fieldLengths[index]
        if offset >= 0 {
            return UnsafeRawBufferPointer(rebasing: buffer[(start + offset)..<(start + offset + length)])
        }
        return UnsafeRawBufferPointer(rebasing: scratch[(-offset - 1)..<(-offset - 1 + length)])
    }

    /// Field `index` decoded as UTF-8, or nil when its bytes are not valid UTF-8.
    public func utf8String(at index: Int) -> String? {
        Self.utf8(field(index))
    }

    /// Bytes decoded as UTF-8, or nil when they are not valid UTF-8. ASCII (most fields) takes a
    /// fast path: the generic validating initialiser looks up type metadata on every call.
    static func utf8(_ bytes: UnsafeRawBufferPointer) -> String? {
        var ascii = true
        for byte in bytes where byte >= 0x80 {
            ascii = false
            break
        }
        return ascii ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self)
    }

    /// Field `index` decoded as ISO-8859-1 (every byte is a character; never fails).
    public func latin1String(at index: Int) -> String {
        Self.latin1(field(index))
    }

    /// Bytes decoded as ISO-8859-1.
    static func latin1(_ bytes: UnsafeRawBufferPointer) -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }

    /// The current record's text as it stands in the input, without its line end;
    /// invalid UTF-8 is shown as U+FFFD.
    public var rawText: String {
        var length = recordLength
        while length > 0, buffer[start + length - 1] == 0x0A || buffer[start + length - 1] == 0x0D { length -= 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[start..<(start + length)]), as: UTF8.self)
    }

    /// Whether the current record is an empty line (nothing before its line end).
    public var isBlankLine: Bool { fieldOffsets.count == 1 && fieldLengths[0] == 0 && fieldOffsets[0] >= 0 }

    /// Moves to the next record. Returns false at the end of the input.
    public func next() throws -> Bool {
        start += recordLength
        recordLength = 0
        fieldOffsets.removeAll(keepingCapacity: true)
        fieldLengths.removeAll(keepingCapacity: true)
        malformation = nil
        while true {
            if try parseRecord() { return true }
            // Need more data: slide the partial record to the front and read.
            if sourceDone {
                if start >= end { return false }
                // Last record without a final line end: parse it as complete.
                if try parseRecord(atEOF: true) { return true }
                return false
            }
            try fill()
        }
    }

    private func fill() throws {
        if start > 0 {
            let pending = end - start
            if pending > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: pending) }
            end = pending
            start = 0
        }
        if end == buffer.count {
            // One record larger than the buffer: grow it.
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
            bigger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end)
            buffer.deallocate()
            buffer = bigger
        }
        let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
        if count == 0 { sourceDone = true }
        end += count
        if atFileStart && end >= 3 || sourceDone {
            if atFileStart && end - start >= 3 && buffer[start] == 0xEF && buffer[start + 1] == 0xBB && buffer[start + 2] == 0xBF {
                start += 3
            }
            atFileStart = false
        }
    }

    private func appendScratch(_ byte: UInt8) {
        if scratchCount == scratch.count {
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: scratch.count * 2, alignment: 16)
            bigger.baseAddress!.copyMemory(from: scratch.baseAddress!, byteCount: scratchCount)
            scratch.deallocate()
            scratch = bigger
        }
        scratch[scratchCount] = byte
        scratchCount += 1
    }

    /// Tries to split one complete record starting at `start`. Returns false when the buffer
    /// ends before the record does (unless `atEOF`, where the end of data ends the record).
    private func parseRecord(atEOF: Bool = false) throws -> Bool {
        if atFileStart && !sourceDone { return false }
        fieldOffsets.removeAll(keepingCapacity: true)
        fieldLengths.removeAll(keepingCapacity: true)
        scratchCount = 0
        malformation = nil
        let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var position = start
        var newlines = 0
        switch splitting {
        case .whitespace:
            var lineEnd = position
            while lineEnd < end && base[lineEnd] != 0x0A { lineEnd += 1 }
            if lineEnd == end && !atEOF { return false }
            var contentEnd = lineEnd
            if contentEnd > position && base[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            var i = position
            while i < contentEnd {
                while i < contentEnd && (base[i] == 0x20 || base[i] == 0x09) { i += 1 }
                if i == contentEnd { break }
                let fieldStart = i
                while i < contentEnd && base[i] != 0x20 && base[i] != 0x09 { i += 1 }
                fieldOffsets.append(fieldStart - start)
                fieldLengths.append(i - fieldStart)
            }
            if fieldOffsets.isEmpty {
                fieldOffsets.append(0)
                fieldLengths.append(0)
            }
            recordLength = (lineEnd < end ? lineEnd + 1 : lineEnd) - start
            newlines = 1
        case .delimited(let delimiter):
            while true {
                var fieldEnd: Int
                if position < end && base[position] == 0x22 {
                    // Quoted field: its unescaped content goes to scratch.
                    let scratchStart = scratchCount
                    let openedOnLine = nextLine + newlines
                    var i = position + 1
                    var closed = false
                    while i < end {
                        let byte = base[i]
                        if byte == 0x22 {
                            if i + 1 == end && !atEOF { return false }
                            if i + 1 < end && base[i + 1] == 0x22 {
                                appendScratch(0x22)
                                i += 2
                                continue
                            }
                            closed = true
                            i += 1
                            break
                        }
                        if byte == 0x0A { newlines += 1 }
                        appendScratch(byte)
                        i += 1
                    }
                    if !closed {
                        if !atEOF { return false }
                        malformation = "unterminated quoted field (its quote opens on line \(openedOnLine))"
                    }
                    // After the closing quote come a delimiter or the line end; anything else is kept
                    // with the field (as the sqlite3 shell does) and reported.
                    fieldEnd = i
                    while fieldEnd < end && base[fieldEnd] != delimiter && base[fieldEnd] != 0x0A { fieldEnd += 1 }
                    if fieldEnd == end && !atEOF { return false }
                    var strayEnd = fieldEnd
                    if strayEnd > i && base[strayEnd - 1] == 0x0D && (strayEnd == end || base[strayEnd] == 0x0A) { strayEnd -= 1 }
                    if strayEnd > i {
                        if malformation == nil { malformation = "unexpected text after the closing quote of field \(fieldOffsets.count + 1)" }
                        for k in i..<strayEnd { appendScratch(base[k]) }
                    }
                    fieldOffsets.append(-scratchStart - 1)
                    fieldLengths.append(scratchCount - scratchStart)
                } else {
                    fieldEnd = position
                    while fieldEnd < end && base[fieldEnd] != delimiter && base[fieldEnd] != 0x0A { fieldEnd += 1 }
                    if fieldEnd == end && !atEOF { return false }
                    var length = fieldEnd - position
                    // CRLF: the CR belongs to the line end, not the field.
                    if length > 0 && base[fieldEnd - 1] == 0x0D && (fieldEnd == end || base[fieldEnd] == 0x0A) { length -= 1 }
                    fieldOffsets.append(position - start)
                    fieldLengths.append(length)
                }
                position = fieldEnd
                if position < end && base[position] == delimiter {
                    position += 1
                    if position == end && !atEOF { return false }
                    continue
                }
                if position < end {  // line feed
                    position += 1
                    newlines += 1
                }
                break
            }
            recordLength = position - start
            if newlines == 0 { newlines = 1 }
        }
        line = nextLine
        nextLine += newlines
        return true
    }
}
