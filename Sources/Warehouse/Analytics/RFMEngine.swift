import Foundation

/// What `lifecycle rfm` asks of an engine, written once against this: the summary, the
/// customer list, saving a snapshot and comparing two, on the SQLite file or on the server.
public protocol RFMEngine: AnalyticsEngine, ReportingZoneReader {
    /// Every customer's RFM values, scores and segment (only `segment`'s when given), best first.
    func rfmUsers(_ options: RFMOptions, segment: String?) throws -> (scope: ResolvedScope, users: [RFMUser])
    /// Saves every customer's scores as of the options' as-of, replacing a snapshot of that as-of.
    @discardableResult
    func saveRFMSnapshot(_ options: RFMOptions, now: Int64) throws -> RFMSnapshotInfo
    /// Segment migration between the snapshots as of `from` and the options' as-of.
    func rfmTransitions(from: Int64, options: RFMOptions) throws -> RFMTransitions
}

extension Warehouse: RFMEngine {}
extension PostgresWarehouse: RFMEngine {}
