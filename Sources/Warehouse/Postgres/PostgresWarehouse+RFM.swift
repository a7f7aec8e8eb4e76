import Foundation
import PostgresStore
import SQLiteStore

/// `lifecycle rfm` on PostgreSQL: the same summary and customer lists as `Warehouse.rfmSummary`
/// and `rfmUsers`, from `sql/postgres/rfm_summary.sql`, `rfm_users.sql` and `excluded_orders.sql`
/// (the counterparts of sql/'s files, same parameters and columns), so the CLI renders them
/// through the very same answers, a segment map file's names included. What the PostgreSQL
/// warehouse does not have yet is refused by name: a question over several currencies
/// (`--currency` picks one when the warehouse holds several). A `--timezone` sets the default as-of (local midnight after the
/// last order) and how dates are read, as on a file.
extension PostgresWarehouse {
    /// The RFM segment summary and score thresholds.
    public func rfmSummary(_ options: RFMOptions) throws -> RFMSummary {
        let scope = try resolveRFM(options)
        let (segments, scores) = RFMSummary.sections(try postgresQuery("rfm_summary", rfmParameters(scope, options)))
        return RFMSummary(scope: scope, bins: options.bins, segmentMapSource: options.segmentMap?.source ?? "standard",
                          segments: segments, scores: scores, exclusions: try exclusions(scope))
    }

    /// Every customer's RFM values, scores and segment, best scores first.
    public func rfmUsers(_ options: RFMOptions, segment: String? = nil) throws -> (scope: ResolvedScope, users: [RFMUser]) {
        let scope = try resolveRFM(options)
        var parameters = rfmParameters(scope, options)
        parameters["segment"] = segment.map(PGValue.text) ?? .null
        let users = try postgresQuery("rfm_users", parameters).map(RFMUser.init(row:))
        return (scope, users)
    }

    /// The scope of an RFM question.
    private func resolveRFM(_ options: RFMOptions) throws -> ResolvedScope {
        try resolve(options.scope)
    }

    /// The orders customer analytics leave out (`sql/postgres/excluded_orders.sql`), by
    /// `Warehouse.exclusions`' rule: from `since` when given, not from the scope's window.
    func exclusions(_ scope: ResolvedScope, since: Int64? = nil) throws -> Exclusions {
        var result = Exclusions()
        result.guestAmountsInSeveralCurrencies = scope.currency == nil
        var parameters = Self.parameters(scope)
        parameters["since"] = since.map { PGValue.text(UTCText.dateTime($0)) } ?? .null
        for row in try postgresQuery("excluded_orders", parameters) {
            let orders = Int(row["orders"].int64 ?? 0)
            switch row["reason"].string ?? "" {
            case "guest":
                result.guestOrders = orders
                result.guestAmountMicros = row["amount_micros"].int64 ?? 0
            case "adjustment": result.adjustments = orders
            case "write_off": result.writeOffs = orders
            default: break
            }
        }
        return result
    }

    /// rfm_summary.sql's and rfm_users.sql's parameters: the scope's, the score bins, and a
    /// segment map file's cells as four parallel arrays (NULL: the stored grid). Arrays, not a
    /// temporary table: readers run in a read-only transaction, where PostgreSQL creates none.
    func rfmParameters(_ scope: ResolvedScope, _ options: RFMOptions) -> [String: PGValue] {
        var parameters = Self.parameters(scope)
        parameters["recency_bins"] = options.bins.json(.recency).map(PGValue.text) ?? .null
        parameters["frequency_bins"] = options.bins.json(.frequency).map(PGValue.text) ?? .null
        parameters["monetary_bins"] = options.bins.json(.monetary).map(PGValue.text) ?? .null
        let cells = options.segmentMap?.cells
        parameters["map_r"] = cells.map { .integerArray($0.map { Int64($0.r) }) } ?? .null
        parameters["map_f"] = cells.map { .integerArray($0.map { Int64($0.f) }) } ?? .null
        parameters["map_segments"] = cells.map { .textArray($0.map(\.segment)) } ?? .null
        parameters["map_positions"] = cells.map { .integerArray($0.map { Int64($0.position) }) } ?? .null
        return parameters
    }

    /// sql/'s `:name` values as PostgreSQL parameters (names without the colon).
    static func values(_ parameters: QueryParameters) -> [String: PGValue] {
        var values: [String: PGValue] = [:]
        for (name, value) in parameters.values {
            values[name.hasPrefix(":") ? String(name.dropFirst()) : name] = Self.value(value)
        }
        return values
    }

    /// A SQLite parameter value as PostgreSQL's: a blob as `bytea`.
    static func value(_ value: SQLValue) -> PGValue {
        switch value {
        case .null: return .null
        case .integer(let integer): return .integer(integer)
        case .real(let real): return .real(real)
        case .text(let text): return .text(text)
        case .blob(let bytes): return .bytes(bytes)
        }
    }

    /// Runs `sql/postgres/NAME.sql` with named parameters.
    func postgresQuery(_ name: String, _ parameters: [String: PGValue]) throws -> [PGRow] {
        guard let text = SQLCatalog.postgresQuery(name) else {
            preconditionFailure("sql/postgres/\(name).sql is not embedded")
        }
        return try db.query(text, named: parameters)
    }
}
