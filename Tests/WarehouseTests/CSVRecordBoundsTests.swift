import Foundation
import Testing
@testable import Warehouse

/// One record as a test sees it: where it starts, its fields, why it cannot be a row, its raw text.
struct ReadRecord {
    let line: Int
    let fields: [String?]
    let rejection: String?
    let raw: String
}

/// Reads every record of `bytes`, with the reader's rejections and raw text.
func rejections(_ bytes: [UInt8], expectedFieldCount: Int? = nil, bufferSize: Int = 1 << 20, limits: CSVLimits = CSVLimits(),
                splitting: FieldSplitting = .delimited(UInt8(ascii: ","))) throws -> [ReadRecord] {
    let scratch = try Scratch()
    let reader = CSVReader(source: try ByteSource(path: try scratch.bytes("input.csv", bytes)), splitting: splitting,
                           bufferSize: bufferSize, limits: limits)
    reader.expectedFieldCount = expectedFieldCount
    var result: [ReadRecord] = []
    while try reader.next() {
        result.append(ReadRecord(line: reader.line, fields: (0..<reader.fieldCount).map { reader.utf8String(at: $0) },
                                 rejection: reader.rejection, raw: reader.rawText))
    }
    return result
}

func rejections(_ text: String, expectedFieldCount: Int? = nil, bufferSize: Int = 1 << 20, limits: CSVLimits = CSVLimits()) throws -> [ReadRecord] {
    try rejections(Array(text.utf8), expectedFieldCount: expectedFieldCount, bufferSize: bufferSize, limits: limits)
}

/// The reader's edges: line ends, NUL bytes, stray quotes, overlong records (issue 13, items 4-6).
@Suite struct CSVRecordBoundsTests {
    @Test("LF, CRLF, CR-only and mixed line ends give the same records on the same lines, at any buffer size")
    func everyLineEndIsALineEnd() throws {
        let lines = ["id,name", "1,\"two\nlines\"", "", "2,b", "3,c"]
        let expected = [["id", "name"], ["1", "two\nlines"], [""], ["2", "b"], ["3", "c"]]
        for (name, end) in [("LF", "\n"), ("CRLF", "\r\n"), ("CR", "\r")] {
            let text = (lines.joined(separator: "\n") + "\n").replacingOccurrences(of: "\n", with: end)
            for size in [5, 7, 1 << 20] {
                let rows = try rejections(text, bufferSize: size)
                let fields = rows.map { $0.fields.map { $0?.replacingOccurrences(of: end, with: "\n") } }
                #expect(fields == expected, "\(name) at buffer \(size)")
                #expect(rows.map(\.line) == [1, 2, 4, 5, 6], "\(name) at buffer \(size)")
            }
        }
        let mixed = try rejections("a\rb\r\nc\nd")
        #expect(mixed.map(\.fields) == [["a"], ["b"], ["c"], ["d"]])
        #expect(mixed.map(\.line) == [1, 2, 3, 4])
        let cdnow = try rejections(Array(" 00001 19970101  1   11.77\r 00002 19970112  1   12.00\r".utf8), splitting: .whitespace)
        #expect(cdnow.map(\.fields) == [["00001", "19970101", "1", "11.77"], ["00002", "19970112", "1", "12.00"]])
    }

    @Test("a field holding a NUL byte makes its record a rejection naming the field, quoted or not")
    func nulBytesAreRejections() throws {
        let rows = try rejections(Array("a,b\n9000".utf8) + [0] + Array("08,x\ny,\"q".utf8) + [0] + Array("\"\nok,ok\n".utf8))
        #expect(rows.map(\.rejection) == [nil, "field 1 holds a NUL byte", "field 2 holds a NUL byte", nil])
        #expect(rows.map(\.line) == [1, 2, 3, 4])
    }

    @Test("a stray quote that leaves its record with the wrong field count rejects only its own line; the lines it swallowed are read again")
    func strayQuoteRejectsOnlyItsLine() throws {
        var text = "a,b,c\n1,2,3\n4,\"stray,6\n"
        for i in 7..<30 { text += "\(i),x,y\n" }
        text += "30,\"quoted, fine\",z\n31,x,y\n"
        for size in [16, 1 << 20] {
            let rows = try rejections(text, expectedFieldCount: 3, bufferSize: size)
            #expect(rows.count == 28, "buffer \(size)")
            #expect(rows.compactMap(\.rejection) == ["unterminated quote opened at line 3"], "buffer \(size)")
            #expect(rows[2].line == 3)
            #expect(rows[2].raw == "4,\"stray,6")
            #expect(rows[3].fields == ["7", "x", "y"])
            #expect(rows[3].line == 4)
            #expect(rows.last?.fields == ["31", "x", "y"])
            #expect(rows.last?.line == 28)
        }
    }

    @Test("a quoted field that is never closed is given up on after the line-break bound, not read to the end of the input")
    func quotedFieldsAreBounded() throws {
        var text = "a,\"open\n"
        for i in 0..<50 { text += "line \(i)\n" }
        let rows = try rejections(text, limits: CSVLimits(quotedLineBreaks: 5))
        #expect(rows.count == 51)
        #expect(rows[0].rejection == "unterminated quote opened at line 1")
        #expect(rows[1].fields == ["line 0"])
        #expect(rows[1].line == 2)
        // A legitimate quoted field with line breaks within the bound and the right count stays one field.
        let fine = try rejections("a,\"x\ny\nz\",b\n", expectedFieldCount: 3, limits: CSVLimits(quotedLineBreaks: 5))
        #expect(fine.map(\.fields) == [["a", "x\ny\nz", "b"]])
    }

    @Test("a record past the record bound is rejected, keeps only its first bytes and a note of its length, and reading goes on after it")
    func overlongRecordsAreSkipped() throws {
        let long = String(repeating: "x", count: 10_000)
        let limits = CSVLimits(recordBytes: 1_024, rawBytes: 100)
        for end in ["\n", "\r", "\r\n"] {
            let rows = try rejections("a,b" + end + long + end + "c,d" + end, bufferSize: 256, limits: limits)
            #expect(rows.map(\.line) == [1, 2, 3])
            #expect(rows.map(\.fields) == [["a", "b"], [], ["c", "d"]])
            #expect(rows[1].rejection == "the record is longer than 1024 bytes")
            #expect(rows[1].raw == String(repeating: "x", count: 100) + "… (10000 bytes in all)")
        }
    }

    @Test("a rejected record's raw text is cut at the raw bound with a note of its full length")
    func rawTextIsBounded() throws {
        let rows = try rejections("a," + String(repeating: "y", count: 500) + "\u{0}\n", limits: CSVLimits(rawBytes: 10))
        #expect(rows[0].raw == "a,yyyyyyyy… (503 bytes in all)")
    }
}
