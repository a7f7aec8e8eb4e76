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
    func instant(_ warehouse: some ReportingZoneReader) throws -> Int64 { date.instant(in: try warehouse.reportingTimeZone()) }

    /// The day it names in `warehouse`'s reporting time zone (days since 1970-01-01 there).
    func day(_ warehouse: some ReportingZoneReader) throws -> Int64 { date.day(in: try warehouse.reportingTimeZone()) }
}

struct FeaturesBuild: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Write one feature row per user with a purchase before the as-of date.",
        discussion: "Runs on a SQLite file and on a postgresql:// warehouse (PostgreSQL or Citus, where the server computes the rows), with the same options, output and rows; on PostgreSQL dates are read in UTC.")

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
        if let url = database.postgresURL {
            // sql/postgres/user_features.sql, computed on the server; dates in the reporting zone.
            let warehouse = try database.openPostgresForWriting(url: url)
            let zone = try database.onServer(url) { try warehouse.reportingTimeZone() }
            let builds = try database.onServer(url) {
                try build(in: zone, dayAfterLastOrder: { try warehouse.dayAfterLastOrder() }, single: { try warehouse.buildFeatures(asOf: $0) },
                          schedule: { try warehouse.buildFeatures(from: $0, to: $1, every: $2, progress: $3) })
            }
            show(builds, in: zone)
        } else {
            let warehouse = try database.openForWriting()
            let zone = try warehouse.reportingTimeZone()
            let builds = try build(in: zone, dayAfterLastOrder: { try warehouse.dayAfterLastOrder() }, single: { try warehouse.buildFeatures(asOf: $0) },
                                   schedule: { try warehouse.buildFeatures(from: $0, to: $1, every: $2, progress: $3) })
            show(builds, in: zone)
        }
    }

    /// The builds the options ask for, with dates read in `zone`: the schedule's (progress on a
    /// terminal), else the one as-of (`--as-of`, else the day after the last order).
    private func build(in zone: TimeZone, dayAfterLastOrder: () throws -> Int64?, single: (Int64) throws -> FeatureBuild,
                       schedule: (Int64, Int64, CalendarDate.Step, ((FeatureBuild, Int, Int) -> Void)?) throws -> [FeatureBuild]) throws -> [FeatureBuild] {
        if let from, let to, let every {
            let terminal = isTerminal(STDERR_FILENO)
            let builds = try schedule(from.date.instant(in: zone), to.date.instant(in: zone), every) { build, done, total in
                let line = "as of \(CalendarDate.day(build.asOf)): \(grouped(build.users)) users (\(done)/\(total))"
                if terminal { FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8)) }
            }
            if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            return builds
        }
        guard let asOf = try asOf?.date.instant(in: zone) ?? dayAfterLastOrder() else {
            throw ValidationError("the warehouse has no orders yet: import some, or pass --as-of")
        }
        return [try single(asOf)]
    }

    /// The builds as sentences, or as an answer in `--format`.
    private func show(_ builds: [FeatureBuild], in zone: TimeZone) {
        guard let format else {
            for build in builds { print(Self.describe(build)) }
            return
        }
        let table = Table(columns: [Column("as of", key: "as_of"), "users", "seconds"],
                          rows: builds.map { [.instant($0.asOf), .count($0.users), .real($0.seconds, decimals: 2)] })
        let parameters = [JSONMember("from", from.map { .string(RegistryClock.iso($0.date.instant(in: zone))) } ?? .null),
                          JSONMember("to", to.map { .string(RegistryClock.iso($0.date.instant(in: zone))) } ?? .null),
                          JSONMember("every", every.map { .string($0.rawValue) } ?? .null)]
        emit(Answer(question: "features build", parameters: parameters, asOf: builds.count == 1 ? builds[0].asOf : nil, table: table), as: format)
    }

    static func describe(_ build: FeatureBuild) -> String {
        String(format: "features as of %@: %@ users in %.2f s", CalendarDate.day(build.asOf), grouped(build.users), build.seconds)
    }
}
