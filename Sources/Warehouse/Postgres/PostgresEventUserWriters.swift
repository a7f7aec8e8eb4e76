import PostgresStore

/// Writes decoded events into PostgreSQL a batch at a time with SQLite's `EventWriter`'s rules:
/// an event is stored once by its external id (the source's, or the decoder's content hash), and
/// the users and products it names are created when new, duplicate or not.
final class PostgresEventWriter {
    private let db: PGConnection
    private let importID: Int64
    private let entities: PostgresEntities
    private var nextEventID: Int64

    init(db: PGConnection, importID: Int64, entities: PostgresEntities) throws {
        self.db = db
        self.importID = importID
        self.entities = entities
        nextEventID = (try db.scalar("SELECT coalesce(max(id), 0) FROM events").int64 ?? 0) + 1
    }

    func write(_ records: [DecodedRecord<EventInput>], counts: inout ImportCounts) throws -> [RowRejection?] {
        var ids: [String] = [], users = Set<String>(), products = Set<String>()
        for record in records {
            guard case .success(let event) = record.outcome else { continue }
            ids.append(event.externalID)
            if let ref = event.userRef { users.insert(ref) }
            if let ref = event.productRef { products.insert(ref) }
        }
        try entities.prefetch(users: users, products: products)
        var stored = Set<String>()
        if !ids.isEmpty {
            for row in try db.query("SELECT external_id FROM event_keys WHERE external_id = ANY($1)", [.textArray(ids)]) {
                if let id = row[0].string { stored.insert(id) }
            }
        }
        var outcomes: [RowRejection?] = []
        var events = PGCopyText(), keys = PGCopyText()
        for record in records {
            let event: EventInput
            switch record.outcome {
            case .failure(let rejection): outcomes.append(rejection); continue
            case .success(let decoded): event = decoded
            }
            outcomes.append(nil)
            let userID = event.userRef.map { entities.user($0, country: nil) }
            let productID = event.productRef.map { entities.product($0, name: nil, isMerchandise: true) }
            guard stored.insert(event.externalID).inserted else {
                counts.duplicate += 1
                continue
            }
            let id = nextEventID
            nextEventID += 1
            events.integer(id); events.integer(userID ?? -id); events.text(event.externalID); events.integer(userID); events.integer(event.at)
            events.text(event.type); events.integer(productID); events.integer(event.valueMicros); events.text(event.properties)
            events.integer(importID)
            events.endRow()
            keys.text(event.externalID); keys.integer(id); keys.integer(userID ?? -id)
            keys.endRow()
            counts.loaded += 1
            counts.propertyKeysDropped += event.droppedKeys
        }
        try entities.flush()
        try db.copy(into: "events", columns: ["id", "customer_key", "external_id", "user_id", "occurred_at", "type", "product_id",
                                               "value_micros", "properties", "import_id"], events)
        try db.copy(into: "event_keys", columns: ["external_id", "event_id", "customer_key"], keys)
        return outcomes
    }
}

/// Writes decoded users into PostgreSQL a batch at a time with SQLite's `UserWriter`'s rule: a
/// new user is inserted; a known one takes the row's country and sign-up time where the row has
/// them; a row that changes nothing is a duplicate.
final class PostgresUserWriter {
    private let db: PGConnection
    private let entities: PostgresEntities

    init(db: PGConnection, entities: PostgresEntities) {
        self.db = db
        self.entities = entities
    }

    func write(_ records: [DecodedRecord<UserInput>], counts: inout ImportCounts) throws -> [RowRejection?] {
        var refs = Set<String>()
        for record in records { if case .success(let user) = record.outcome { refs.insert(user.externalID) } }
        try entities.prefetch(users: refs, products: [])
        // The stored values of the known users the batch names.
        typealias Values = (country: String?, signedUp: Int64?)
        var current: [Int64: Values] = [:]
        let known = refs.compactMap { entities.knownUser($0) }
        if !known.isEmpty {
            for row in try db.query("SELECT id, country, signed_up_at FROM users WHERE id = ANY($1)", [.integerArray(known)]) {
                if let id = row[0].int64 { current[id] = (row[1].string, row[2].int64) }
            }
        }
        var outcomes: [RowRejection?] = []
        var changed: [Int64: Values] = [:]
        var createdValues: [String: Values] = [:]
        var createdOrder: [String] = []
        for record in records {
            let user: UserInput
            switch record.outcome {
            case .failure(let rejection): outcomes.append(rejection); continue
            case .success(let decoded): user = decoded
            }
            outcomes.append(nil)
            if let id = entities.knownUser(user.externalID) {
                let old: Values = changed[id] ?? current[id] ?? Values(country: nil, signedUp: nil)
                let new: Values = (country: user.country ?? old.country, signedUp: user.signedUpAt ?? old.signedUp)
                if new.country != old.country || new.signedUp != old.signedUp {
                    changed[id] = new
                    counts.loaded += 1
                } else {
                    counts.duplicate += 1
                }
            } else if let old = createdValues[user.externalID] {
                let new: Values = (country: user.country ?? old.country, signedUp: user.signedUpAt ?? old.signedUp)
                if new.country != old.country || new.signedUp != old.signedUp {
                    createdValues[user.externalID] = new
                    counts.loaded += 1
                } else {
                    counts.duplicate += 1
                }
            } else {
                createdOrder.append(user.externalID)
                createdValues[user.externalID] = (user.country, user.signedUpAt)
                counts.loaded += 1
            }
        }
        // New users are written with their final values of the batch, in the order they appeared.
        for ref in createdOrder {
            let values = createdValues[ref]!
            entities.user(ref, country: values.country, signedUpAt: values.signedUp)
        }
        try entities.flush()
        for (id, values) in changed.sorted(by: { $0.key < $1.key }) {
            try db.query("UPDATE users SET country = $1, signed_up_at = $2 WHERE id = $3",
                         [values.country.map(PGValue.text) ?? .null, values.signedUp.map(PGValue.integer) ?? .null, .integer(id)])
        }
        return outcomes
    }
}
