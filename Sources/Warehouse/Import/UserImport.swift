import SQLiteStore

/// One customer as read from a CSV of users.
struct UserInput {
    var externalID: String
    var signedUpAt: Int64?
    var country: String?
}

/// Users from any CSV. Fields: user_id (required); signed_up_at, country.
struct CSVUserDecoder {
    static let fields: [CSVFieldMap.Field] = [
        .init(name: "user_id", aliases: ["customer_id", "id", "customer"], required: true),
        .init(name: "signed_up_at", aliases: ["created_at", "signup_at", "registered_at"], required: false),
        .init(name: "country", aliases: [], required: false),
    ]

    let zone: ZoneConverter?
    let dateOrder: DateOrder
    let window: DateWindow
    private let columns: CSVFieldMap

    init(reader: CSVReader, text: FieldText, file: String, zone: ZoneConverter?, dateOrder: DateOrder, map: [String: String], window: DateWindow) throws {
        guard try reader.next() else { throw ImportError(file: file, line: nil, reason: "the file is empty (expected a header line)") }
        columns = try CSVFieldMap(header: HeaderMap(reader: reader, text: text, file: file), fields: Self.fields, map: map, file: file)
        self.zone = zone
        self.window = window
        self.dateOrder = dateOrder
    }

    func decode(_ reader: CSVReader, text: FieldText) -> Result<UserInput, RowRejection> {
        guard reader.fieldCount == columns.width else {
            return .failure(.fieldCount(expected: columns.width, found: reader.fieldCount))
        }
        var fields = MappedFields(columns, text)
        let country = fields.string("country")
        guard let id = text.exact(columns["user_id"]!), !fields.undecodable else { return .failure(.undecodable) }
        guard let externalID = FieldParse.customerRef(id) else { return .failure(RowRejection(reason: "user_id is empty")) }
        var signedUp: Int64?
        if let index = columns["signed_up_at"], !text.isBlank(index) {
            switch FieldParse.instant(reader, index, "signed_up_at", zone: zone, dateOrder: dateOrder, window: window) {
            case .success(let v): signedUp = v
            case .failure(let e): return .failure(e)
            }
        }
        return .success(UserInput(externalID: externalID, signedUpAt: signedUp, country: country))
    }
}

/// Inserts or updates users by external id: a row that changes nothing is a duplicate.
struct UserWriter {
    let db: Connection
    let importID: Int64
    let entities: EntityResolver

    func write(_ user: UserInput) throws -> Bool {
        try db.run("""
            INSERT INTO users (external_id, country, signed_up_at, import_id) VALUES (?, ?, ?, ?)
            ON CONFLICT (external_id) DO UPDATE SET
                country = coalesce(excluded.country, country),
                signed_up_at = coalesce(excluded.signed_up_at, signed_up_at)
            WHERE coalesce(excluded.country, country) IS NOT country
               OR coalesce(excluded.signed_up_at, signed_up_at) IS NOT signed_up_at
            """, entities.storedCustomerID(user.externalID), user.country, user.signedUpAt, importID)
        return db.changes == 1
    }
}
