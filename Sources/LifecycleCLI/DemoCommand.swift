import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle demo`: the main job end to end on built-in sample data.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a sample shop, import it into a new warehouse, and show what is there.")

    @Option(help: "Number of sample customers.")
    var users = 4_000

    @Option(help: "Random seed of the sample.")
    var seed: UInt64 = 42

    @Option(help: ArgumentHelp("Warehouse file to create (replaced if it exists).", valueName: "path"))
    var db = "lifecycle.db"

    @Option(help: ArgumentHelp("Directory for the sample dumps.", valueName: "dir"))
    var sample = "lifecycle-sample"

    func run() throws {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        print("1. Generating a sample shop (\(grouped(users)) customers, seed \(seed)) into \(sample)/")
        let generated = try SampleGenerator(.init(users: users, seed: seed)).write(to: URL(fileURLWithPath: sample))
        print(GeneratedSampleText.describe(generated).split(separator: "\n").map { "   " + $0 }.joined(separator: "\n"))

        print("\n2. Importing into \(db)")
        let warehouse = try Warehouse.openForWriting(path: db, command: DatabaseOptions.commandLine)
        let imports: [(String, ImportOptions)] = [
            (generated.usersFile.path, ImportOptions(kind: .users, format: .csv)),
            (generated.ordersFile.path, ImportOptions(kind: .orders, format: .onlineRetail, timeZone: TimeZone(identifier: "Europe/London"))),
            (generated.eventsFile.path, ImportOptions(kind: .events, format: .csv)),
        ]
        for (file, options) in imports {
            let summary = try warehouse.importFile(file, options: options)
            print("   " + SummaryText.line(for: summary).replacingOccurrences(of: "\n", with: "\n   "))
        }

        print("\n3. Importing the orders again changes nothing (natural keys):")
        let again = try warehouse.importFile(generated.ordersFile.path, options: imports[1].1)
        print("   " + SummaryText.line(for: again))

        print("\n4. What is in the warehouse:")
        let status = try warehouse.status()
        let table = Table(columns: ["table", "rows"], rows: status.tableCounts.map { [.text($0.table), .count($0.rows)] })
        print(table.rendered(as: .table).split(separator: "\n").map { "   " + $0 }.joined(separator: "\n"))
        let monthly = Table(columns: ["month (UTC)", "purchases", "customers", "net revenue (GBP)"],
                            rows: try warehouse.ordersByMonth().map {
                                [.text($0.month), .count($0.purchases), .count($0.customers), .money(micros: $0.netMicros, currency: "GBP")]
                            })
        print("\n   Orders by month:")
        print(monthly.rendered(as: .table).split(separator: "\n").map { "   " + $0 }.joined(separator: "\n"))

        guard let dataEnd = try warehouse.dayAfterLastOrder() else { return }
        print("\n5. Churn models (90-day horizon): logistic regression, boosted trees and a GRU over each history, checked on the same later holdout:")
        try printLines(churnStep(warehouse, dataEnd: dataEnd))

        print("\n6. Lifetime value (BG/NBD + Gamma-Gamma, weeks), checked on the last 13 weeks, stored and promoted:")
        try printLines(lifetimeStep(warehouse, dataEnd: dataEnd))

        print("\n7. Customer segments (k-means on log RFM, k chosen by silhouette), stored and promoted:")
        printLines(try Self.segmentsStep(warehouse, asOf: dataEnd))

        print("\n8. Recommendations (item-to-item over who bought what), checked against popularity:")
        printLines(try Self.recommendationsStep(warehouse, asOf: dataEnd))

        print("\n9. Retention analytics (as of the day after the last order), and the report:\n")
        print(try warehouse.analyticsDigest(reportPath: sample + "/report.html"))

        print("Try: sqlite3 \(db) 'SELECT * FROM orders_v LIMIT 5', lifecycle rfm --db \(db), lifecycle models list --db \(db), lifecycle recommend USER --db \(db)")
    }

    /// Prints a step's lines indented under its heading.
    func printLines(_ lines: [String]) {
        print(lines.map { $0.isEmpty ? "" : "   " + $0 }.joined(separator: "\n"))
    }

    /// Trains churn with each learner on the same as-of and holdout (the first stored version
    /// becomes production; a later one only when it beats production on both ROC AUC and log
    /// loss), prints their comparison, then the ten users most at risk under production.
    func churnStep(_ warehouse: Warehouse, dataEnd: Int64) throws -> [String] {
        let horizon: Int64 = 90 * 86_400
        let asOf = (dataEnd - 2 * horizon) / 86_400 * 86_400
        var lines: [String] = []
        for kind in [ChurnModelKind.logistic, .gbt, .sequence] {
            let training = try warehouse.trainChurn(ChurnTrainingOptions(asOf: asOf, horizonSeconds: horizon, model: kind))
            let stored = try warehouse.storeChurn(training, promote: true)
            if kind == .logistic { lines += ChurnReport.render(training, format: .table).split(separator: "\n").prefix(9).map(String.init) + [""] }
            lines.append("\(kind.rawValue): stored as \(stored.snapshot.reference)"
                         + (stored.promoted ? ", now production" : ", production unchanged")
                         + (stored.promotionNote.map { " (\($0))" } ?? ""))
        }
        lines += ["", "Every version and the recency baseline on the same holdout (lifecycle models compare churn):"]
        lines += ModelsCompare.table(try warehouse.compareChurnModels()).rendered(as: .table).split(separator: "\n").map(String.init)
        let production = try warehouse.snapshot("\(Warehouse.churnModelName)@production")
        let scores = try warehouse.scoreChurn(production, asOf: dataEnd)
        lines += ["", "The ten users most at risk as of \(CalendarDate.day(dataEnd)) under \(production.reference) (of \(grouped(scores.count)) scored):"]
        let risk = Table(columns: ["user", "churn probability"],
                         rows: scores.prefix(10).map { [.text($0.externalID), .real($0.probability, decimals: 3)] })
        return lines + risk.rendered(as: .table).split(separator: "\n").map(String.init)
    }
}
