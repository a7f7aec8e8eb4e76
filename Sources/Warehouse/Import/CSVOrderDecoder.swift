/// Orders or order lines from any CSV: one row per line (or per order, with an `amount` and no
/// product). Fields: order_id, ordered_at (required); customer_id, product_id, product_name,
/// quantity (default 1), unit_price or amount, currency, country, kind (purchase/return...).
struct CSVOrderDecoder: OrderRowDecoder {
    static let fields: [CSVFieldMap.Field] = [
        .init(name: "order_id", aliases: ["order", "invoice", "invoice_no", "order_ref"], required: true),
        .init(name: "ordered_at", aliases: ["order_date", "date", "created_at", "timestamp"], required: true),
        .init(name: "customer_id", aliases: ["user_id", "customer"], required: false),
        .init(name: "product_id", aliases: ["sku", "stock_code"], required: false),
        .init(name: "product_name", aliases: ["description"], required: false),
        .init(name: "quantity", aliases: ["qty"], required: false),
        .init(name: "unit_price", aliases: ["price"], required: false),
        .init(name: "amount", aliases: ["total", "line_total", "value"], required: false),
        .init(name: "currency", aliases: [], required: false),
        .init(name: "country", aliases: [], required: false),
        .init(name: "kind", aliases: ["status", "type"], required: false),
    ]

    let file: String
    let zone: ZoneConverter?
    let dateOrder: DateOrder
    let currency: String?
    let map: [String: String]
    let window: DateWindow
    private var columns: CSVFieldMap?

    init(file: String, zone: ZoneConverter?, dateOrder: DateOrder, currency: String?, map: [String: String], window: DateWindow) {
        self.file = file
        self.window = window
        self.zone = zone
        self.dateOrder = dateOrder
        self.currency = currency
        self.map = map
    }

    mutating func readHeader(_ reader: CSVReader, text: FieldText) throws -> Bool {
        guard try reader.next() else { throw ImportError(file: file, line: nil, reason: "the file is empty (expected a header line)") }
        let columns = try CSVFieldMap(header: HeaderMap(reader: reader, text: text, file: file), fields: Self.fields, map: map, file: file)
        guard columns["unit_price"] != nil || columns["amount"] != nil else {
            throw ImportError(file: file, line: 1, reason: "no unit_price or amount column: add --map unit_price=COLUMN or --map amount=COLUMN")
        }
        guard columns["currency"] != nil || currency != nil else {
            throw ImportError(file: file, line: nil, reason: "no currency column: add --currency CODE or --map currency=COLUMN")
        }
        self.columns = columns
        return false
    }

    func decode(_ reader: CSVReader, text: FieldText) -> Result<OrderLineInput, RowRejection> {
        guard let columns else { preconditionFailure("readHeader runs first") }
        guard reader.fieldCount == columns.width else {
            return .failure(.fieldCount(expected: columns.width, found: reader.fieldCount))
        }
        var fields = MappedFields(columns, text)
        guard let orderIndex = columns["order_id"], let orderRef = text.exact(orderIndex), !orderRef.isEmpty else {
            return .failure(RowRejection(reason: "order_id is empty or not valid text"))
        }
        let at: LineTime
        switch FieldParse.lineTime(reader, columns["ordered_at"]!, "ordered_at", zone: zone, dateOrder: dateOrder, window: window) {
        case .success(let v): at = v
        case .failure(let e): return .failure(e)
        }
        var quantity: Int64 = 1
        if let index = columns["quantity"], !text.isBlank(index) {
            switch FieldParse.integer(reader, index, "quantity") { case .success(let v): quantity = v; case .failure(let e): return .failure(e) }
        }
        var unitPrice: Int64?
        if let index = columns["unit_price"], !text.isBlank(index) {
            switch FieldParse.decimal(reader, index, "unit_price") { case .success(let v): unitPrice = v; case .failure(let e): return .failure(e) }
        }
        var amount: Int64
        if let index = columns["amount"], !text.isBlank(index) {
            switch FieldParse.decimal(reader, index, "amount") { case .success(let v): amount = v; case .failure(let e): return .failure(e) }
        } else if let unitPrice {
            switch FieldParse.amount(quantity: quantity, unitPrice: unitPrice) { case .success(let v): amount = v; case .failure(let e): return .failure(e) }
        } else {
            return .failure(RowRejection(reason: "neither unit_price nor amount is given"))
        }
        let customer = fields.string("customer_id"), product = fields.string("product_id")
        let name = fields.string("product_name"), currencyText = fields.code("currency")
        let country = fields.string("country"), kindText = fields.code("kind")
        if fields.undecodable { return .failure(.undecodable) }
        guard let rowCurrency = currencyText ?? currency else {
            return .failure(RowRejection(reason: "currency is empty and no --currency was given"))
        }
        guard let code = CurrencyCode.normalized(rowCurrency) else {
            return .failure(RowRejection(reason: CurrencyCode.refusal(rowCurrency, source: "currency")))
        }
        let kind: OrderKind
        switch kindText?.lowercased() {
        case nil: kind = quantity < 0 || amount < 0 ? .return : .purchase
        case "purchase", "sale", "order", "completed", "paid": kind = .purchase
        case "return", "refund", "cancellation", "cancelled", "canceled": kind = .return
        case "adjustment": kind = .adjustment
        case "write_off", "writeoff": kind = .writeOff
        case let other?: return .failure(RowRejection(reason: "kind '\(Excerpt.of(other))' is not purchase, return, adjustment or write_off"))
        }
        return .success(OrderLineInput(
            orderRef: orderRef, customerRef: customer.flatMap(FieldParse.customerRef), time: at, kind: kind,
            productRef: product, productName: name, isMerchandise: true, description: name, quantity: quantity,
            unitPriceMicros: unitPrice, amountMicros: amount, country: country, currency: code))
    }
}
