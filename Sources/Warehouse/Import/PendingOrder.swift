/// The totals an order row keeps of its lines: net amount, line and item counts, and the
/// earliest line's instant (the order's time). Both engines' order writers add lines one by one.
struct OrderLineTotals {
    var amount: Int64 = 0
    var lines: Int64 = 0
    var items: Int64 = 0
    var earliest: Int64

    init(earliest: Int64) { self.earliest = earliest }

    mutating func add(_ line: OrderLineInput) {
        amount += line.amountMicros
        lines += 1
        items += line.quantity
        earliest = min(earliest, line.at)
    }
}

/// A new order whose row is not written yet, with the totals of its lines loaded so far
/// (SQLite's OrderWriter and PostgreSQL's PostgresOrderWriter).
struct PendingOrder {
    let ref: String
    let id: Int64
    let userID: Int64?
    let kind: OrderKind
    let country: String?
    let currency: String
    var totals: OrderLineTotals

    init(ref: String, id: Int64, userID: Int64?, kind: OrderKind, country: String?, currency: String, earliest: Int64) {
        self.ref = ref
        self.id = id
        self.userID = userID
        self.kind = kind
        self.country = country
        self.currency = currency
        totals = OrderLineTotals(earliest: earliest)
    }

    mutating func add(_ line: OrderLineInput) { totals.add(line) }
}
