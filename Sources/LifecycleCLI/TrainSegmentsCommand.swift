import ArgumentParser
import Foundation
import Warehouse

/// A cluster-count range like `2...8`.
struct ClusterRange: ExpressibleByArgument {
    let range: ClosedRange<Int>
    init?(argument: String) {
        let parts = argument.components(separatedBy: "...")
        guard parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]), low <= high else { return nil }
        range = low...high
    }
    var defaultValueDescription: String { "\(range.lowerBound)...\(range.upperBound)" }
}

/// `lifecycle train segments`.
struct TrainSegments: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments",
        abstract: "k-means customer segments on standardised log RFM (and optional features), k fixed or chosen by silhouette.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var currencyOption: CurrencyOption

    @Option(name: .customLong("as-of"), help: ArgumentHelp("RFM and features as of this date (\(DateOption.help)). Default: the day after the last order.", valueName: "date"))
    var asOf: DateArgument?

    @Option(name: .customLong("k"), help: "Number of clusters (at least 2). Default: the best silhouette over --k-range.")
    var clusters: Int?

    @Option(name: .customLong("k-range"), help: ArgumentHelp("Cluster counts to try when --k is not given; the highest silhouette wins.", valueName: "low...high"))
    var clusterRange = ClusterRange(argument: "2...8")!

    @Option(help: "k-means++ starts per k; the lowest inertia wins.")
    var restarts = 8

    @Option(help: "Random seed of seeding and of the silhouette sample.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Extra user_features columns to cluster on, e.g. tenure_days,orders_90d (see feature_catalogue).", valueName: "a,b"))
    var features: String?

    @Flag(help: "Point the production alias at the new version when there is no production segmentation yet (a clustering has no holdout metric to beat an older one; move it later with `lifecycle models promote`).")
    var promote = false

    @Option(help: "Output format: table, csv, json, jsonl or markdown (docs/OUTPUT.md).")
    var format: OutputFormat = .table

    func validate() throws {
        if let clusters, clusters < 2 { throw ValidationError("--k must be at least 2") }
        if clusterRange.range.lowerBound < 2 { throw ValidationError("--k-range must start at 2 or more") }
        if restarts < 1 { throw ValidationError("--restarts must be at least 1") }
    }

    func run() throws {
        if let url = database.postgresURL {
            let warehouse = try database.openPostgresForWriting(url: url)
            try database.onServer(url) {
                try train(on: warehouse, asOf: try asOf?.instant(warehouse) ?? warehouse.dayAfterLastOrder(currency: currencyOption.currency))
            }
            return
        }
        let warehouse = try database.openForWriting()
        try train(on: warehouse, asOf: try asOf?.instant(warehouse) ?? warehouse.dayAfterLastOrder(currency: currencyOption.currency))
    }

    /// Clusters, stores and reports on either engine; `asOf` is nil when there are no orders.
    private func train(on warehouse: some SegmentEngine, asOf: Int64?) throws {
        guard let instant = asOf else {
            throw ValidationError("the warehouse has no orders: import some first")
        }
        let names = features?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? []
        let options = SegmentTrainingOptions(asOf: instant, clusters: clusters, clusterRange: clusterRange.range,
                                             restarts: restarts, seed: seed, features: names, currency: currencyOption.currency)
        let training: SegmentTraining
        do {
            training = try warehouse.trainSegments(options)
        } catch let error as SegmentError {
            throw ValidationError(error.description)
        }
        let stored = try warehouse.storeSegments(training, promote: promote)
        emit(SegmentsText.training(training), as: format)
        reportStored(stored.snapshot, promote: promote, promoted: stored.promoted,
                     note: promote && !stored.promoted ? "it already points at a segmentation" : nil, lookWith: "lifecycle segments --model")
    }
}
