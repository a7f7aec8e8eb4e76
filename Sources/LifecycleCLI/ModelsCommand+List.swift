import ArgumentParser
import Warehouse

/// `lifecycle models list [NAME]`.
struct ModelsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the models, or the versions of one model.")

    @Argument(help: "A model name: list its versions instead of the models.")
    var name: String?

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    func run() throws {
        let answer = try database.withRegistry { registry in
            guard let name else {
                return Answer(question: "models list", parameters: [JSONMember("name", .null)], table: RegistryTables.models(try registry.listModels()))
            }
            let table = RegistryTables.versions(try registry.snapshots(named: name), aliases: try registry.currentAliases(of: name))
            return Answer(question: "models list", parameters: [JSONMember("name", .string(name))], table: table)
        }
        emit(answer, as: output.resolved)
    }
}
