/// The kind of a source order, decided by the source's own markers.
public enum OrderKind: String, Sendable {
    case purchase, `return`, adjustment
    case writeOff = "write_off"
}

/// When a line happened: the UTC instant its time converts to, and the time as the source wrote it.
struct LineTime {
    /// Unix seconds UTC, after any --timezone conversion.
    let instant: Int64
    /// The source's own reading: its civil fields counted as if they were UTC when it wrote no
    /// offset, else the instant it names. Independent of every import option.
    let asWritten: Int64
    /// The source wrote an offset (`Z`, `+01:00`), so no --timezone took part in `instant`.
    let hadOffset: Bool
}

/// One order line as a format decoder reads it, normalised: UTC instant, exact micro-units.
struct OrderLineInput {
    let orderRef: String
    let customerRef: String?
    let at: Int64
    /// The time was a wall-clock time converted with the import's --timezone.
    let convertedWithZone: Bool
    let kind: OrderKind
    let productRef: String?
    let productName: String?
    let isMerchandise: Bool
    let description: String?
    let quantity: Int64
    let unitPriceMicros: Int64?
    let amountMicros: Int64
    let country: String?
    let currency: String
    /// A stable key of the line's content as the source wrote it, so the same line in another
    /// dump (in any order, any layout, imported with any options) is recognised. It hashes the
    /// time as written, never the converted instant (docs/FORMATS.md, "Identity"). Computed here,
    /// on the decoding thread, to keep it off the writer's thread.
    let lineKey: Int64

    init(orderRef: String, customerRef: String?, time: LineTime, kind: OrderKind, productRef: String?, productName: String?,
         isMerchandise: Bool, description: String?, quantity: Int64, unitPriceMicros: Int64?, amountMicros: Int64,
         country: String?, currency: String) {
        self.orderRef = orderRef
        self.customerRef = customerRef
        at = time.instant
        convertedWithZone = !time.hadOffset
        self.kind = kind
        self.productRef = productRef
        self.productName = productName
        self.isMerchandise = isMerchandise
        self.description = description
        self.quantity = quantity
        self.unitPriceMicros = unitPriceMicros
        self.amountMicros = amountMicros
        self.country = country
        self.currency = currency
        var hash = Self.contentHash(productRef, description, quantity, unitPriceMicros, amountMicros)
        hash.add(time.asWritten)
        hash.add(time.hadOffset ? 1 : 0)
        lineKey = hash.value
    }

    /// The key imports before migration 0011 gave the line: its content and the converted UTC
    /// instant. Orders those imports created keep it (`imports.line_keys = 'instant'`), because
    /// the time as written was not stored and their keys cannot be recomputed.
    var instantLineKey: Int64 {
        var hash = Self.contentHash(productRef, description, quantity, unitPriceMicros, amountMicros)
        hash.add(at)
        return hash.value
    }

    /// The hash of a line's content but its time.
    private static func contentHash(_ productRef: String?, _ description: String?, _ quantity: Int64,
                                    _ unitPriceMicros: Int64?, _ amountMicros: Int64) -> StableHash {
        var hash = StableHash()
        hash.add(productRef)
        hash.add(description)
        hash.add(quantity)
        hash.add(unitPriceMicros)
        hash.add(amountMicros)
        return hash
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

    /// Reads an order line's timestamp: the converted instant and the time as written; an
    /// instant outside `window` is refused.
    static func lineTime(_ reader: CSVReader, _ index: Int, _ name: String, zone: ZoneConverter?, dateOrder: DateOrder,
                         window: DateWindow) -> Result<LineTime, RowRejection> {
        guard let parsed = TimestampParser.parse(reader.field(index), dateOrder: dateOrder) else {
            return .failure(RowRejection(reason: "\(name) \(quoted(reader, index)) is not a date and time this importer reads"))
        }
        let time: LineTime
        switch parsed {
        case .instant(let seconds): time = LineTime(instant: seconds, asWritten: seconds, hadOffset: true)
        case .civil(let civil):
            switch convert(civil, reader, index, name, zone: zone) {
            case .success(let seconds): time = LineTime(instant: seconds, asWritten: civil.secondsIfUTC, hadOffset: false)
            case .failure(let rejection): return .failure(rejection)
            }
        }
        return window.contains(time.instant) ? .success(time) : .failure(outside(window, reader, index, name))
    }

    /// Reads a timestamp; wall-clock times are converted with `zone`; an instant outside `window` is refused.
    static func instant(_ reader: CSVReader, _ index: Int, _ name: String, zone: ZoneConverter?, dateOrder: DateOrder,
                        window: DateWindow) -> Result<Int64, RowRejection> {
        let read = civilOrInstant(reader, index, name, zone: zone, dateOrder: dateOrder)
        guard case .success(let seconds) = read, !window.contains(seconds) else { return read }
        return .failure(outside(window, reader, index, name))
    }

    private static func outside(_ window: DateWindow, _ reader: CSVReader, _ index: Int, _ name: String) -> RowRejection {
        RowRejection(reason: "\(name) \(quoted(reader, index)) is outside the accepted dates \(window.text) (--dates-between)")
    }

    private static func civilOrInstant(_ reader: CSVReader, _ index: Int, _ name: String, zone: ZoneConverter?,
                                       dateOrder: DateOrder) -> Result<Int64, RowRejection> {
        guard let parsed = TimestampParser.parse(reader.field(index), dateOrder: dateOrder) else {
            return .failure(RowRejection(reason: "\(name) \(quoted(reader, index)) is not a date and time this importer reads"))
        }
        switch parsed {
        case .instant(let seconds): return .success(seconds)
        case .civil(let civil): return convert(civil, reader, index, name, zone: zone)
        }
    }

    /// The instant of a wall-clock time in `zone`, or why it has none.
    private static func convert(_ civil: CivilTime, _ reader: CSVReader, _ index: Int, _ name: String, zone: ZoneConverter?) -> Result<Int64, RowRejection> {
        guard let zone else {
            return .failure(RowRejection(reason: "\(name) \(quoted(reader, index)) has no time zone offset; pass --timezone"))
        }
        do { return .success(try zone.instant(of: civil)) } catch {
            return .failure(RowRejection(reason: "\(name) \(quoted(reader, index)) does not exist in \(zone.zone.identifier) (skipped by a daylight-saving change)"))
        }
    }

    /// Multiplies quantity by unit price exactly, or rejects on overflow.
    static func amount(quantity: Int64, unitPrice: Int64) -> Result<Int64, RowRejection> {
        let (product, overflow) = quantity.multipliedReportingOverflow(by: unitPrice)
        return overflow ? .failure(RowRejection(reason: "quantity × unit price is out of range")) : .success(product)
    }

    /// The field in quotes for a message, cut to `Excerpt.limit` bytes.
    static func quoted(_ reader: CSVReader, _ index: Int) -> String {
        "'" + Excerpt.of(reader.field(index)) + "'"
    }

    /// Normalises a customer id: a spreadsheet's ".0" suffix on a number removed (nothing else: blanks are kept).
    static func customerRef(_ text: String) -> String? {
        guard !text.isEmpty else { return nil }
        if text.hasSuffix(".0"), text.dropLast(2).allSatisfy(\.isNumber), text.count > 2 { return String(text.dropLast(2)) }
        return text
    }
}
