import ArgumentParser
import Foundation
import Warehouse

/// `lifecycle privacy …`: pseudonymous customer ids, minimised event properties, rejects'
/// retention, and where personal data sits (docs/PRIVACY.md).
struct PrivacyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy",
        abstract: "Pseudonymise customer ids, keep fewer event properties, limit how long rejected rows keep their text, and see where personal data sits.",
        subcommands: [PrivacyPseudonymise.self, PrivacyReveal.self, PrivacyKeepProperties.self, PrivacyKeepRejectsDays.self, PrivacyStatusCommand.self]
    )
}

/// The pseudonym key option: `--key-file`, else `LIFECYCLE_KEY_FILE`.
struct KeyFileOption: ParsableArguments {
    @Option(name: .customLong("key-file"),
            help: ArgumentHelp("File whose bytes are the pseudonym key (at least 32; default: $LIFECYCLE_KEY_FILE). Keep it outside the warehouse.",
                               valueName: "file"))
    var keyFile: String?

    /// The key given, or nil when neither the option nor the variable is set.
    func key() throws -> PseudonymKey? {
        do { return try PseudonymKey.given(keyFile) } catch let error as PrivacyError { throw ValidationError(error.description) }
    }

    /// The key given; refuses when there is none.
    func requiredKey() throws -> PseudonymKey {
        guard let key = try key() else {
            throw ValidationError("give the pseudonym key with --key-file FILE or \(PseudonymKey.environmentVariable) "
                                  + "(make one with: head -c 32 /dev/urandom > lifecycle.key)")
        }
        return key
    }
}

struct PrivacyPseudonymise: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pseudonymise",
        abstract: "Store customer ids as HMAC-SHA256 pseudonyms under a key kept outside the warehouse (existing ids are rewritten in one transaction).")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var key: KeyFileOption

    func run() throws {
        let key = try key.requiredKey()
        let warehouse = try database.openForWriting()
        let summary: PseudonymisationSummary
        do { summary = try warehouse.pseudonymise(key: key) } catch let error as PrivacyError { throw ValidationError(error.description) }
        print("pseudonymised \(database.path): \(grouped(summary.users)) customer ids, \(grouped(summary.events)) event content hashes and "
              + "\(grouped(summary.cdnowOrders)) CDNOW order ids rewritten, "
              + "raw text of \(grouped(summary.rejectsBlanked)) rejected \(summary.rejectsBlanked == 1 ? "row" : "rows") blanked, "
              + "\(grouped(summary.fileNamesDropped)) imported file \(summary.fileNamesDropped == 1 ? "name" : "names") dropped")
        print("imports now need the key (--key-file or \(PseudonymKey.environmentVariable)); keep it outside the warehouse: without it no source id can be looked up")
    }
}

struct PrivacyReveal: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reveal",
        abstract: "Find which of a list of source customer ids has a pseudonym (a pseudonym cannot be reversed otherwise).")

    @Argument(help: "The pseudonym (64 hex digits) as stored in users.external_id.")
    var pseudonym: String

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var key: KeyFileOption

    @Option(help: ArgumentHelp("File of candidate source ids, one per line.", valueName: "file"))
    var candidates: String

    func run() throws {
        let key = try key.requiredKey()
        guard let data = FileManager.default.contents(atPath: candidates) else {
            throw ValidationError("cannot read --candidates \(candidates)")
        }
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let found: [String]
        do {
            found = try database.openForReading().reveal(pseudonym: pseudonym, key: key, candidates: lines)
        } catch let error as PrivacyError { throw ValidationError(error.description) }
        guard !found.isEmpty else {
            throw ValidationError("none of the \(grouped(lines.count)) candidates in \(candidates) has the pseudonym \(pseudonym)")
        }
        for id in found { print(id) }
    }
}

struct PrivacyKeepProperties: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keep-properties",
        abstract: "Set the event property keys every later events import keeps (the others are dropped and counted).")

    @Argument(help: "Keys to keep, separated by commas, e.g. page,device.")
    var keys: String?

    @Flag(help: "Keep every key again.")
    var all = false

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if (keys == nil) == !all { throw ValidationError("give the keys to keep (e.g. page,device) or --all") }
    }

    func run() throws {
        let filter: PropertyFilter?
        do { filter = try keys.map(PropertyFilter.init(list:)) } catch let error as PrivacyError { throw ValidationError(error.description) }
        try database.openForWriting().setKeepProperties(filter)
        print(filter.map { "events imports now keep only these property keys: \($0.names.joined(separator: ", "))" }
              ?? "events imports now keep every property key")
    }
}

struct PrivacyKeepRejectsDays: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keep-rejects-days",
        abstract: "Set how many days rejected rows keep their raw text (default 30); imports and 'rejects purge' blank older ones.")

    @Argument(help: "Days (0 or more).")
    var days: Int

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if days < 0 { throw ValidationError("days must be 0 or more") }
    }

    func run() throws {
        if let url = database.postgresURL {
            let warehouse = try database.openPostgresForWriting(url: url)
            try database.onServer(url) { try warehouse.setKeepRejectsDays(days) }
        } else {
            try database.openForWriting().setKeepRejectsDays(days)
        }
        print("rejected rows now keep their raw text for \(days) days")
    }
}
