import Foundation
import Testing
@testable import Warehouse

/// Typed cells and the answer object: exact values for machines, display values for people.
@Suite struct OutputTests {
    private let table = Table(
        columns: ["segment", "users", "avg recency (days)", "revenue", "share", Column("complete", machineOnly: true)],
        rows: [
            ["Champions", .integer(12_345), .real(5.55, decimals: 1), .money(micros: 2_228_427_401_000, currency: "GBP"), .share(0.25), .bool(true)],
            ["Can't Lose Them", .integer(7), .real(211.75, decimals: 1), .money(micros: 25_550_000, currency: "GBP"),
             .marked(.share(0.125), "*"), .bool(false)],
        ],
        notes: ["As of 2011-12-10."])

    @Test("keys are snake_case labels, in column order, the same in csv, json and jsonl")
    func keysAgree() throws {
        #expect(table.columns.map(\.key) == ["segment", "users", "avg_recency_days", "revenue", "share", "complete"])
        #expect(Column.key(for: "Can't Lose Them") == "cant_lose_them")
        #expect(Column.key(for: "P(alive)") == "p_alive")
        let csv = table.rendered(as: .csv)
        #expect(csv.split(separator: "\n").first == "segment,users,avg_recency_days,revenue,share,complete")
        let lines = table.rendered(as: .jsonl).split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(try JSONValue.parse(lines[0]).members?.map(\.key) == table.columns.map(\.key))
    }

    @Test("money is written exactly for machines and with the currency's minor units for people")
    func moneyIsExact() throws {
        let csv = table.rendered(as: .csv).split(separator: "\n").map(String.init)
        #expect(csv[1] == "Champions,12345,5.55,2228427.401,0.25,true")
        #expect(csv[2] == "Can't Lose Them,7,211.75,25.55,0.125,false")
        let answer = Answer(question: "rfm", parameters: [JSONMember("country", .null)], asOf: 1_323_475_200, table: table)
        let json = answer.rendered(as: .json)
        #expect(json.contains("\"revenue\": 2228427.401"))
        #expect(json.contains("\"as_of\": \"2011-12-10T00:00:00Z\""))
        #expect(!json.contains("25.549999"))
        #expect(Cell.money(micros: 1_500_000, currency: "JPY").displayText == "2")
        #expect(Cell.money(micros: 1_234_567, currency: "KWD").displayText == "1.235")
        #expect(Cell.money(micros: -1_234_567_890_000, currency: nil).displayText == "-1,234,567.89")
        #expect(Cell.money(micros: 12_500_000, currency: "GBP").json == .decimal("12.5"))
    }

    @Test("the JSON answer is one object with its members in the contract's order")
    func answerObject() throws {
        let curve = Table(columns: ["k"], rows: [[.integer(0)]])
        let answer = Answer(question: "retention", parameters: [JSONMember("period", .string("month"))], asOf: 0, table: table,
                            sections: [Answer.Section(key: "curve", title: "", table: curve)])
        let parsed = try JSONValue.parse(answer.rendered(as: .json))
        #expect(parsed.members?.map(\.key) == ["question", "parameters", "as_of", "rows", "curve", "notes"])
        #expect(parsed["rows"] == .array(table.rowObjects))
        #expect(parsed["notes"] == ["As of 2011-12-10."])
        #expect(!Answer(question: "q", table: Table(columns: ["path"], rows: [["a/b"]])).rendered(as: .json).contains("\\/"))
    }

    @Test("tables group every number by one rule, right-align numbers, keep marks aligned and hide machine columns")
    func tablesForPeople() {
        let text = table.rendered(as: .table)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("segment"))
        #expect(!lines[0].contains("complete"))
        #expect(lines[2].contains("12,345") && lines[2].contains("2,228,427.40") && lines[2].hasSuffix("25.0%"))
        #expect(lines[3].contains("12.5%*"))
        // The share's digits end in the same column with and without the mark.
        #expect(lines[2].range(of: "25.0%")?.upperBound.utf16Offset(in: lines[2]) == lines[3].range(of: "12.5%")?.upperBound.utf16Offset(in: lines[3]))
        #expect(Grouping.digits("-1294") == "-1,294" && Grouping.digits("1665.5") == "1,665.5" && Grouping.digits("416") == "416")
    }

    @Test("a table wider than the terminal is shown in blocks of columns that fit, each led by the first column, nothing cut")
    func wideTablesFit() {
        // A 13-offset retention triangle: cohort, size and k0...k12.
        let columns = [Column("cohort"), Column("size")] + (0...12).map { Column("k\($0)") }
        var rows: [[Cell]] = []
        for row in 0..<13 {
            var cells: [Cell] = [.text("2011-\(String(format: "%02d", row % 12 + 1))"), .integer(Int64(1_000 + row))]
            for k in 0...12 {
                let share: Cell = k + row <= 12 ? .share(Double(k + 1) / 100) : .null
                cells.append(share)
            }
            rows.append(cells)
        }
        let wide = Table(columns: columns, rows: rows, notes: ["Cohorts by first purchase month."])
        let whole = wide.rendered(as: .table)
        #expect(whole.split(separator: "\n").contains { $0.count > 80 }, "the table is wider than 80 columns unfitted")
        let fitted = wide.rendered(as: .table, width: 80)
        let lines = fitted.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(fitted)")
        let headers = lines.filter { $0.hasPrefix("cohort") }
        #expect(headers.count >= 2, "\(fitted)")
        // Every column label appears once across the blocks, the first column in every block.
        let labels = headers.flatMap { $0.split(separator: " ").map(String.init) }
        #expect(labels.filter { $0 == "cohort" }.count == headers.count)
        #expect(Set(labels) == Set(columns.map(\.label)) && labels.count == columns.count + headers.count - 1)
        #expect(lines.contains("(columns 2–\(headers[0].split(separator: " ").count) of 15)"), "\(fitted)")
        // Every cell is still there: the same number of shares in both renderings.
        func shares(_ text: String) -> [String] { text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init).filter { $0.hasSuffix("%") } }
        #expect(shares(fitted).sorted() == shares(whole).sorted() && shares(whole).count == 91)
        #expect(lines.last(where: { !$0.isEmpty }) == "Cohorts by first purchase month.")
        // Wide enough: one block, the same text as without a width.
        #expect(wide.rendered(as: .table, width: 400) == whole)
        #expect(ColumnBlocks.split(widths: [10, 50, 50], separator: 2, within: 40) == [[0, 1], [0, 2]])
    }

    @Test("notes write money and counts by the tables' rule: grouped, in the currency's minor units")
    func notesFollowTheRule() {
        #expect(Format.money(1_447_682_120_000) == "1,447,682.12")
        #expect(Format.money(2_228_427_401_000, currency: "KWD") == "2,228,427.401")
        #expect(Format.fixed(123_456.75, decimals: 1) == "123,456.8")
        var exclusions = Exclusions()
        exclusions.guestOrders = 3_710
        exclusions.guestAmountMicros = 1_447_682_123_456
        exclusions.onlyCurrency = "GBP"
        #expect(exclusions.notes.first == "Left out: 3,710 guest orders (net 1,447,682.12).")
    }

    @Test("csv and jsonl are written one line at a time, header first, and the lines make exactly the rendered text")
    func linesMakeTheRenderedText() {
        for format in [OutputFormat.csv, .jsonl] {
            var lines: [String] = []
            table.writeLines(as: format) { lines.append($0) }
            #expect(lines.count == table.rows.count + (format == .csv ? 1 : 0))
            #expect(lines.allSatisfy { $0.hasSuffix("\n") && $0.dropLast().contains("\n") == false })
            #expect(lines.joined() == table.rendered(as: format))
        }
    }
}
