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

/// The model argument of the alias commands: NAME, NAME@VERSION, NAME@latest or NAME@ALIAS.
private let modelHelp = ArgumentHelp("NAME, NAME@VERSION, NAME@latest or NAME@ALIAS.", valueName: "model")

/// `lifecycle models promote churn@3|churn@candidate|churn 3 [--alias production]`.
struct ModelsPromote: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote", abstract: "Point an alias (production, candidate, ...) at a version, recording the move.",
        discussion: "churn@3 and churn 3 promote version 3; churn@candidate promotes the version candidate points at.")

    @Argument(help: modelHelp)
    var reference: String

    @Argument(help: "The version to point the alias at, when the model reference names none.")
    var version: Int?

    @Option(help: "The alias to move.")
    var alias = ModelNaming.production

    @OptionGroup var options: AliasMoveOptions

    func run() throws {
        let reference = try parseReference(reference)
        let (move, version) = try options.database.withRegistry(writing: true) { warehouse in
            let version = try warehouse.versionToPromote(reference, version: self.version)
            return (try warehouse.promote(name: reference.name, version: version, alias: alias, reason: options.reason,
                                          by: RegistryClock.currentUser(), at: nil), version)
        }
        try options.report(move, model: reference.name, alias: alias, version: version)
    }
}

/// `lifecycle models rollback churn|churn@candidate [--alias production]`.
struct ModelsRollback: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Move an alias back to the version it pointed at before its last move (recorded as a move).")

    @Argument(help: modelHelp)
    var reference: String

    @Option(help: "The alias to roll back (default: the reference's alias, else production).")
    var alias: String?

    @OptionGroup var options: AliasMoveOptions

    func run() throws {
        let reference = try parseReference(reference)
        let alias = try reference.aliasToMove(option: alias, fallback: ModelNaming.production, command: "rollback") ?? ModelNaming.production
        let move = try options.database.withRegistry(writing: true) {
            try $0.rollback(name: reference.name, alias: alias, reason: options.reason, by: RegistryClock.currentUser(), at: nil)
        }
        try options.report(move, model: reference.name, alias: alias, version: move.toVersion)
    }
}

/// `lifecycle models unalias churn@candidate` (or `churn --alias candidate`).
struct ModelsUnalias: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unalias", abstract: "Remove an alias from a model (recorded as a move).")

    @Argument(help: modelHelp)
    var reference: String

    @Option(help: "The alias to remove (or write it as NAME@ALIAS).")
    var alias: String?

    @OptionGroup var options: AliasMoveOptions

    func run() throws {
        let reference = try parseReference(reference)
        guard let alias = try reference.aliasToMove(option: alias, fallback: nil, command: "unalias") else {
            throw ModelsFailure("say which alias to remove: \(reference.name)@ALIAS or --alias ALIAS")
        }
        let move = try options.database.withRegistry(writing: true) {
            try $0.removeAlias(name: reference.name, alias: alias, reason: options.reason, by: RegistryClock.currentUser(), at: nil)
        }
        try options.report(move, model: reference.name, alias: alias, version: nil)
    }
}

/// `lifecycle models history churn|churn@production [--alias production]`.
struct ModelsHistory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Every move of a model's aliases: when, from, to, by whom and why.")

    @Argument(help: modelHelp)
    var reference: String

    @Option(help: "Only this alias (or write it as NAME@ALIAS).")
    var alias: String?

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    func run() throws {
        let reference = try parseReference(reference)
        let alias = try reference.aliasToMove(option: alias, fallback: nil, command: "history")
        let moves = try database.withRegistry { warehouse in
            _ = try warehouse.snapshots(named: reference.name)
            return try warehouse.aliasHistory(name: reference.name, alias: alias)
        }
        let parameters = [JSONMember("model", .string(reference.name)), JSONMember("alias", alias.map { .string($0) } ?? .null)]
        emit(Answer(question: "models history", parameters: parameters, table: RegistryTables.history(moves)), as: output.resolved)
    }
}
