import ArgumentParser
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
}
