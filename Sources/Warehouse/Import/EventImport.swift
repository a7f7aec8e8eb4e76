import Foundation
import SQLiteStore

/// One behavioural event as read from a CSV event log.
struct EventInput {
    var externalID: String
    var userRef: String?
    var at: Int64
    var type: String
    var productRef: String?
    var valueMicros: Int64?
    var properties: String?
    /// Top-level property keys `--keep-properties` left out.
    var droppedKeys = 0
}

extension EventInput {
    /// The event without its properties when they hold an erased customer's id as a whole value
    /// or key (a referral, a shared basket): the event stays, its dropped keys are counted.
    func withoutProperties(naming erased: inout ErasedCustomers) -> EventInput {
        guard let properties, erased.mentioned(inJSON: properties) else { return self }
        var event = self
        event.properties = nil
        let keys = (try? JSONSerialization.jsonObject(with: Data(properties.utf8)) as? [String: Any])?.count ?? 0
        event.droppedKeys += keys
        return event
    }
}

/// Events from any CSV. Fields: occurred_at, type (required); event_id, user_id, product_id,
/// value, properties (a JSON object). Without an event_id column, an event's identity is a hash
/// of its content, so re-importing the same log adds nothing.
struct CSVEventDecoder {
    static let fields: [CSVFieldMap.Field] = [
        .init(name: "event_id", aliases: ["id", "event"], required: false),
        .init(name: "user_id", aliases: ["customer_id", "user", "customer"], required: false),
        .init(name: "occurred_at", aliases: ["timestamp", "time", "event_time", "created_at"], required: true),
        .init(name: "type", aliases: ["event_type", "event_name", "name"], required: true),
        .init(name: "product_id", aliases: ["sku", "stock_code", "item_id"], required: false),
        .init(name: "value", aliases: ["amount", "score"], required: false),
        .init(name: "properties", aliases: ["props", "attributes"], required: false),
    ]

    let file: String
    let zone: ZoneConverter?
    let dateOrder: DateOrder
    let window: DateWindow
    /// The property keys kept (nil: all); applied after the content hash, so an event is the same row whatever is kept.
    let keeping: PropertyFilter?
    private let columns: CSVFieldMap

    init(reader: CSVReader, text: FieldText, file: String, zone: ZoneConverter?, dateOrder: DateOrder, map: [String: String], window: DateWindow,
         keeping: PropertyFilter?) throws {
        guard try reader.next() else { throw ImportError(file: file, line: nil, reason: "the file is empty (expected a header line)") }
        columns = try CSVFieldMap(header: HeaderMap(reader: reader, text: text, file: file), fields: Self.fields, map: map, file: file)
        self.file = file
        self.window = window
        self.keeping = keeping
        self.zone = zone
        self.dateOrder = dateOrder
    }

    func decode(_ reader: CSVReader, text: FieldText) -> Result<EventInput, RowRejection> {
        guard reader.fieldCount == columns.width else {
            return .failure(.fieldCount(expected: columns.width, found: reader.fieldCount))
        }
        var fields = MappedFields(columns, text)
        let eventID = fields.string("event_id"), user = fields.string("user_id"), typeText = fields.string("type")
        let productRef = fields.string("product_id"), propertiesText = fields.string("properties")
        if fields.undecodable { return .failure(.undecodable) }
        guard let type = typeText else { return .failure(RowRejection(reason: "type is empty")) }
        let at: Int64
        switch FieldParse.instant(reader, columns["occurred_at"]!, "occurred_at", zone: zone, dateOrder: dateOrder, window: window) {
        case .success(let v): at = v
        case .failure(let e): return .failure(e)
        }
        var value: Int64?
        if let index = columns["value"], !text.isBlank(index) {
            switch FieldParse.decimal(reader, index, "value") { case .success(let v): value = v; case .failure(let e): return .failure(e) }
        }
        var properties: String?
        if let json = propertiesText {
            guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)), object is [String: Any] else {
                return .failure(RowRejection(reason: "properties is not a JSON object"))
            }
            properties = json
        }
        let userRef = user.flatMap(FieldParse.customerRef)
        let externalID: String
        if let eventID {
            externalID = eventID
        } else {
            var hash = StableHash()
            hash.add(userRef); hash.add(at); hash.add(type); hash.add(productRef); hash.add(value); hash.add(properties)
            externalID = "h:" + String(UInt64(bitPattern: hash.value), radix: 16)
        }
        var dropped = 0
        if let keeping, let full = properties { (properties, dropped) = keeping.apply(full) }
        return .success(EventInput(externalID: externalID, userRef: userRef, at: at, type: type,
                                   productRef: productRef, valueMicros: value, properties: properties, droppedKeys: dropped))
    }
}

/// Inserts events once by external id; users and products they name are created when new.
struct EventWriter {
    let db: Connection
    let importID: Int64
    let entities: EntityResolver

    func write(_ event: EventInput, counts: inout ImportCounts) throws -> Bool {
        let userID = try event.userRef.map { try entities.user($0, country: nil) }
        let productID = try event.productRef.map { try entities.product($0, name: nil, isMerchandise: true) }
        try db.run("""
            INSERT INTO events (external_id, user_id, occurred_at, type, product_id, value_micros, properties, import_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (external_id) DO NOTHING
            """, entities.storedEventID(event.externalID), userID, event.at, event.type, productID, event.valueMicros, event.properties,
            importID)
        guard db.changes == 1 else { return false }
        counts.propertyKeysDropped += event.droppedKeys
        return true
    }
}
