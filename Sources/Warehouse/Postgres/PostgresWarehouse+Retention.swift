import Foundation
import PostgresStore

/// `lifecycle retention` on PostgreSQL: the same triangle and curve as `Warehouse.retention`,
/// from `sql/postgres/retention.sql` (sql/retention.sql's parameters and columns), so the CLI
/// renders it through the very same answers: first-purchase and recurring cohorts of purchases or
/// events (of one type, if asked), every period, mode and metric, in the scope's time zone
/// (`--timezone`, else UTC). Refused as `resolve` refuses: a `--currency` in a warehouse of several.
extension PostgresWarehouse {
    /// Cohort retention.
    public func retention(_ options: RetentionOptions) throws -> RetentionTriangle {
        try options.validate()
        if options.activity == .events { try checkEvents(type: options.eventType) }
        // As on SQLite, retention of users or orders reads the orders of every currency.
        let scope = try resolve(options.scope, allowingSeveralCurrencies: options.metric != .revenue)
        var parameters = Self.parameters(scope)
        parameters["period"] = .text(options.period.rawValue)
        parameters["cohort"] = .text(options.cohort.rawValue)
        parameters["activity"] = .text(options.activity.rawValue)
        parameters["event_type"] = options.eventType.map(PGValue.text) ?? .null
        parameters["metric"] = .text(options.metric.rawValue)
        parameters["max_offset"] = options.maxOffset.map { PGValue.integer(Int64($0)) } ?? .null
        parameters["users"] = options.users.map { PGValue.text("[" + $0.sorted().map(String.init).joined(separator: ",") + "]") } ?? .null
        var assembler = RetentionCohortAssembler(options: options)
        for row in try postgresQuery("retention", parameters) { assembler.add(RetentionRow(row: row)) }
        let cohorts = assembler.finish()
        return RetentionTriangle(scope: scope, options: options, cohorts: cohorts, curve: Warehouse.curve(cohorts),
                                 exclusions: try exclusions(scope))
    }
}
