import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle features build`: point-in-time user features.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Build point-in-time user features (only facts before each as-of date).",
        subcommands: [FeaturesBuild.self])
}

extension CalendarDate.Step: ExpressibleByArgument {}

/// A date option, read by the one rule of `DateOption` (a date or wall-clock time in the
/// reporting time zone, or an instant with Z or an offset) once the command knows the zone.
struct DateArgument: ExpressibleByArgument {
    let date: DateOption
    init?(argument: String) {
        guard let date = DateOption(argument) else { return nil }
        self.date = date
    }

    /// The instant it names in `warehouse`'s reporting time zone.
    func instant(_ warehouse: Warehouse) throws -> Int64 { date.instant(in: try warehouse.reportingTimeZone()) }

    /// The day it names in `warehouse`'s reporting time zone (days since 1970-01-01 there).
    func day(_ warehouse: Warehouse) throws -> Int64 { date.day(in: try warehouse.reportingTimeZone()) }
}

struct FeaturesBuild: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Write one feature row per user with a purchase before the as-of date.")

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "Output format: table, csv, json, jsonl or markdown, one row per build (as_of, users, seconds); without it, one sentence per build.")
    var format: OutputFormat?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Build for this date (\(DateOption.help)); default: the day after the last order.", valueName: "date"))
    var asOf: DateArgument?

    @Option(help: ArgumentHelp("First as-of of a schedule (with --to and --every; same form as --as-of).", valueName: "date"))
    var from: DateArgument?

    @Option(help: ArgumentHelp("Last as-of of a schedule (inclusive).", valueName: "date"))
    var to: DateArgument?

    @Option(help: "Schedule step: day, week or month.")
    var every: CalendarDate.Step?

    func validate() throws {
        let schedule = [from != nil, to != nil, every != nil]
        if schedule.contains(true) && schedule.contains(false) {
            throw ValidationError("--from, --to and --every go together")
        }
        if asOf != nil && from != nil { throw ValidationError("give --as-of or a schedule (--from/--to/--every), not both") }
        if let from, let to, from.date.instant(in: .gmt) > to.date.instant(in: .gmt) { throw ValidationError("--from is after --to") }
    }

    func run() throws {
        let warehouse = try database.openForWriting()
        if let from, let to, let every {
            let terminal = isTerminal(STDERR_FILENO)
            let builds = try warehouse.buildFeatures(from: try from.instant(warehouse), to: try to.instant(warehouse), every: every) { build, done, total in
                let line = "as of \(CalendarDate.day(build.asOf)): \(grouped(build.users)) users (\(done)/\(total))"
                if terminal { FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8)) }
            }
            if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            try show(builds, warehouse)
        } else {
            guard let asOf = try asOf?.instant(warehouse) ?? warehouse.dayAfterLastOrder() else {
                throw ValidationError("the warehouse has no orders yet: import some, or pass --as-of")
            }
            try show([try warehouse.buildFeatures(asOf: asOf)], warehouse)
        }
    }

    /// The builds as sentences, or as an answer in `--format`.
    private func show(_ builds: [FeatureBuild], _ warehouse: Warehouse) throws {
        guard let format else {
            for build in builds { print(Self.describe(build)) }
            return
        }
        let table = Table(columns: [Column("as of", key: "as_of"), "users", "seconds"],
                          rows: builds.map { [.instant($0.asOf), .count($0.users), .real($0.seconds, decimals: 2)] })
        let parameters = [JSONMember("from", try from.map { .string(RegistryClock.iso(try $0.instant(warehouse))) } ?? .null),
                          JSONMember("to", try to.map { .string(RegistryClock.iso(try $0.instant(warehouse))) } ?? .null),
                          JSONMember("every", every.map { .string($0.rawValue) } ?? .null)]
        emit(Answer(question: "features build", parameters: parameters, asOf: builds.count == 1 ? builds[0].asOf : nil, table: table), as: format)
    }

    static func describe(_ build: FeatureBuild) -> String {
        String(format: "features as of %@: %@ users in %.2f s", CalendarDate.day(build.asOf), grouped(build.users), build.seconds)
    }
}
