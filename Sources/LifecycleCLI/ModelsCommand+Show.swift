import ArgumentParser
import Warehouse

/// `lifecycle models show NAME[@VERSION|@ALIAS] [--at DATE]`.
struct ModelsShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a snapshot: hyperparameters, training data, metrics, weights and aliases.")

    @Argument(help: ArgumentHelp("NAME, NAME@VERSION, NAME@latest or NAME@ALIAS.", valueName: "model"))
    var reference: String

    @Option(help: ArgumentHelp("Resolve the alias as it was at this instant (\(DateOption.help)).", valueName: "date"))
    var at: String?

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    func validate() throws {
        if let at, DateOption(at) == nil {
            throw ValidationError("--at: cannot read '\(at)' as a date; write YYYY-MM-DD, YYYY-MM-DDTHH:MM (reporting time zone) or YYYY-MM-DDTHH:MM:SSZ")
        }
    }

    func run() throws {
        let reference = try parseReference(reference)
        try database.withRegistry { warehouse in
            let instant = try at.flatMap(DateOption.init).map { $0.instant(in: try warehouse.reportingTimeZone()) }
            try show(try warehouse.describe(reference, at: instant), at: instant)
        }
    }

    /// Prints the description; a snapshot that fails verification is shown, then exit status 1.
    private func show(_ description: ModelDescription, at instant: Int64?) throws {
        switch output.resolved {
        case .table, .markdown: printTables(RegistryTables.snapshot(description), as: output.resolved)
        case let format:
            let parameters = [JSONMember("model", .string(self.reference)), JSONMember("at", instant.map { .string(RegistryClock.iso($0)) } ?? .null)]
            emit(Answer(question: "models show", parameters: parameters, table: RegistryTables.snapshotLong(description),
                        details: [JSONMember("model", RegistryJSON.snapshot(description))]), as: format)
        }
        if let problem = description.verification.problem {
            printError("error: \(description.snapshot.reference) fails verification, so the values shown cannot be trusted: \(problem)")
            throw ExitCode(1)
        }
    }
}
