import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle segments`: a stored segmentation's clusters as of a date, and how they overlap the
/// named RFM segments.
struct SegmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments",
        abstract: "Customer segments from a stored k-means model: size and RFM profile per cluster, and the overlap with the RFM segments.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    @Option(help: "Model reference: segments, segments@3 or segments@production (a bare name means production, else the latest).")
    var model = Warehouse.segmentsModelName

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Assign customers as of this date (\(DateOption.help)); default: the day after the last order. Nothing is stored (see `lifecycle score segments`).", valueName: "date"))
    var asOf: DateArgument?

    @OptionGroup(title: "Scope (only these customers are described; each is assigned from all her purchases)")
    var customerScope: CustomerScopeArguments

    func run() throws {
        if let url = database.postgresURL {
            let warehouse = try database.openPostgresForReading(url: url)
            return try database.onServer(url) { try describe(warehouse, snapshot: try warehouse.snapshot(model, at: nil)) }
        }
        let warehouse = try database.openForReading()
        try describe(warehouse, snapshot: try warehouse.snapshot(model))
    }

    /// Prints the clusters of `snapshot` on either engine.
    private func describe(_ warehouse: some SegmentEngine, snapshot: ModelSnapshot) throws {
        guard snapshot.kind == "kmeans" else { throw ValidationError("--model \(snapshot.reference) is a \(snapshot.kind) model, not a segmentation") }
        guard let instant = try asOf?.instant(warehouse) ?? warehouse.dayAfterLastOrder(currency: nil) else {
            throw ValidationError("the warehouse has no orders: import some first")
        }
        let report: SegmentReport
        do {
            report = try warehouse.segmentReport(snapshot, asOf: instant, scope: try customerScope.scope(for: warehouse))
        } catch let error as SegmentError {
            throw ValidationError(error.description)
        }
        print(SegmentsText.report(report, format: output.resolved), terminator: "")
    }
}

/// How segment results are printed.
enum SegmentsText {
    /// Profiles, then the overlap matrix (table, markdown); one wide table for csv and json.
    static func report(_ report: SegmentReport, format: OutputFormat) -> String {
        if format.isMachine {
            let answer = SegmentTables.answer(report)
            if format != .json { printNotes(answer.notes) }
            return answer.rendered(as: format)
        }
        var profiles = SegmentTables.profiles(report.profiles)
        profiles.notes = [SegmentTables.note(report)]
        return profiles.rendered(as: format, width: tableWidth(format)) + "\nOverlap with the RFM segments (customers):\n"
            + SegmentTables.overlap(report.overlap).rendered(as: format, width: tableWidth(format))
    }

    /// What `train segments` answers: the cluster profiles as rows, the silhouette of every k
    /// tried beside them, the snapshot's hyperparameters and metrics as nested JSON.
    static func training(_ training: SegmentTraining) -> Answer {
        var profiles = SegmentTables.profiles(training.profiles, currency: training.options.currency)
        profiles.notes = ["trained as of \(CalendarDate.day(training.options.asOf)) on \(grouped(training.rows)) customers: k = \(training.clusters) (\(training.chosenBy)), inertia \(Format.fixed(training.inertia, decimals: 1)), \(training.iterations) iterations\(training.converged ? "" : ", not converged")"]
        let parameters = [JSONMember("k", .integer(Int64(training.clusters))), JSONMember("chosen_by", .string(training.chosenBy)),
                          JSONMember("customers", .integer(Int64(training.rows)))]
        return Answer(question: "train segments", parameters: parameters, asOf: training.options.asOf, table: profiles,
                      sections: [Answer.Section(key: "silhouettes", title: "", table: SegmentTables.silhouettes(training))],
                      details: [JSONMember("hyperparameters", training.hyperparameters), JSONMember("metrics", training.metrics)])
    }
}
