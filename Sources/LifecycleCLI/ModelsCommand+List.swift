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
            if format == .json { return try printJSON(RegistryJSON.versions(versions, aliases: aliases)) }
            print(RegistryTables.versions(versions, aliases: aliases).rendered(as: format), terminator: "")
        } else {
            let models = try warehouse.listModels()
            if format == .json { return try printJSON(RegistryJSON.models(models)) }
            print(RegistryTables.models(models).rendered(as: format), terminator: "")
        }
    }
}
