/// The kind of a source order, decided by the source's own markers.
public enum OrderKind: String, Sendable {
    case purchase, `return`, adjustment
    case writeOff = "write_off"
}

/// One order line as a format decoder reads it, normalised: UTC instant, exact micro-units.
struct OrderLineInput {
    var orderRef: String
    var customerRef: String?
    var at: Int64
    var kind: OrderKind
    var productRef: String?
    var productName: String?
    var isMerchandise: Bool
    var description: String?
    var quantity: Int64
    var unitPriceMicros: Int64?
    var amountMicros: Int64
    var country: String?
    var currency: String

    /// A stable key of the line's content, so the same line in another dump (in any order) is recognised.
    var lineKey: Int64 {
        var hash = StableHash()
        hash.add(productRef)
        hash.add(description)
        hash.add(quantity)
        hash.add(unitPriceMicros)
        hash.add(amountMicros)
        hash.add(at)
        return hash.value
    }
}

/// Turns the current record of a reader into an order line, or a rejection.
protocol OrderRowDecoder {
    /// Reads the header (if the format has one) before the first row. Returns true when the
    /// reader was left on a data record that must be imported before the next `next()`.
    mutating func readHeader(_ reader: CSVReader, text: FieldText) throws -> Bool
    func decode(_ reader: CSVReader, text: FieldText) -> Result<OrderLineInput, RowRejection>
}

/// Shared field conversions for decoders.
enum FieldParse {
    static func decimal(_ reader: CSVReader, _ index: Int, _ name: String) -> Result<Int64, RowRejection> {
        ExactDecimal.micros(reader.field(index)).mapError { RowRejection(reason: "\(name) \(quoted(reader, index)) \($0)") }
    }

    static func integer(_ reader: CSVReader, _ index: Int, _ name: String) -> Result<Int64, RowRejection> {
        ExactDecimal.integer(reader.field(index)).mapError { _ in RowRejection(reason: "\(name) \(quoted(reader, index)) is not a whole number") }
    }

    /// Reads a timestamp; wall-clock times are converted with `zone`.
    static func instant(_ reader: CSVReader, _ index: Int, _ name: String, zone: ZoneConverter?, dateOrder: DateOrder) -> Result<Int64, RowRejection> {
        guard let parsed = TimestampParser.parse(reader.field(index), dateOrder: dateOrder) else {
            return .failure(RowRejection(reason: "\(name) \(quoted(reader, index)) is not a date and time this importer reads"))
        }
        switch parsed {
        case .instant(let seconds): return .success(seconds)
        case .civil(let civil):
            guard let zone else {
                return .failure(RowRejection(reason: "\(name) \(quoted(reader, index)) has no time zone offset; pass --timezone"))
            }
            do { return .success(try zone.instant(of: civil)) } catch {
                return .failure(RowRejection(reason: "\(name) \(quoted(reader, index)) does not exist in \(zone.zone.identifier) (skipped by a daylight-saving change)"))
            }
        }
    }

    /// Multiplies quantity by unit price exactly, or rejects on overflow.
    static func amount(quantity: Int64, unitPrice: Int64) -> Result<Int64, RowRejection> {
        let (product, overflow) = quantity.multipliedReportingOverflow(by: unitPrice)
        return overflow ? .failure(RowRejection(reason: "quantity × unit price is out of range")) : .success(product)
    }

    static func quoted(_ reader: CSVReader, _ index: Int) -> String {
        "'" + String(decoding: reader.field(index), as: UTF8.self) + "'"
    }

    /// Normalises a customer id: blanks trimmed, a spreadsheet's ".0" suffix on a number removed.
    static func customerRef(_ text: String) -> String? {
        guard !text.isEmpty else { return nil }
        if text.hasSuffix(".0"), text.dropLast(2).allSatisfy(\.isNumber), text.count > 2 { return String(text.dropLast(2)) }
        return text
    }
}
