import Foundation
import PostgresStore

/// `lifecycle activity` on PostgreSQL: the same periods as `Warehouse.activity`, from
/// `sql/postgres/activity.sql` (sql/activity.sql's parameters and columns), decoded by the same
/// `ActivityPeriod(row:)`, so the CLI renders them through the very same answer. Every period and
/// activity source, in the scope's time zone (`--timezone`, else UTC); what `resolve` refuses is
/// refused here too (a `--currency` in a warehouse of several, and, as activity adds revenue, a
/// warehouse of several currencies).
extension PostgresWarehouse {
    /// Active users, lifecycle states, first purchases and revenue per period.
    public func activity(_ options: ActivityOptions) throws -> ActivityReport {
        if options.activity == .events { try checkEvents(type: nil) }
        let scope = try resolve(options.scope)
        var parameters = Self.parameters(scope)
        parameters["period"] = .text(options.period.rawValue)
        parameters["activity"] = .text(options.activity.rawValue)
        let periods = try postgresQuery("activity", parameters).map(ActivityPeriod.init(row:))
        return ActivityReport(scope: scope, options: options, periods: periods, exclusions: try exclusions(scope))
    }

    /// Refuses activity from events when the warehouse holds none (of `type`, when given), with
    /// the types it holds, as `Warehouse.checkEvents` does.
    func checkEvents(type: String?) throws {
        if let type {
            if try db.scalar("SELECT EXISTS (SELECT 1 FROM events WHERE type = $1)", [.text(type)]).bool == true { return }
        } else if try db.scalar("SELECT EXISTS (SELECT 1 FROM events)").bool == true {
            return
        }
        let types = try db.query("SELECT DISTINCT type COLLATE \"C\" AS type FROM events ORDER BY 1").compactMap { $0[0].string }
        throw AnalyticsError.noEvents(type: type, types: types)
    }
}
