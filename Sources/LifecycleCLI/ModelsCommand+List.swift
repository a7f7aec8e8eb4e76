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
        let format = output.resolved
        if let url = database.postgresURL {
            // The models with their versions and aliases; a model's versions are SQLite's only so far.
            if name != nil { throw ValidationError("\(database.path): models list NAME does not run on PostgreSQL yet") }
            let warehouse = try database.openPostgresForReading(url: url)
            let models = try database.onServer(url) { try warehouse.listModels() }
            return emit(Answer(question: "models list", parameters: [JSONMember("name", .null)], table: RegistryTables.models(models)), as: format)
        }
        let warehouse = try database.openForReading()
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
