import SQLiteStore

/// One order line ready for `order_lines`.
struct StoredLine {
    var orderID: Int64
    var productID: Int64?
    var key: Int64
    var occurrence: Int64
    var quantity: Int64
    var unitPriceMicros: Int64?
    var amountMicros: Int64
    var description: String?
    var at: Int64
    var sourceLine: Int64
    var importID: Int64

    static let columns = "order_id, product_id, line_key, occurrence, quantity, unit_price_micros, amount_micros, description, line_at, source_line, import_id"
    static let placeholders = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

    /// Binds the eleven columns in `columns` order, from parameter `first` on.
    func bind(to statement: Statement, from first: Int32) {
        statement.bind(int64: orderID, at: first)
        if let productID { statement.bind(int64: productID, at: first + 1) } else { statement.bindNull(at: first + 1) }
        statement.bind(int64: key, at: first + 2)
        statement.bind(int64: occurrence, at: first + 3)
        statement.bind(int64: quantity, at: first + 4)
        if let unitPriceMicros { statement.bind(int64: unitPriceMicros, at: first + 5) } else { statement.bindNull(at: first + 5) }
        statement.bind(int64: amountMicros, at: first + 6)
        if let description { statement.bind(text: description, at: first + 7) } else { statement.bindNull(at: first + 7) }
        statement.bind(int64: at, at: first + 8)
        statement.bind(int64: sourceLine, at: first + 9)
        statement.bind(int64: importID, at: first + 10)
    }
}

/// Inserts lines of orders this import is creating, many rows per INSERT statement.
///
/// Such a line cannot already be stored (its order is new and its occurrence is counted in
/// memory), so it needs neither the duplicate check nor to know whether it was inserted: lines
/// wait here and go `rowsPerStatement` at a time, which spares SQLite most of its per-statement
/// work. The statements have no ON CONFLICT clause, so a line that did exist would fail the batch
/// rather than be dropped. Call `flush()` before anything reads `order_lines`, and before a commit.
final class NewLineInserter {
    static let rowsPerStatement = 64
    private var waiting: [StoredLine] = []
    private let insertMany: Statement
    private let insertOne: Statement

    init(db: Connection) throws {
        let many = Array(repeating: StoredLine.placeholders, count: Self.rowsPerStatement).joined(separator: ", ")
        insertMany = try db.prepare("INSERT INTO order_lines (\(StoredLine.columns)) VALUES \(many)")
        insertOne = try db.prepare("INSERT INTO order_lines (\(StoredLine.columns)) VALUES \(StoredLine.placeholders)")
        waiting.reserveCapacity(Self.rowsPerStatement)
    }

    /// Queues a line; inserts the queue when it is full.
    func append(_ line: StoredLine) throws {
        waiting.append(line)
        guard waiting.count == Self.rowsPerStatement else { return }
        for (index, line) in waiting.enumerated() { line.bind(to: insertMany, from: Int32(index * 11 + 1)) }
        try Self.run(insertMany)
        waiting.removeAll(keepingCapacity: true)
    }

    /// Inserts the lines still waiting, one statement each.
    func flush() throws {
        for line in waiting {
            line.bind(to: insertOne, from: 1)
            try Self.run(insertOne)
        }
        waiting.removeAll(keepingCapacity: true)
    }

    private static func run(_ statement: Statement) throws {
        defer { statement.reset() }
        try statement.step()
    }
}
