/// The CDNOW purchase logs: whitespace-separated `customer_id date number_of_cds dollar_value`
/// (master, with a header line) or `customer_id sample_id date number_of_cds dollar_value`
/// (sample, no header); dates `YYYYMMDD` with no time of day. There is no order id: a row is
/// identified by customer, date and its position among that customer's rows of that day, so the
/// sample's rows are the same orders as the master's. The order id therefore holds the customer
/// id: a pseudonymised warehouse stores her pseudonym in it (`orderRef`).
struct CDNOWDecoder: OrderRowDecoder {
    let file: String
    let zone: ZoneConverter?
    let currency: String
    let window: DateWindow
    /// Set in a pseudonymised warehouse.
    let pseudonyms: PseudonymKey?
    private var dateColumn = 1
    private var width = 4
    /// Rows seen per (customer, date) in this file, to number same-day rows.
    private final class Positions { var seen: [String: Int] = [:] }
    private let positions = Positions()

    init(file: String, zone: ZoneConverter?, currency: String, window: DateWindow, pseudonyms: PseudonymKey?) {
        self.file = file
        self.pseudonyms = pseudonyms
        self.window = window
        self.zone = zone
        self.currency = currency
    }

    /// Peeks at the first record: a header is skipped; 4 fields is the master layout, 5 the sample's.
    mutating func readHeader(_ reader: CSVReader, text: FieldText) throws -> Bool {
        guard try reader.next() else { throw ImportError(file: file, line: nil, reason: "the file is empty") }
        let first = reader.field(0)
        let isHeader = !(first.first.map { $0 >= 0x30 && $0 <= 0x39 } ?? false)
        if isHeader {
            guard try reader.next() else { return false }
        }
        width = reader.fieldCount == 5 ? 5 : 4
        dateColumn = width == 5 ? 2 : 1
        return true
    }

    /// A CDNOW order id: `customer:date:position`, the customer as the warehouse stores her.
    static func orderRef(customer: String, rest: String) -> String {
        customer + ":" + rest
    }

    /// The order id with its customer part replaced (`pseudonymise` rewriting a stored id).
    static func orderRef(_ stored: String, customer transform: (String) -> String) -> String {
        guard let colon = stored.firstIndex(of: ":") else { return stored }
        return orderRef(customer: transform(String(stored[..<colon])), rest: String(stored[stored.index(after: colon)...]))
    }

    func decode(_ reader: CSVReader, text: FieldText) -> Result<OrderLineInput, RowRejection> {
        guard reader.fieldCount == width else {
            return .failure(RowRejection(reason: "expected \(width) whitespace-separated fields, found \(reader.fieldCount)"))
        }
        guard let customer = text.trimmed(0), let dateText = text.trimmed(dateColumn) else {
            return .failure(RowRejection(reason: "a field is not valid UTF-8"))
        }
        let cds: Int64, value: Int64, at: LineTime
        switch FieldParse.integer(reader, dateColumn + 1, "number of CDs") { case .success(let v): cds = v; case .failure(let e): return .failure(e) }
        switch FieldParse.decimal(reader, dateColumn + 2, "dollar value") { case .success(let v): value = v; case .failure(let e): return .failure(e) }
        switch FieldParse.lineTime(reader, dateColumn, "date", zone: zone, dateOrder: .monthFirst, window: window) { case .success(let v): at = v; case .failure(let e): return .failure(e) }
        let dayKey = customer + ":" + dateText
        let position = (positions.seen[dayKey] ?? 0) + 1
        positions.seen[dayKey] = position
        return .success(OrderLineInput(
            orderRef: Self.orderRef(customer: pseudonyms?.pseudonym(of: customer) ?? customer, rest: "\(dateText):\(position)"),
            customerRef: customer, time: at,
            kind: value < 0 ? .return : .purchase, productRef: nil, productName: nil, isMerchandise: true,
            description: nil, quantity: cds, unitPriceMicros: nil, amountMicros: value, country: nil, currency: currency))
    }
}
