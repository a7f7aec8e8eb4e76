import ArgumentParser
import Warehouse

/// Options shared by the commands that move an alias.
struct AliasMoveOptions: ParsableArguments {
    @Option(help: "Why: stored in the alias history.")
    var reason: String?

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    /// Prints what a move did: a sentence, or the move as JSON.
    func report(_ move: AliasMove?, model: String, alias: String, version: Int?) throws {
        guard let move else {
            if output.resolved == .json {
                return try printJSON(["model": .string(model), "alias": .string(alias),
                                      "to_version": version.map { .integer(Int64($0)) } ?? .null, "changed": false])
            }
            print("\(model): \(alias) already points at version \(version.map(String.init) ?? "-"); nothing recorded")
            return
        }
        if output.resolved == .json {
            guard case .object(let members) = RegistryJSON.move(move) else { return }
            return try printJSON(.object(members + [JSONMember("changed", true)]))
        }
        let from = move.fromVersion.map { "version \($0)" } ?? "(not set)"
        let to = move.toVersion.map { "version \($0)" } ?? "(removed)"
        print("\(move.name): \(move.alias) \(from) → \(to) at \(RegistryClock.iso(move.movedAt)) by \(move.movedBy)")
    }
}

/// `lifecycle models promote NAME VERSION --alias production`.
struct ModelsPromote: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote", abstract: "Point an alias (production, candidate, ...) at a version, recording the move.")

    @Argument(help: "The model name.")
    var name: String

    @Argument(help: "The version to point the alias at.")
    var version: Int

    @Option(help: "The alias to move.")
    var alias = ModelNaming.production

    @OptionGroup var options: AliasMoveOptions

    func run() throws {
        let move = try options.database.openForWriting(creating: false).promote(name: name, version: version, alias: alias, reason: options.reason)
        try options.report(move, model: name, alias: alias, version: version)
    }
}

/// `lifecycle models rollback NAME [--alias production]`.
struct ModelsRollback: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Move an alias back to the version it pointed at before its last move (recorded as a move).")

    @Argument(help: "The model name.")
    var name: String

    @Option(help: "The alias to roll back.")
    var alias = ModelNaming.production

    @OptionGroup var options: AliasMoveOptions

    func run() throws {
        let move = try options.database.openForWriting(creating: false).rollback(name: name, alias: alias, reason: options.reason)
        try options.report(move, model: name, alias: alias, version: move.toVersion)
    }
}

/// `lifecycle models unalias NAME --alias candidate`.
struct ModelsUnalias: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unalias", abstract: "Remove an alias from a model (recorded as a move).")

    @Argument(help: "The model name.")
    var name: String

    @Option(help: "The alias to remove.")
    var alias: String

    @OptionGroup var options: AliasMoveOptions

    func run() throws {
        let move = try options.database.openForWriting(creating: false).removeAlias(name: name, alias: alias, reason: options.reason)
        try options.report(move, model: name, alias: alias, version: nil)
    }
}

/// `lifecycle models history NAME [--alias production]`.
struct ModelsHistory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Every move of a model's aliases: when, from, to, by whom and why.")

    @Argument(help: "The model name.")
    var name: String

    @Option(help: "Only this alias.")
    var alias: String?

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    func run() throws {
        let warehouse = try database.openForReading()
        _ = try warehouse.snapshots(named: name)
        let moves = try warehouse.aliasHistory(name: name, alias: alias)
        if output.resolved == .json { return try printJSON(.array(moves.map(RegistryJSON.move))) }
        print(RegistryTables.history(moves).rendered(as: output.resolved), terminator: "")
    }
}
