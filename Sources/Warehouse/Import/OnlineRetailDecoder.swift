/// The UCI Online Retail layout (`InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,
/// CustomerID,Country`), Online Retail II (`Invoice,…,Price,Customer ID,…`) and the Kaggle export
/// (Latin-1, `12/1/2010 8:26` dates, `13085.0` ids). Columns are found by header name.
struct OnlineRetailDecoder: OrderRowDecoder {
    let file: String
    let zone: ZoneConverter?
    let dateOrder: DateOrder
    let currency: String
    let window: DateWindow
    private var invoice = 0, stockCode = 0, description = 0, quantity = 0, date = 0, price = 0, customer = 0, country = 0
    private var width = 0

    init(file: String, zone: ZoneConverter?, dateOrder: DateOrder, currency: String, window: DateWindow) {
        self.file = file
        self.window = window
        self.zone = zone
        self.dateOrder = dateOrder
        self.currency = currency
    }

    mutating func readHeader(_ reader: CSVReader, text: FieldText) throws -> Bool {
        guard try reader.next() else { throw ImportError(file: file, line: nil, reason: "the file is empty (expected an Online Retail header)") }
        let header = try HeaderMap(reader: reader, text: text, file: file)
        invoice = try header.require("invoice", candidates: ["InvoiceNo", "Invoice"], file: file)
        stockCode = try header.require("stock code", candidates: ["StockCode"], file: file)
        description = try header.require("description", candidates: ["Description"], file: file)
        quantity = try header.require("quantity", candidates: ["Quantity"], file: file)
        date = try header.require("invoice date", candidates: ["InvoiceDate"], file: file)
        price = try header.require("unit price", candidates: ["UnitPrice", "Price"], file: file)
        customer = try header.require("customer", candidates: ["CustomerID", "Customer ID"], file: file)
        country = try header.require("country", candidates: ["Country"], file: file)
        width = header.names.count
        return false
    }

    /// Stock codes of merchandise: five digits and optional letters (`85123A`, also when written
    /// with blanks around it, `47503J `); the rest are postage, fees, vouchers and adjustments
    /// (`POST`, `BANK CHARGES`, `DCGS0076`...). The code itself is stored exactly as written.
    static func isMerchandise(_ code: String) -> Bool {
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        let utf8 = Array(code.utf8.drop(while: blank).reversed().drop(while: blank).reversed())
        guard utf8.count >= 5, utf8.prefix(5).allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        return utf8.dropFirst(5).allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }
    }

    func decode(_ reader: CSVReader, text: FieldText) -> Result<OrderLineInput, RowRejection> {
        guard reader.fieldCount == width else {
            return .failure(.fieldCount(expected: width, found: reader.fieldCount))
        }
        guard let invoiceText = text.exact(invoice), !invoiceText.isEmpty else {
            return .failure(RowRejection(reason: "invoice number is empty"))
        }
        guard let code = text.exact(stockCode), !code.isEmpty else {
            return .failure(RowRejection(reason: "stock code is empty"))
        }
        guard let descriptionText = text.raw(description), let countryText = text.exact(country),
              let customerText = text.exact(customer) else {
            return .failure(.undecodable)
        }
        let quantityValue: Int64, priceValue: Int64, at: LineTime, amount: Int64
        switch FieldParse.integer(reader, quantity, "quantity") { case .success(let v): quantityValue = v; case .failure(let e): return .failure(e) }
        switch FieldParse.decimal(reader, price, "unit price") { case .success(let v): priceValue = v; case .failure(let e): return .failure(e) }
        switch FieldParse.lineTime(reader, date, "invoice date", zone: zone, dateOrder: dateOrder, window: window) { case .success(let v): at = v; case .failure(let e): return .failure(e) }
        switch FieldParse.amount(quantity: quantityValue, unitPrice: priceValue) { case .success(let v): amount = v; case .failure(let e): return .failure(e) }

        let kind: OrderKind
        switch invoiceText.utf8.first {
        case UInt8(ascii: "C"), UInt8(ascii: "c"): kind = .return
        case UInt8(ascii: "A"), UInt8(ascii: "a"): kind = .adjustment
        default: kind = quantityValue < 0 ? .writeOff : .purchase
        }
        return .success(OrderLineInput(
            orderRef: invoiceText, customerRef: FieldParse.customerRef(customerText), time: at, kind: kind,
            productRef: code, productName: descriptionText.isEmpty ? nil : descriptionText,
            isMerchandise: Self.isMerchandise(code), description: descriptionText.isEmpty ? nil : descriptionText,
            quantity: quantityValue, unitPriceMicros: priceValue, amountMicros: amount,
            country: countryText.isEmpty ? nil : countryText, currency: currency))
    }
}
