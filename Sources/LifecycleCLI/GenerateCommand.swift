import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle generate`: deterministic sample dumps.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a deterministic sample shop: orders.csv (online-retail layout), users.csv and events.csv.")

    @Option(help: "Number of customers (about 28 order lines each over 13 months).")
    var users = 4_000

    @Option(help: "Random seed: the same seed and options write byte-identical files.")
    var seed: UInt64 = 42

    @Option(help: ArgumentHelp("Directory to write into (created if missing).", valueName: "dir"))
    var out: String = "sample"

    @Option(help: "Months of history from 2010-12-01.")
    var months = 13

    @Flag(name: .customLong("no-events"), help: "Write no behavioural events.")
    var noEvents = false

    func validate() throws {
        if users < 1 { throw ValidationError("--users must be at least 1") }
        if months < 1 { throw ValidationError("--months must be at least 1") }
    }

    func run() throws {
        var configuration = SampleGenerator.Configuration(users: users, seed: seed)
        configuration.months = months
        configuration.includeEvents = !noEvents
        let started = Date()
        let sample = try SampleGenerator(configuration).write(to: URL(fileURLWithPath: out))
        printError(String(format: "generated in %.2f s", Date().timeIntervalSince(started)))
        print(GeneratedSampleText.describe(sample))
    }
}

/// Human summary of a generated sample.
enum GeneratedSampleText {
    static func describe(_ sample: GeneratedSample) -> String {
        """
        \(sample.ordersFile.path): \(grouped(sample.orderLines)) order lines in \(grouped(sample.orders)) orders (\(grouped(sample.returnOrders)) returns, \(grouped(sample.guestOrders)) guest)
        \(sample.usersFile.path): \(grouped(sample.users)) users
        \(sample.eventsFile.path): \(grouped(sample.events)) events
        """
    }
}
