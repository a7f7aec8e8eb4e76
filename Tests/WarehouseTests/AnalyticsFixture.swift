import Foundation
import SQLiteStore
@testable import Warehouse

/// A hand-made warehouse for analytics tests: users, orders and events written straight into
/// the tables with SQL, at exact UTC instants and amounts, so every right answer can be worked
/// out by hand.
final class AnalyticsFixture {
    let scratch: Scratch
    let warehouse: Warehouse
    private var nextOrder = 1
    private var nextEvent = 1

    init() throws {
        scratch = try Scratch()
        warehouse = try scratch.warehouse()
        try warehouse.db.execute("""
            INSERT INTO imports (id, kind, format, file_name, status, started_at) VALUES (1, 'orders', 'csv', 'fixture', 'finished', 0)
            """)
    }

    /// Unix seconds of "YYYY-MM-DD" or "YYYY-MM-DD HH:MM" in UTC.
    static func at(_ text: String) -> Int64 {
        let parts = text.split(separator: " ")
        let date = parts[0].split(separator: "-").compactMap { Int($0) }
        let time = parts.count > 1 ? parts[1].split(separator: ":").compactMap { Int($0) } : [0, 0]
        return CivilTime(year: date[0], month: date[1], day: date[2], hour: time[0], minute: time[1]).secondsIfUTC
    }

    /// Adds a user (customer) with an external id.
    @discardableResult
    func user(_ externalID: String, country: String? = "United Kingdom") throws -> Int64 {
        try warehouse.db.run("INSERT INTO users (external_id, country, import_id) VALUES (?, ?, 1)", externalID, country)
        return warehouse.db.lastInsertRowID
    }

    /// Adds an order; `customer` nil makes a guest order. `amount` is decimal text ("12.50").
    func order(_ customer: String?, _ when: String, _ amount: String, kind: String = "purchase", currency: String = "GBP") throws {
        let userID: Int64? = try customer.map { id in
            if let existing = try warehouse.db.scalar("SELECT id FROM users WHERE external_id = ?", id).int64 { return existing }
            return try user(id)
        }
        let micros = Array(amount.utf8).withUnsafeBytes { bytes -> Int64 in
            if case .success(let value) = ExactDecimal.micros(bytes) { return value }
            preconditionFailure("bad amount \(amount) in a fixture")
        }
        try warehouse.db.run("""
            INSERT INTO orders (external_id, user_id, ordered_at, kind, country, currency, amount_micros, line_count, item_count, import_id)
            VALUES (?, ?, ?, ?, 'United Kingdom', ?, ?, 1, 1, 1)
            """, "o\(nextOrder)", userID, Self.at(when), kind, currency, micros)
        nextOrder += 1
    }

    /// Adds an event of a known user.
    func event(_ customer: String, _ when: String, type: String = "view") throws {
        let userID: Int64
        if let existing = try warehouse.db.scalar("SELECT id FROM users WHERE external_id = ?", customer).int64 {
            userID = existing
        } else {
            userID = try user(customer)
        }
        try warehouse.db.run("INSERT INTO events (external_id, user_id, occurred_at, type, import_id) VALUES (?, ?, ?, ?, 1)",
                             "e\(nextEvent)", userID, Self.at(when), type)
        nextEvent += 1
    }

    /// A scope with as-of at a UTC date.
    static func scope(asOf: String? = nil, since: String? = nil, until: String? = nil, country: String? = nil,
                      zone: String? = nil) -> AnalyticsScope {
        AnalyticsScope(asOf: asOf.map(at), since: since.map(at), until: until.map(at), country: country,
                       timeZone: zone.flatMap(TimeZone.init(identifier:)))
    }

    /// The small shop both the retention and the activity tests work out by hand: purchases of
    /// A Jan 10, Jan 20, Mar 5; B Jan 31 23:30, Feb 1 00:30, Apr 2; C Feb 14, Apr 10 and a return
    /// on Mar 1; D Feb 20 and Apr 20; and two guest orders (Jan 12, Feb 12).
    func addFourCustomers() throws {
        try order("A", "2011-01-10 10:00", "10")
        try order("A", "2011-01-20 12:00", "20")
        try order("A", "2011-03-05 09:00", "5")
        try order("B", "2011-01-31 23:30", "40")
        try order("B", "2011-02-01 00:30", "7")
        try order("B", "2011-04-02 08:00", "3")
        try order("C", "2011-02-14 10:00", "100")
        try order("C", "2011-03-01 10:00", "-5", kind: "return")
        try order("C", "2011-04-10 10:00", "50")
        try order("D", "2011-02-20 10:00", "60")
        try order("D", "2011-04-20 10:00", "60")
        try order(nil, "2011-01-12 10:00", "11")
        try order(nil, "2011-02-12 10:00", "12")
    }
}
