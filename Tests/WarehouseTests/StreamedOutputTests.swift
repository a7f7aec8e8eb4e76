import Foundation
import Testing
@testable import Warehouse

/// Answers written a member and a row at a time are the very text of the whole answer rendered
/// at once, in json, csv and jsonl, and a retention triangle written from its rows as they are
/// made is its long table.
@Suite struct StreamedOutputTests {
    private static let table = Table(
        columns: ["segment", "users", "revenue", "share", Column("complete", machineOnly: true)],
        rows: [
            ["Champions \"A\", é\n", .integer(12_345), .money(micros: 2_228_427_401_000, currency: "GBP"), .share(0.25), .bool(true)],
            ["Lost", .integer(7), .money(micros: -25_550_000, currency: nil), .marked(.share(.nan), "*"), .null],
        ],
        notes: ["As of 2011-12-10.", "tab\there"])

    private static func streamed(_ answer: Answer, rows: RowProducer? = nil) throws -> String {
        var text = ""
        try answer.writeJSON(rows: rows) { text += $0 }
        return text + "\n"
    }

    @Test func aStreamedAnswerIsTheJSONRenderedAtOnce() throws {
        let empty = Table(columns: ["k"], rows: [], notes: [])
        let answers = [
            Answer(question: "rfm", parameters: [JSONMember("country", .null), JSONMember("bins", .array([.integer(1), .integer(2)]))],
                   asOf: 1_323_475_200, table: Self.table),
            Answer(question: "models list", table: empty),
            Answer(question: "retention", parameters: [], asOf: 0, table: Self.table,
                   sections: [Answer.Section(key: "curve", title: "", table: Self.table), Answer.Section(key: "empty", title: "", table: empty)],
                   details: [JSONMember("excluded", .object([JSONMember("orders", .integer(3)), JSONMember("list", .array([]))]))]),
        ]
        for answer in answers {
            let whole = answer.rendered(as: .json)
            #expect(try Self.streamed(answer) == whole, "\(answer.question)")
            #expect(try JSONValue.parse(whole) == answer.json)
        }
        // Rows made as they are written give the text of the same rows held.
        let held = answers[0]
        var bare = held
        bare.table.rows = []
        #expect(try Self.streamed(bare, rows: { body in Self.table.rows.forEach(body) }) == held.rendered(as: .json))
        for format in [OutputFormat.csv, .jsonl] {
            var text = ""
            bare.table.writeLines(as: format, rows: { body in Self.table.rows.forEach(body) }) { text += $0 }
            #expect(text == held.table.rendered(as: format), "\(format)")
        }
    }

    @Test func aRetentionTriangleWrittenFromItsRowsIsItsLongTable() throws {
        let fixture = try AnalyticsFixture()
        for (customer, day) in [("a", "2011-01-03"), ("a", "2011-01-20"), ("b", "2011-01-05"), ("b", "2011-03-02"), ("c", "2011-02-10"),
                                ("c", "2011-02-11"), ("d", "2011-03-15"), ("a", "2011-04-01")] {
            try fixture.order(customer, day, "10.00")
        }
        for period in [Period.day, .week, .month] {
            for metric in [RetentionMetric.users, .revenue] {
                let triangle = try fixture.warehouse.retention(RetentionOptions(scope: AnalyticsFixture.scope(asOf: "2011-04-15"),
                                                                               period: period, metric: metric))
                var made: [[Cell]] = []
                triangle.longRows { made.append($0) }
                #expect(made == triangle.longTable().rows)
                #expect(made.count > 4, "\(period) \(metric): only \(made.count) rows")
                let bare = triangle.answer(holdingRows: false)
                #expect(bare.table.rows.isEmpty && bare.table.columns == triangle.longTable().columns)
                #expect(try Self.streamed(bare, rows: triangle.longRows) == triangle.answer().rendered(as: .json), "\(period) \(metric)")
                var csv = ""
                bare.table.writeLines(as: .csv, rows: triangle.longRows) { csv += $0 }
                #expect(csv == triangle.answer().table.rendered(as: .csv))
            }
        }
    }

    @Test func anRFMCustomerListWrittenFromItsRowsIsTheListHeld() throws {
        let fixture = try AnalyticsFixture()
        for (customer, day, amount) in [("a", "2011-01-03", "10.00"), ("a", "2011-03-20", "5.50"), ("b", "2011-02-05", "99.99"),
                                        ("c", "2011-03-10", "1.00"), ("c", "2011-03-11", "2.00"), ("d", "2011-03-15", "42.00")] {
            try fixture.order(customer, day, amount)
        }
        let listed = try fixture.warehouse.rfmUsers(RFMOptions(scope: AnalyticsFixture.scope(asOf: "2011-04-01")))
        try #require(listed.users.count == 4)
        let held = listed.users.answer(scope: listed.scope, segment: nil)
        let bare = listed.users.answer(scope: listed.scope, segment: nil, holdingRows: false)
        #expect(bare.table.rows.isEmpty && held.table.rows.count == 4 && bare.table.columns == held.table.columns)
        let rows = listed.users.rows(currency: listed.scope.currency)
        #expect(try Self.streamed(bare, rows: rows) == held.rendered(as: .json))
        for format in [OutputFormat.csv, .jsonl] {
            var text = ""
            bare.table.writeLines(as: format, rows: rows) { text += $0 }
            #expect(text == held.table.rendered(as: format), "\(format)")
        }
    }
}
