import Foundation

/// How a `CSVReader` splits a record into fields.
public enum FieldSplitting: Sendable, Equatable {
    /// RFC 4180: one delimiter byte between fields, `"` quoting, `""` for a quote inside quotes.
    case delimited(UInt8)
    /// Runs of spaces and tabs separate fields; leading and trailing blanks are ignored; no quoting.
    case whitespace
}

/// How far one malformed record may reach before the reader gives up on it.
public struct CSVLimits: Sendable {
    /// A quoted field that crosses more line breaks than this is taken for a stray quote.
    public var quotedLineBreaks: Int
    /// A quoted field that crosses a line break and runs longer than this (bytes) is taken for a stray quote.
    public var quotedBytes: Int
    /// A record longer than this (bytes) is rejected and skipped up to its line end.
    public var recordBytes: Int
    /// The raw text kept of a record (`rawText`): its first bytes, then a note of its full length.
    public var rawBytes: Int

    public init(quotedLineBreaks: Int = 1_000, quotedBytes: Int = 1 << 20, recordBytes: Int = 4 << 20, rawBytes: Int = 64 << 10) {
        self.quotedLineBreaks = quotedLineBreaks
        self.quotedBytes = quotedBytes
        self.recordBytes = recordBytes
        self.rawBytes = rawBytes
    }
}

/// A streaming reader of delimited text records (RFC 4180 CSV, or whitespace-separated columns).
///
/// Handles a UTF-8 byte-order mark, LF, CRLF and CR-only line ends (mixed too), quoted fields
/// with embedded delimiters, quotes and line breaks. Records are read one at a time from a
/// `ByteSource` through a sliding buffer, so memory stays flat; the fields of the current record
/// are views into that buffer, valid until the next call to `next()`. Text decoding is the
/// caller's choice (`utf8String(at:)`, `latin1String(at:)`), so invalid UTF-8 is reported, not
/// replaced. A record that cannot be a row (`rejection`: a NUL byte, a stray quote, a record
/// over `CSVLimits.recordBytes`) is still returned, so the caller can count and store it; a
/// stray quote's record ends at the end of the line where the quote opened, and the lines after
/// it are read again as records.
public final class CSVReader {
    private let source: ByteSource
    private let splitting: FieldSplitting
    private let limits: CSVLimits
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
    /// Text after a closing quote in the current record, if any (kept with the field; not a rejection).
    public private(set) var malformation: String?
    /// Why the current record cannot be a row (NUL byte, unterminated quote, too long); its
    /// fields are then not to be read.
    public private(set) var rejection: String?
    /// The full length of a record skipped for being too long (only its first bytes are kept).
    private var recordTotalBytes: Int?
    /// The number of fields a record should have (the header's), once known: a quoted field
    /// that crosses a line break and leaves its record with another count is taken for a stray quote.
    public var expectedFieldCount: Int?

    public init(source: ByteSource, splitting: FieldSplitting = .delimited(UInt8(ascii: ",")), bufferSize: Int = 1 << 20,
                limits: CSVLimits = CSVLimits()) {
        self.source = source
        self.splitting = splitting
        self.limits = limits
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

    /// The current record's text as it stands in the input, without its line end; invalid UTF-8
    /// is shown as U+FFFD. A record longer than `CSVLimits.rawBytes` is cut there, followed by
    /// `… (N bytes in all)`.
    public var rawText: String {
        var length = recordLength
        while length > 0, buffer[start + length - 1] == 0x0A || buffer[start + length - 1] == 0x0D { length -= 1 }
        let total = recordTotalBytes ?? length
        let kept = min(length, limits.rawBytes)
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: buffer[start..<(start + kept)]), as: UTF8.self)
        return total > kept ? text + "… (\(total) bytes in all)" : text
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
        rejection = nil
        recordTotalBytes = nil
        while true {
            if try parseRecord() { return true }
            // Need more data: slide the partial record to the front and read.
            if sourceDone {
                if start >= end { return false }
                // Last record without a final line end: parse it as complete.
                if try parseRecord(atEOF: true) { return true }
                return false
            }
            if end - start >= limits.recordBytes {
                try skipOverlongRecord()
                return true
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

    /// Length of the line end at `index` (LF, CR or CRLF); nil when a CR is the last byte read so
    /// far and the next byte, which decides between CR and CRLF, is still to come.
    @inline(__always)
    private func lineEndLength(_ base: UnsafeMutablePointer<UInt8>, _ index: Int, atEOF: Bool) -> Int? {
        if base[index] == 0x0A { return 1 }
        if index + 1 < end { return base[index + 1] == 0x0A ? 2 : 1 }
        return atEOF || sourceDone ? 1 : nil
    }

    /// Where a quoted field first crossed a line break: the line its quote opened on, the offset
    /// just after that line's end, and the line breaks of the record up to there.
    private struct Crossing {
        let openedOnLine: Int
        let resumeAt: Int
        let newlines: Int
    }

    /// Tries to split one complete record starting at `start`. Returns false when the buffer
    /// ends before the record does (unless `atEOF`, where the end of data ends the record).
    private func parseRecord(atEOF: Bool = false) throws -> Bool {
        if atFileStart && !sourceDone { return false }
        fieldOffsets.removeAll(keepingCapacity: true)
        fieldLengths.removeAll(keepingCapacity: true)
        scratchCount = 0
        malformation = nil
        rejection = nil
        recordTotalBytes = nil
        let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var position = start
        var newlines = 0
        switch splitting {
        case .whitespace:
            var lineEnd = position
            while lineEnd < end && base[lineEnd] != 0x0A && base[lineEnd] != 0x0D { lineEnd += 1 }
            if lineEnd == end && !atEOF { return false }
            var i = position
            while i < lineEnd {
                while i < lineEnd && (base[i] == 0x20 || base[i] == 0x09) { i += 1 }
                if i == lineEnd { break }
                let fieldStart = i
                while i < lineEnd && base[i] != 0x20 && base[i] != 0x09 { i += 1 }
                fieldOffsets.append(fieldStart - start)
                fieldLengths.append(i - fieldStart)
            }
            if fieldOffsets.isEmpty {
                fieldOffsets.append(0)
                fieldLengths.append(0)
            }
            if lineEnd < end {
                guard let length = lineEndLength(base, lineEnd, atEOF: atEOF) else { return false }
                recordLength = lineEnd + length - start
            } else {
                recordLength = lineEnd - start
            }
            newlines = 1
        case .delimited(let delimiter):
            var crossing: Crossing?
            var strayText = false
            var unterminatedOnLine: Int?
            while true {
                var fieldEnd: Int
                if position < end && base[position] == 0x22 {
                    // Quoted field: its unescaped content goes to scratch.
                    let scratchStart = scratchCount
                    let openedOnLine = nextLine + newlines
                    var breaks = 0
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
                        if byte == 0x0A || byte == 0x0D {
                            guard let length = lineEndLength(base, i, atEOF: atEOF) else { return false }
                            newlines += 1
                            breaks += 1
                            if crossing == nil { crossing = Crossing(openedOnLine: openedOnLine, resumeAt: i + length, newlines: newlines) }
                            for k in i..<(i + length) { appendScratch(base[k]) }
                            i += length
                            if breaks > limits.quotedLineBreaks, let crossing { return brokenQuote(crossing) }
                            continue
                        }
                        appendScratch(byte)
                        i += 1
                    }
                    if !closed {
                        if !atEOF {
                            // Still open: give up on it once it runs too far, or wait for more data.
                            if let crossing, end - position > limits.quotedBytes { return brokenQuote(crossing) }
                            return false
                        }
                        if let crossing { return brokenQuote(crossing) }
                        unterminatedOnLine = openedOnLine
                    }
                    // After the closing quote come a delimiter or the line end; anything else is kept
                    // with the field (as the sqlite3 shell does) and reported.
                    fieldEnd = i
                    while fieldEnd < end && base[fieldEnd] != delimiter && base[fieldEnd] != 0x0A && base[fieldEnd] != 0x0D { fieldEnd += 1 }
                    if fieldEnd == end && !atEOF { return false }
                    if fieldEnd > i {
                        strayText = true
                        if malformation == nil { malformation = "unexpected text after the closing quote of field \(fieldOffsets.count + 1)" }
                        for k in i..<fieldEnd { appendScratch(base[k]) }
                    }
                    fieldOffsets.append(-scratchStart - 1)
                    fieldLengths.append(scratchCount - scratchStart)
                } else {
                    fieldEnd = position
                    while fieldEnd < end {
                        let byte = base[fieldEnd]
                        if byte == delimiter || byte == 0x0A || byte == 0x0D { break }
                        fieldEnd += 1
                    }
                    if fieldEnd == end && !atEOF { return false }
                    fieldOffsets.append(position - start)
                    fieldLengths.append(fieldEnd - position)
                }
                position = fieldEnd
                if position < end && base[position] == delimiter {
                    position += 1
                    if position == end && !atEOF { return false }
                    continue
                }
                if position < end {  // line end
                    guard let length = lineEndLength(base, position, atEOF: atEOF) else { return false }
                    position += length
                    newlines += 1
                }
                break
            }
            // A quote that ran over a line break and left its record malformed was most likely a
            // stray one: only the lines up to its opening line are the broken record.
            if let crossing, strayText || (expectedFieldCount.map { $0 != fieldOffsets.count } ?? false) {
                return brokenQuote(crossing)
            }
            if let unterminatedOnLine { rejection = "unterminated quote opened at line \(unterminatedOnLine)" }
            recordLength = position - start
            if newlines == 0 { newlines = 1 }
        }
        if rejection == nil, memchr(base + start, 0, recordLength) != nil { rejection = nulReason() }
        line = nextLine
        nextLine += newlines
        return true
    }

    /// Makes the current record the lines from its start to the end of the line where a broken
    /// quote opened; the next record starts on the line after, so the rows it swallowed are read again.
    private func brokenQuote(_ crossing: Crossing) -> Bool {
        fieldOffsets.removeAll(keepingCapacity: true)
        fieldLengths.removeAll(keepingCapacity: true)
        scratchCount = 0
        malformation = nil
        rejection = "unterminated quote opened at line \(crossing.openedOnLine)"
        recordLength = crossing.resumeAt - start
        line = nextLine
        nextLine += crossing.newlines
        return true
    }

    /// The reason for a record with a NUL byte, naming the first field that holds one.
    private func nulReason() -> String {
        for index in 0..<fieldCount where field(index).contains(0) {
            return "field \(index + 1) holds a NUL byte"
        }
        return "the record holds a NUL byte"
    }

    /// The current record has run past `limits.recordBytes` without ending. It becomes a rejected
    /// record that keeps its first bytes for the raw text; reading resumes after its first line end.
    private func skipOverlongRecord() throws {
        fieldOffsets.removeAll(keepingCapacity: true)
        fieldLengths.removeAll(keepingCapacity: true)
        scratchCount = 0
        malformation = nil
        let bound = limits.recordBytes % (1 << 20) == 0 ? "\(limits.recordBytes >> 20) MiB" : "\(limits.recordBytes) bytes"
        rejection = "the record is longer than \(bound)"
        let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        // A quoted field may have crossed line ends: the record then ends at the first of them.
        var index = start
        while index < end && base[index] != 0x0A && base[index] != 0x0D { index += 1 }
        if index < end {
            recordLength = index + (lineEndLength(base, index, atEOF: false) ?? 1) - start
            recordTotalBytes = nil
        } else {
            if start > 0 {
                buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: end - start)
                end -= start
                start = 0
            }
            let keptEnd = min(limits.rawBytes, end)
            var total = keptEnd
            // Read on, keeping nothing past the kept prefix, until a line end or the end of the input.
            while true {
                var i = keptEnd
                while i < end && base[i] != 0x0A && base[i] != 0x0D { i += 1 }
                total += i - keptEnd
                if i < end && (i + 1 < end || base[i] == 0x0A || sourceDone) {
                    let length = base[i] == 0x0D && i + 1 < end && base[i + 1] == 0x0A ? 2 : 1
                    let remaining = end - i
                    (base + keptEnd).update(from: base + i, count: remaining)
                    end = keptEnd + remaining
                    recordLength = keptEnd + length
                    break
                }
                if i < end {  // a CR that ends the data read so far: keep it to see whether LF follows
                    base[keptEnd] = 0x0D
                    end = keptEnd + 1
                } else {
                    end = keptEnd
                    if sourceDone {
                        recordLength = keptEnd
                        break
                    }
                }
                let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
                if count == 0 { sourceDone = true }
                end += count
            }
            recordTotalBytes = total
        }
        line = nextLine
        nextLine += 1
    }
}
