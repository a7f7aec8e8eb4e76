import Foundation
import Testing

@testable import Warehouse

/// Tests of `SampleGenerator`: determinism, exact layouts, and the claims docs/GENERATOR.md makes
/// about the files. Each test writes into its own temporary directory.
@Suite("Sample generator")
struct GeneratorTests {
    // MARK: Helpers

    /// A fresh, empty temporary directory for one test.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appending(path: "lifecycle-generator-tests")
            .appending(path: UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func configuration(users: Int = 300, seed: UInt64 = 42) -> SampleGenerator.Configuration {
        var configuration = SampleGenerator.Configuration(users: users, seed: seed)
        configuration.products = 200
        return configuration
    }

    /// Generates a sample into a new temporary directory.
    static func generate(_ configuration: SampleGenerator.Configuration) throws -> GeneratedSample {
        try SampleGenerator(configuration).write(to: temporaryDirectory().appending(path: "out"))
    }

    /// A parsed CSV file: its header, and each record with the raw line it came from.
    struct CSVFile {
        var header: [String]
        var records: [(fields: [String], raw: String)]
    }

    /// Reads a file strictly as the generator promises to write it: UTF-8, LF line endings, a
    /// final LF, RFC 4180 fields (quoted fields may hold commas and doubled quotes, never a line
    /// break).
    static func readCSV(_ url: URL) throws -> CSVFile {
        let data = try Data(contentsOf: url)
        let text = try #require(String(data: data, encoding: .utf8), "not UTF-8: \(url.lastPathComponent)")
        #expect(!text.contains("\r"), "CR in \(url.lastPathComponent)")
        #expect(text.hasSuffix("\n"), "\(url.lastPathComponent) must end with LF")
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let header = try parseRecord(try #require(lines.first))
        let records = try lines.dropFirst().map { (fields: try parseRecord($0), raw: $0) }
        return CSVFile(header: header, records: records)
    }

    struct ParseError: Error, CustomStringConvertible {
        let line: String
        var description: String { "malformed CSV record: \(line)" }
    }

    /// Splits one record into fields (RFC 4180).
    static func parseRecord(_ line: String) throws -> [String] {
        var fields: [String] = []
        var field = ""
        var characters = Array(line)[...]
        var quoted = false
        var atFieldStart = true
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        field.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                        guard characters.isEmpty || characters.first == "," else { throw ParseError(line: line) }
                    }
                } else {
                    field.append(character)
                }
            } else if character == "," {
                fields.append(field)
                field = ""
                atFieldStart = true
                continue
            } else if character == "\"" {
                guard atFieldStart else { throw ParseError(line: line) }
                quoted = true
            } else {
                field.append(character)
            }
            atFieldStart = false
        }
        guard !quoted else { throw ParseError(line: line) }
        fields.append(field)
        return fields
    }

    /// Writes fields back with quotes only where RFC 4180 needs them.
    static func minimalCSV(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(",") || field.contains("\"")
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",")
    }

    static let ordersHeader = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"]
    static let usersHeader = ["user_id", "signed_up_at", "country"]
    static let eventsHeader = ["event_id", "user_id", "occurred_at", "type", "product_id", "value", "properties"]

    /// Thousandths of a pound of a decimal text such as `2.55` or `0.001`.
    static func mills(_ text: String) -> Int? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let whole = Int(parts[0]), (1 ... 3).contains(parts[1].count),
              parts[1].allSatisfy(\.isNumber), let fraction = Int(parts[1].padding(toLength: 3, withPad: "0", startingAt: 0))
        else { return nil }
        return whole * 1_000 + fraction
    }

    static let londonCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/London") ?? .gmt
        return calendar
    }()

    static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }()

    /// The instant of `YYYY-MM-DD<separator>HH:MM:SS<suffix>` read on `calendar`'s clock; `nil`
    /// unless the text has exactly that layout and names a wall-clock time that exists (a time in
    /// the spring clock-change gap does not round-trip).
    static func date(_ text: String, separator: Character, suffix: String, on calendar: Calendar) -> Date? {
        let characters = Array(text)
        guard characters.count == 19 + suffix.count, String(characters[19...]) == suffix,
              characters[4] == "-", characters[7] == "-", characters[10] == separator,
              characters[13] == ":", characters[16] == ":" else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            let slice = characters[range]
            return slice.allSatisfy(\.isASCII) && slice.allSatisfy(\.isNumber) ? Int(String(slice)) : nil
        }
        guard let year = number(0 ..< 4), let month = number(5 ..< 7), let day = number(8 ..< 10),
              let hour = number(11 ..< 13), let minute = number(14 ..< 16), let second = number(17 ..< 19)
        else { return nil }
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components) else { return nil }
        let back = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        guard back.year == year, back.month == month, back.day == day, back.hour == hour,
              back.minute == minute, back.second == second else { return nil }
        return date
    }

    /// An `InvoiceDate` (`2010-12-01 08:26:00`, Europe/London wall clock).
    static func londonDate(_ text: String) -> Date? {
        date(text, separator: " ", suffix: "", on: londonCalendar)
    }

    /// An ISO-8601 UTC instant (`2010-11-28T14:03:00Z`).
    static func iso8601(_ text: String) -> Date? {
        date(text, separator: "T", suffix: "Z", on: utcCalendar)
    }

    // MARK: Determinism

    @Test("the same configuration writes byte-identical files")
    func sameSeedSameBytes() throws {
        let first = try Self.generate(Self.configuration())
        let second = try Self.generate(Self.configuration())
        for (a, b) in [(first.ordersFile, second.ordersFile), (first.usersFile, second.usersFile), (first.eventsFile, second.eventsFile)] {
            #expect(try Data(contentsOf: a) == Data(contentsOf: b), "\(a.lastPathComponent) differs between runs")
        }
        #expect(first.orderLines == second.orderLines && first.events == second.events)
    }

    @Test("a different seed writes different files")
    func differentSeedDifferentBytes() throws {
        let first = try Self.generate(Self.configuration(seed: 1))
        let second = try Self.generate(Self.configuration(seed: 2))
        #expect(try Data(contentsOf: first.ordersFile) != Data(contentsOf: second.ordersFile))
        #expect(try Data(contentsOf: first.usersFile) != Data(contentsOf: second.usersFile))
        #expect(try Data(contentsOf: first.eventsFile) != Data(contentsOf: second.eventsFile))
    }

    @Test("turning events off leaves orders.csv and users.csv unchanged and events.csv a bare header")
    func eventsOff() throws {
        var configuration = Self.configuration()
        let with = try Self.generate(configuration)
        configuration.includeEvents = false
        let without = try Self.generate(configuration)
        #expect(try Data(contentsOf: with.ordersFile) == Data(contentsOf: without.ordersFile))
        #expect(try Data(contentsOf: with.usersFile) == Data(contentsOf: without.usersFile))
        #expect(try String(contentsOf: without.eventsFile, encoding: .utf8) == Self.eventsHeader.joined(separator: ",") + "\n")
        #expect(without.events == 0)
    }

    // MARK: Layouts

    @Test("header lines are exact")
    func headers() throws {
        let sample = try Self.generate(Self.configuration(users: 50))
        for (url, header) in [(sample.ordersFile, Self.ordersHeader), (sample.usersFile, Self.usersHeader), (sample.eventsFile, Self.eventsHeader)] {
            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(text.prefix(while: { $0 != "\n" }) == header.joined(separator: ","))
        }
        #expect(sample.ordersFile.lastPathComponent == "orders.csv")
        #expect(sample.usersFile.lastPathComponent == "users.csv")
        #expect(sample.eventsFile.lastPathComponent == "events.csv")
    }

    @Test("orders.csv: 8 RFC 4180 fields per row, quoted only where needed, Online Retail value formats")
    func ordersLayout() throws {
        let sample = try Self.generate(Self.configuration(users: 400))
        let orders = try Self.readCSV(sample.ordersFile)
        #expect(orders.header == Self.ordersHeader)
        #expect(!orders.records.isEmpty)
        var sawComma = false
        var sawQuote = false
        var sawTrailingSpace = false
        var sawSpecial = false
        for (fields, raw) in orders.records {
            #expect(fields.count == 8, "\(raw)")
            guard fields.count == 8 else { continue }
            #expect(Self.minimalCSV(fields) == raw, "quoting: \(raw)")
            let (invoice, code, description, quantityText, date, price, customer, country) =
                (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6], fields[7])
            let digits = invoice.hasPrefix("C") ? invoice.dropFirst() : invoice[...]
            #expect(digits.count == 6 && digits.allSatisfy(\.isNumber), "InvoiceNo \(invoice)")
            let isProduct = code.count >= 5 && code.prefix(5).allSatisfy(\.isNumber)
                && code.count <= 6 && code.dropFirst(5).allSatisfy { $0.isUppercase && $0.isLetter }
            let isSpecial = ["POST", "DOT", "M", "BANK CHARGES", "PADS"].contains(code)
            #expect(isProduct || isSpecial, "StockCode \(code)")
            sawSpecial = sawSpecial || isSpecial
            #expect(!description.isEmpty)
            if isProduct { #expect(description == description.uppercased(), "\(description)") }
            sawComma = sawComma || description.contains(",")
            sawQuote = sawQuote || description.contains("\"")
            sawTrailingSpace = sawTrailingSpace || description.hasSuffix(" ")
            let quantity = try #require(Int(quantityText), "Quantity \(quantityText)")
            #expect(quantity != 0)
            #expect(invoice.hasPrefix("C") == (quantity < 0), "sign of \(raw)")
            #expect(Self.londonDate(date) != nil, "InvoiceDate \(date)")
            #expect(date.hasSuffix(":00"))
            let hour = Int(date.dropFirst(11).prefix(2)) ?? -1
            #expect((7 ... 20).contains(hour), "outside opening hours: \(date)")
            #expect(Self.mills(price).map { $0 > 0 } == true, "UnitPrice \(price)")
            #expect(customer.isEmpty || (customer.count >= 5 && Int(customer).map { $0 >= 10_000 } == true), "CustomerID \(customer)")
            #expect(!country.isEmpty && !country.contains(","))
        }
        #expect(sawComma, "some descriptions should hold a comma")
        #expect(sawQuote, "some descriptions should hold a double quote")
        #expect(sawTrailingSpace, "some descriptions should end with a space")
        #expect(sawSpecial, "some invoices should carry non-product codes")
    }

    @Test("invoices: lines contiguous with one timestamp, in time order, returns negative, guests without customer")
    func invoices() throws {
        let sample = try Self.generate(Self.configuration(users: 400))
        let orders = try Self.readCSV(sample.ordersFile)
        var seen = Set<String>()
        var current = ""
        var currentDate = ""
        var lastDate = ""
        var purchasedLines: [String: [(code: String, price: String, quantity: Int)]] = [:]
        var unmatchedReturnLines = 0
        for (fields, raw) in orders.records where fields.count == 8 {
            let (invoice, code, date, price, customer) = (fields[0], fields[1], fields[4], fields[5], fields[6])
            let quantity = Int(fields[3]) ?? 0
            if invoice != current {
                #expect(!seen.contains(invoice), "invoice \(invoice) is split: \(raw)")
                seen.insert(invoice)
                current = invoice
                currentDate = date
                #expect(date >= lastDate, "orders out of time order at \(raw)")
                lastDate = date
            }
            #expect(date == currentDate, "two timestamps in invoice \(invoice)")
            if invoice.hasPrefix("C") {
                #expect(quantity < 0)
                #expect(!customer.isEmpty, "a return names its customer")
                let earlier = purchasedLines[customer] ?? []
                if !earlier.contains(where: { $0.code == code && $0.price == price && $0.quantity >= -quantity }) {
                    unmatchedReturnLines += 1
                }
            } else {
                #expect(quantity > 0)
                if !customer.isEmpty { purchasedLines[customer, default: []].append((code, price, quantity)) }
            }
        }
        #expect(unmatchedReturnLines == 0, "every returned line repeats a line the customer bought earlier")
        #expect(sample.returnOrders > 0)
        #expect(sample.guestOrders > 0)
        let guestShare = Double(sample.guestOrders) / Double(sample.orders)
        // Guest orders are spawned at random, so the share is only near the configured 15%.
        #expect(guestShare > 0.08 && guestShare < 0.25, "guest share \(guestShare)")
    }

    @Test("the counts returned equal the counts in the files")
    func countsMatchFiles() throws {
        let sample = try Self.generate(Self.configuration(users: 400))
        let orders = try Self.readCSV(sample.ordersFile)
        let users = try Self.readCSV(sample.usersFile)
        let events = try Self.readCSV(sample.eventsFile)
        let invoices = Set(orders.records.map { $0.fields[0] })
        let returns = invoices.filter { $0.hasPrefix("C") }
        let guests = Set(orders.records.filter { $0.fields[6].isEmpty }.map { $0.fields[0] })
        let codes = Set(orders.records.map { $0.fields[1] }).union(events.records.map { $0.fields[4] })
        #expect(sample.orderLines == orders.records.count)
        #expect(sample.orders == invoices.count)
        #expect(sample.returnOrders == returns.count)
        #expect(sample.guestOrders == guests.count)
        #expect(sample.users == users.records.count)
        #expect(sample.users == 400)
        #expect(sample.events == events.records.count)
        #expect(sample.products == codes.count)
    }

    @Test("users.csv: ids from 10000, every CustomerID present, signed up on or before the first order")
    func usersCoverCustomers() throws {
        let sample = try Self.generate(Self.configuration(users: 400))
        let users = try Self.readCSV(sample.usersFile)
        #expect(users.header == Self.usersHeader)
        var signedUp: [String: Date] = [:]
        var countryOf: [String: String] = [:]
        for (index, record) in users.records.enumerated() {
            let fields = record.fields
            #expect(fields.count == 3)
            #expect(fields[0] == String(10_000 + index), "ids are consecutive from 10000")
            let date = try #require(Self.iso8601(fields[1]), "signed_up_at \(fields[1])")
            #expect(fields[1].hasSuffix(":00Z"))
            signedUp[fields[0]] = date
            countryOf[fields[0]] = fields[2]
        }
        let orders = try Self.readCSV(sample.ordersFile)
        var firstOrder: [String: Date] = [:]
        for (fields, _) in orders.records where !fields[6].isEmpty {
            #expect(signedUp[fields[6]] != nil, "CustomerID \(fields[6]) missing from users.csv")
            #expect(countryOf[fields[6]] == fields[7], "a customer's orders carry her country")
            if firstOrder[fields[6]] == nil, let date = Self.londonDate(fields[4]) {
                firstOrder[fields[6]] = date
            }
        }
        for (customer, date) in firstOrder {
            if let signUp = signedUp[customer] { #expect(signUp <= date, "customer \(customer) ordered before signing up") }
        }
        // Repeat purchase exists: some customers order more than once.
        let invoicesPerCustomer = Dictionary(grouping: orders.records.filter { !$0.fields[6].isEmpty && !$0.fields[0].hasPrefix("C") }, by: { $0.fields[6] })
            .mapValues { Set($0.map { $0.fields[0] }).count }
        #expect(invoicesPerCustomer.values.contains { $0 > 1 })
        #expect(invoicesPerCustomer.values.contains { $0 == 1 })
    }

    @Test("events.csv: unique ids, known types, review scores 1-5, JSON properties, sessions in order")
    func eventsLayout() throws {
        let sample = try Self.generate(Self.configuration(users: 400))
        let events = try Self.readCSV(sample.eventsFile)
        let users = Set(try Self.readCSV(sample.usersFile).records.map { $0.fields[0] })
        #expect(events.header == Self.eventsHeader)
        var ids = Set<String>()
        var types: [String: Int] = [:]
        var anonymous = 0
        var sessions: [String: [(date: Date, rank: Int)]] = [:]
        let rank = ["view": 0, "add_to_cart": 1, "purchase": 2, "review": 3]
        for (fields, raw) in events.records {
            #expect(fields.count == 7, "\(raw)")
            guard fields.count == 7 else { continue }
            #expect(Self.minimalCSV(fields) == raw, "quoting: \(raw)")
            let (id, user, at, type, product, value, properties) = (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6])
            #expect(id.hasPrefix("e") && id.count >= 8 && id.dropFirst().allSatisfy(\.isNumber), "event_id \(id)")
            #expect(ids.insert(id).inserted, "duplicate event_id \(id)")
            if user.isEmpty { anonymous += 1 } else { #expect(users.contains(user), "unknown user \(user)") }
            let date = try #require(Self.iso8601(at), "occurred_at \(at)")
            #expect(!product.isEmpty)
            types[type, default: 0] += 1
            let object = try JSONSerialization.jsonObject(with: Data(properties.utf8))
            let json = try #require(object as? [String: Any], "properties must be a JSON object: \(properties)")
            let session = try #require(json["session"] as? String)
            #expect(json["device"] is String)
            switch type {
            case "view", "add_to_cart":
                #expect(value.isEmpty)
            case "purchase":
                #expect(Self.mills(value) != nil, "purchase value \(value)")
                #expect(json["invoice"] is String)
            case "review":
                let score = try #require(Int(value), "review value \(value)")
                #expect((1 ... 5).contains(score))
                #expect(json["score"] as? Int == score)
            default:
                Issue.record("unknown event type \(type)")
            }
            sessions[session, default: []].append((date, rank[type] ?? 9))
        }
        for (session, steps) in sessions {
            for (a, b) in zip(steps, steps.dropFirst()) {
                #expect(a.date <= b.date && a.rank <= b.rank, "session \(session): views, then carts, then the purchase")
            }
        }
        #expect(types["view", default: 0] > 0 && types["add_to_cart", default: 0] > 0)
        #expect(types["purchase", default: 0] > 0 && types["review", default: 0] > 0)
        #expect(anonymous > 0 && anonymous < events.records.count / 3, "a small share of anonymous events")
    }

    @Test("purchase events match orders: one per purchase invoice, same instant, the invoice's exact total")
    func purchaseEventsMatchOrders() throws {
        let sample = try Self.generate(Self.configuration(users: 300))
        let orders = try Self.readCSV(sample.ordersFile)
        var totals: [String: Int] = [:]
        var dates: [String: String] = [:]
        var customers: [String: String] = [:]
        for (fields, _) in orders.records where !fields[0].hasPrefix("C") {
            totals[fields[0], default: 0] += (Int(fields[3]) ?? 0) * (Self.mills(fields[5]) ?? 0)
            dates[fields[0]] = fields[4]
            customers[fields[0]] = fields[6]
        }
        var matched = Set<String>()
        for (fields, _) in try Self.readCSV(sample.eventsFile).records where fields[3] == "purchase" {
            let json = try JSONSerialization.jsonObject(with: Data(fields[6].utf8)) as? [String: Any]
            let invoice = try #require(json?["invoice"] as? String)
            #expect(matched.insert(invoice).inserted, "two purchase events for \(invoice)")
            #expect(Self.mills(fields[5]) == totals[invoice], "value of \(invoice)")
            #expect(customers[invoice] == fields[1], "user of \(invoice)")
            let local = try #require(dates[invoice].flatMap { Self.londonDate($0) })
            #expect(Self.iso8601(fields[2]) == local, "time of \(invoice)")
        }
        #expect(matched == Set(totals.keys))
    }

    // MARK: Configuration

    @Test("the default catalogue scales with users between 500 and 20,000")
    func defaultProducts() {
        #expect(SampleGenerator.Configuration.defaultProductCount(users: 10) == 500)
        #expect(SampleGenerator.Configuration.defaultProductCount(users: 4_000) == 4_000)
        #expect(SampleGenerator.Configuration.defaultProductCount(users: 180_000) == 20_000)
        let configuration = SampleGenerator.Configuration(users: 10, seed: 1)
        #expect(configuration.months == 13 && configuration.guestShare == 0.15 && configuration.returnRate == 0.02)
        #expect(configuration.timeZone.identifier == "Europe/London")
        #expect(configuration.startDate == Self.londonDate("2010-12-01 00:00:00"))
    }

    @Test("out-of-range configurations are refused with a message naming the value")
    func invalidConfigurations() throws {
        let negative = SampleGenerator.Configuration(users: -1, seed: 1)
        #expect(throws: SampleGeneratorError.self) { try SampleGenerator(negative).write(to: Self.temporaryDirectory()) }
        var guests = SampleGenerator.Configuration(users: 10, seed: 1)
        guests.guestShare = 0.95
        let tooManyGuests = guests
        #expect(throws: SampleGeneratorError.self) { try tooManyGuests.validate() }
        var months = SampleGenerator.Configuration(users: 10, seed: 1)
        months.months = 0
        do {
            try months.validate()
            Issue.record("months 0 accepted")
        } catch {
            #expect("\(error)".contains("months"))
        }
    }

    @Test("zero users writes headers only")
    func zeroUsers() throws {
        let sample = try Self.generate(Self.configuration(users: 0))
        #expect(sample.users == 0 && sample.orders == 0 && sample.orderLines == 0 && sample.events == 0 && sample.products == 0)
        #expect(try String(contentsOf: sample.ordersFile, encoding: .utf8) == Self.ordersHeader.joined(separator: ",") + "\n")
    }

    @Test("a shorter period in summer time converts events to UTC across the clock change")
    func summerTime() throws {
        var configuration = Self.configuration(users: 150)
        configuration.startDate = try #require(Self.londonDate("2011-03-01 00:00:00"))
        configuration.months = 2
        let sample = try Self.generate(configuration)
        let orders = try Self.readCSV(sample.ordersFile)
        let first = try #require(orders.records.first?.fields[4])
        let last = try #require(orders.records.last?.fields[4])
        #expect(first >= "2011-03-01" && last < "2011-05-01")
        // Every order on or after 27 March is in BST; its purchase event is one hour earlier in UTC.
        let summer = orders.records.first { $0.fields[4] >= "2011-03-28" && !$0.fields[0].hasPrefix("C") }
        let invoice = try #require(summer?.fields[0])
        let local = try #require(summer?.fields[4])
        let event = try Self.readCSV(sample.eventsFile).records.first { $0.fields[3] == "purchase" && $0.fields[6].contains("\"\(invoice)\"") }
        let utc = try #require(event?.fields[2])
        #expect(Self.iso8601(utc) == Self.londonDate(local))
        #expect(utc.dropFirst(11).prefix(2) != local.dropFirst(11).prefix(2), "\(utc) vs \(local)")
    }

    // MARK: Internals

    @Test("log and exp without libm agree with the platform's to 1e-14")
    func arithmetic() {
        for x in [1e-300, 1e-10, 0.001, 0.3, 0.5, 0.9999, 1, 1.5, 2, 10, 123.456, 1e10, 1e300] {
            #expect(abs(SampleMath.log(x) - log(x)) <= 1e-14 * max(1, abs(log(x))), "log(\(x))")
        }
        for x in [-700.0, -20, -1, -1e-9, 0, 1e-9, 0.5, 1, 3.7, 20, 700] {
            #expect(abs(SampleMath.exp(x) - exp(x)) <= 1e-14 * exp(x), "exp(\(x))")
        }
    }

    @Test("the random streams are reproducible and their distributions have the right means")
    func randomStreams() {
        var a = SampleRandom(seed: 7)
        var b = SampleRandom(seed: 7)
        #expect((0 ..< 100).map { _ in a.next() } == (0 ..< 100).map { _ in b.next() })
        var rng = SampleRandom(99, .user, 1, 2)
        let n = 20_000
        // Means of n draws: tolerance about 5 standard errors.
        let gamma = (0 ..< n).map { _ in rng.gamma(shape: 0.9, scale: 2) }.reduce(0, +) / Double(n)
        #expect(abs(gamma - 1.8) < 5 * (0.9).squareRoot() * 2 / Double(n).squareRoot())
        let beta = (0 ..< n).map { _ in rng.beta(1, 4) }.reduce(0, +) / Double(n)
        #expect(abs(beta - 0.2) < 0.01)
        let poisson = Double((0 ..< n).map { _ in rng.poisson(mean: 4.5) }.reduce(0, +)) / Double(n)
        #expect(abs(poisson - 4.5) < 0.08)
        let below = (0 ..< n).map { _ in rng.below(10) }
        #expect(below.allSatisfy { (0 ..< 10).contains($0) } && Set(below).count == 10)
    }

    @Test("civil dates round-trip over four centuries")
    func civilDates() {
        for days in stride(from: -200_000, through: 200_000, by: 997) {
            let (year, month, day) = SampleCalendar.civil(fromDays: days)
            #expect(SampleCalendar.days(fromCivil: year, month, day) == days)
        }
        #expect(SampleCalendar.days(fromCivil: 2010, 12, 1) == 14_944)
        #expect(SampleCalendar.civil(fromDays: 0) == (1970, 1, 1))
    }
}
