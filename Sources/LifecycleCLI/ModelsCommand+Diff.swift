import ArgumentParser
import Warehouse

/// `lifecycle models diff A B`.
struct ModelsDiff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two snapshots: training, hyperparameters, metrics, and weights tensor by tensor.")

    @Argument(help: ArgumentHelp("The first snapshot (e.g. churn@2).", valueName: "a"))
    var a: String

    @Argument(help: ArgumentHelp("The second snapshot (e.g. churn@3).", valueName: "b"))
    var b: String

    @Flag(help: "List every field, not only those that differ.")
    var all = false

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    func run() throws {
        let diff = try database.withRegistry { warehouse in
            try warehouse.diff(try warehouse.resolve(try parseReference(a), at: nil).snapshot,
                               try warehouse.resolve(try parseReference(b), at: nil).snapshot)
        }
        switch output.resolved {
        case .table, .markdown: printTables(RegistryTables.diff(diff, all: all), as: output.resolved)
        case let format:
            let parameters = [JSONMember("a", .string(diff.a.reference)), JSONMember("b", .string(diff.b.reference)), JSONMember("all", .bool(all))]
            emit(Answer(question: "models diff", parameters: parameters, table: RegistryTables.diffLong(diff, all: all),
                        details: [JSONMember("diff", RegistryJSON.diff(diff, all: all))]), as: format)
        }
    }
}
