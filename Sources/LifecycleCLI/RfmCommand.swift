import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle rfm`: RFM segment summary, customer scores, snapshots and segment migration.
struct RfmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rfm",
        abstract: "RFM scores and segments: the segment summary, each customer's scores, or segment migration between two dates.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var scopeArguments: ScopeArguments
    @OptionGroup var output: FormatOption

    @Option(help: ArgumentHelp("Fixed thresholds instead of quintiles: recency=30,90,180,365 (days), frequency=1,2,5,10 or monetary=100,500,1000,5000 (repeatable).", valueName: "measure=a,b,c,d"))
    var bins: [String] = []

    @Option(name: .customLong("segment-map"), help: ArgumentHelp("CSV file 'segment,cells' naming the segment of every RF pair (e.g. Champions,54/55), replacing the standard grid.", valueName: "file"))
    var segmentMap: String?

    @Flag(help: "List every customer with her values, scores and segment instead of the summary.")
    var users = false

    @Option(help: ArgumentHelp("With --users: only this segment's customers (e.g. 'At Risk').", valueName: "name"))
    var segment: String?

    @Flag(help: "Also save the scores as a snapshot keyed by as-of (replacing one with the same as-of).")
    var save = false

    @Option(help: ArgumentHelp("One summary per group: country (each equals the summary with --country); rfm-segment is refused, the summary being by segment already.", valueName: "dimension"))
    var by: Breakdown?

    @Option(help: ArgumentHelp("Show segment migration from this date to as-of (snapshots not saved yet are computed and saved).", valueName: "date"))
    var compare: String?

    func validate() throws {
        if segment != nil && !users { throw ValidationError("--segment lists customers: add --users") }
        if scopeArguments.until != nil { throw ValidationError("--until: rfm ends at --as-of; use --as-of DATE") }
        if compare != nil && users { throw ValidationError("--compare shows the migration matrix; drop --users") }
        if by != nil && (users || compare != nil || save) { throw ValidationError("--by breaks down the summary; drop --users, --compare and --save") }
        if by == .rfmSegment { throw ValidationError("--by rfm-segment: the rfm summary is already one row per RFM segment (retention --by rfm-segment breaks cohorts down by it)") }
        if by != nil && scopeArguments.country != nil { throw ValidationError("--by country gives every country; drop --country") }
        if let compare { try validateDate(compare, option: "--compare") }
        do { _ = try parsedBins() } catch { throw ValidationError("\(error)") }
    }

    /// `--bins`, read in the order given.
    private func parsedBins() throws -> RFMBins {
        var parsed = RFMBins()
        for text in bins { try parsed.read(text) }
        return parsed
    }

    func run() throws {
        let writes = save || compare != nil
        let map = try parsedSegmentMap()
        if let url = database.postgresURL {
            let warehouse = writes ? try database.openPostgresForWriting(url: url) : try database.openPostgresForReading(url: url)
            try database.onServer(url) { try answer(warehouse, segmentMap: map) }
        } else {
            try answer(try database.open(writing: writes), segmentMap: map)
        }
    }

    /// The answer the options ask for, on either engine; `--save` stores the snapshot after it.
    private func answer(_ warehouse: some RFMEngine, segmentMap map: RFMSegmentMap?) throws {
        let options = RFMOptions(scope: try scopeArguments.scope(for: warehouse), bins: try parsedBins(), segmentMap: map)
        let format = output.resolved
        if by != nil {
            printBreakdown(try rfmByCountry(engine: warehouse, options: options), as: format)
        } else if let compare {
            let from = try AnalyticsScope.instant(compare, in: options.scope.timeZone ?? warehouse.reportingTimeZone(), option: "--compare")
            emit(try warehouse.rfmTransitions(from: from, options: options).answer(), as: format)
        } else if users {
            let listed = try warehouse.rfmUsers(options, segment: segment)
            emitUsers(listed.users, scope: listed.scope, as: format)
        } else {
            emit(try warehouse.rfmSummary(options).answer(), as: format)
        }
        if save {
            let snapshot = try warehouse.saveRFMSnapshot(options, now: Int64(Date().timeIntervalSince1970))
            printError("saved RFM snapshot \(snapshot.id) as of \(LocalText.instant(snapshot.asOf, in: try warehouse.reportingTimeZone())) (\(grouped(snapshot.users)) customers)")
        }
    }

    /// The customer list: machine formats write its rows as they are made, tables hold them.
    private func emitUsers(_ users: [RFMUser], scope: ResolvedScope, as format: OutputFormat) {
        guard format.isMachine else { return emit(users.answer(scope: scope, segment: segment), as: format) }
        emit(users.answer(scope: scope, segment: segment, holdingRows: false), as: format, rows: users.rows(currency: scope.currency))
    }

    /// The `--segment-map` file's map, read before any warehouse is opened.
    private func parsedSegmentMap() throws -> RFMSegmentMap? {
        guard let segmentMap else { return nil }
        guard let text = try? String(contentsOfFile: segmentMap, encoding: .utf8) else {
            throw ValidationError("--segment-map \(segmentMap): cannot read the file")
        }
        return try RFMSegmentMap(csv: text, file: segmentMap)
    }
}
