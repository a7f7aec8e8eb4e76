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
        let warehouse = try database.openForReading()
        let format = output.resolved
        if let name {
            let versions = try warehouse.snapshots(named: name)
            let aliases = try warehouse.currentAliases(of: name)
            emit(Answer(question: "models list", parameters: [JSONMember("name", .string(name))],
                        table: RegistryTables.versions(versions, aliases: aliases)), as: format)
        } else {
            emit(Answer(question: "models list", parameters: [JSONMember("name", .null)], table: RegistryTables.models(try warehouse.listModels())),
                 as: format)
        }
    }
}
