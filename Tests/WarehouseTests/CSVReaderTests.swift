import Foundation
import Testing
@testable import Warehouse

/// Reads every record of `bytes` as arrays of UTF-8 fields (nil for invalid UTF-8), with lines.
func records(_ bytes: [UInt8], splitting: FieldSplitting = .delimited(UInt8(ascii: ",")), bufferSize: Int = 1 << 20) throws -> [(line: Int, fields: [String?], malformation: String?)] {
    let scratch = try Scratch()
    let path = try scratch.bytes("input.csv", bytes)
    let reader = CSVReader(source: try ByteSource(path: path), splitting: splitting, bufferSize: bufferSize)
    var result: [(Int, [String?], String?)] = []
    while try reader.next() {
        result.append((reader.line, (0..<reader.fieldCount).map { reader.utf8String(at: $0) }, reader.malformation))
    }
    return result
}

func records(_ text: String, bufferSize: Int = 1 << 20) throws -> [(line: Int, fields: [String?], malformation: String?)] {
    try records(Array(text.utf8), bufferSize: bufferSize)
}

@Suite struct CSVReaderTests {
    @Test func quotedFieldsHoldSeparatorsQuotesAndLineBreaks() throws {
        let rows = try records("a,\"b,c\",\"say \"\"hi\"\"\"\n\"multi\nline\",x,\"\"\nlast,row,here\n")
        #expect(rows.map(\.fields) == [["a", "b,c", "say \"hi\""], ["multi\nline", "x", ""], ["last", "row", "here"]])
        // The record after a quoted line break starts on line 4, not 3.
        #expect(rows.map(\.line) == [1, 2, 4])
    }

    @Test func crlfAndByteOrderMarkAreNotData() throws {
        let rows = try records([0xEF, 0xBB, 0xBF] + Array("id,name\r\n1,\"x\r\ny\"\r\n2,z\r\n".utf8))
        #expect(rows.map(\.fields) == [["id", "name"], ["1", "x\r\ny"], ["2", "z"]])
        #expect(rows.map(\.line) == [1, 2, 4])
    }

    @Test func lastLineWithoutNewlineAndTrailingEmptyField() throws {
        #expect(try records("a,b\nc,").map(\.fields) == [["a", "b"], ["c", ""]])
    }

    @Test func shortAndLongRowsKeepTheirFieldCounts() throws {
        #expect(try records("a,b,c\n1\n1,2,3,4\n").map { $0.fields.count } == [3, 1, 4])
    }

    @Test func invalidUTF8IsReportedNotReplaced() throws {
        let rows = try records(Array("ok,".utf8) + [0xA3, 0x31] + Array("\n".utf8))
        #expect(rows[0].fields[0] == "ok")
        #expect(rows[0].fields[1] == nil)
    }

    @Test func emptyFileAndHeaderOnly() throws {
        #expect(try records("").isEmpty)
        #expect(try records("a,b\n").map(\.fields) == [["a", "b"]])
        #expect(try records("a,b").map(\.fields) == [["a", "b"]])
    }

    @Test func blankLinesAreRecognised() throws {
        let scratch = try Scratch()
        let reader = CSVReader(source: try ByteSource(path: try scratch.file("b.csv", "a\n\nb\n")))
        var blanks: [Bool] = []
        while try reader.next() { blanks.append(reader.isBlankLine) }
        #expect(blanks == [false, true, false])
    }

    @Test func malformedQuotingIsReported() throws {
        let stray = try records("\"a\"b,c\n")
        #expect(stray[0].fields == ["ab", "c"])
        #expect(stray[0].malformation?.contains("after the closing quote") == true)
        // A quote still open at the end of the input: its record ends with the line it opened on,
        // and the lines after it are records again.
        let open = try rejections("x,\"never closed\nmore\n")
        #expect(open.map(\.line) == [1, 2])
        #expect(open.map(\.rejection) == ["unterminated quote opened at line 1", nil])
        #expect(open[1].fields == ["more"])
    }

    @Test func recordsLongerThanTheBufferAndSplitAcrossRefills() throws {
        let long = String(repeating: "x", count: 5000)
        var text = ""
        for i in 0..<200 { text += "\(i),\"\(long),\(i)\"\n" }
        let rows = try records(text, bufferSize: 64)
        #expect(rows.count == 200)
        #expect(rows[199].fields == ["199", "\(long),199"])
        #expect(rows[199].line == 200)
    }

    @Test func whitespaceSplittingForCDNOW() throws {
        let rows = try records(Array(" 00001 19970101  1   11.77\r\n 00002\t19970112  1   12.00\r\n".utf8), splitting: .whitespace)
        #expect(rows.map(\.fields) == [["00001", "19970101", "1", "11.77"], ["00002", "19970112", "1", "12.00"]])
    }

    @Test func gzipIsReadDirectlyAndTruncationIsAnError() throws {
        let scratch = try Scratch()
        let plain = try scratch.file("g.csv", "a,b\n1,2\n")
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-k", plain]
        try gzip.run()
        gzip.waitUntilExit()
        let reader = CSVReader(source: try ByteSource(path: plain + ".gz"))
        var rows: [[String?]] = []
        while try reader.next() { rows.append((0..<reader.fieldCount).map { reader.utf8String(at: $0) }) }
        #expect(rows == [["a", "b"], ["1", "2"]])

        let whole = try Data(contentsOf: URL(fileURLWithPath: plain + ".gz"))
        let cut = try scratch.bytes("cut.csv.gz", Array(whole.prefix(whole.count - 6)))
        let truncated = CSVReader(source: try ByteSource(path: cut))
        #expect(throws: InputError.self) { while try truncated.next() {} }
    }
}
