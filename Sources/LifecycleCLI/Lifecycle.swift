import ArgumentParser
import Foundation
import Warehouse

/// The `lifecycle` command: a customer lifecycle warehouse in one SQLite file.
@main
struct Lifecycle: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lifecycle",
        abstract: "A customer lifecycle warehouse in one SQLite file: import order dumps and event logs, and ask what they say.",
        version: LifecycleVersion.current,
        subcommands: [
            DemoCommand.self, GenerateCommand.self, ImportCommand.self, MigrateCommand.self, StatusCommand.self,
            RfmCommand.self, RetentionCommand.self, ActivityCommand.self, ReportCommand.self,
            FeaturesCommand.self, TrainCommand.self, ModelsCommand.self, ScoreCommand.self, ClvCommand.self, ReportingZoneCommand.self,
            SegmentsCommand.self, RecommendCommand.self, ImportsCommand.self, QueryCommand.self, ForgetCommand.self, PrivacyCommand.self, RejectsCommand.self,
            SatisfactionCommand.self,
        ]
    )

    /// Parses, then runs. A mistake in the arguments (found while parsing or by a command's
    /// `validate()`) is reported with that command's usage, exit status 64; a command that fails
    /// while it runs (no purchases to train on, a fit that does not converge...) says why and
    /// exits 1, without a usage text that would suggest the arguments were wrong.
    static func main() {
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            try command.run()
        } catch let error as ValidationError {
            printError("Error: \(error.message)")
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}
