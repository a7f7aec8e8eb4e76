import Foundation
import Testing
import Warehouse

/// Issue 15's interface fixes as a user meets them: `--version`, help that tells the truth,
/// model references alike in every `models` command, and a question about nothing refused
/// with what is wrong instead of an empty answer.
@Suite struct InterfaceCLITests {
    @Test("lifecycle --version prints the version snapshots record")
    func versionFlag() throws {
        let work = try WorkDirectory()
        let result = try Binary.run(["--version"], directory: work.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == LifecycleVersion.current + "\n")
    }

    @Test("train churn --help shows the horizon's default as written")
    func horizonDefault() throws {
        let work = try WorkDirectory()
        let help = try Binary.run(["train", "churn", "--help"], directory: work.url)
        #expect(help.stdout.contains("(default: 90d)"), "\(help.stdout)")
        #expect(!help.stdout.contains("Horizon("))
    }

    @Test("every train command's --format help names the five formats it accepts")
    func trainFormatHelp() throws {
        let work = try WorkDirectory()
        for command in ["churn", "clv", "segments", "recommendations"] {
            let help = try Binary.run(["train", command, "--help"], directory: work.url)
            let oneLine = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(oneLine.contains("table, csv, json, jsonl or markdown"), "train \(command): \(help.stdout)")
        }
    }

    @Test("import events and import users list only the layouts and options they read")
    func importHelpPerKind() throws {
        let work = try WorkDirectory()
        for kind in ["events", "users"] {
            let help = try Binary.run(["import", kind, "--help"], directory: work.url)
            #expect(help.status == 0)
            for orderOnly in ["online-retail", "cdnow", "--currency"] {
                #expect(!help.stdout.contains(orderOnly), "import \(kind) --help lists \(orderOnly)")
            }
            let refused = try Binary.run(["import", kind, "x.csv", "--currency", "GBP", "--db", "w.db"], directory: work.url)
            #expect(refused.status != 0 && refused.stderr.contains("--currency"), "\(refused.stderr)")
        }
        let orders = try Binary.run(["import", "orders", "--help"], directory: work.url)
        for option in ["online-retail", "cdnow", "--currency"] { #expect(orders.stdout.contains(option)) }
        // Scripts that name the one layout keep working.
        try "event_id,user_id,occurred_at,type\ne1,u1,2011-01-01T10:00:00Z,view\n".write(toFile: work.path("e.csv"), atomically: true, encoding: .utf8)
        let events = try Binary.run(["import", "events", "e.csv", "--format", "csv", "--db", "w.db"], directory: work.url)
        #expect(events.status == 0, "\(events.stderr)")
        #expect(events.stderr.contains("read 1, loaded 1"))
    }

    @Test("train clv renders the csv and markdown its --format accepts, not a table under their names",
          .enabled(if: LifetimeCLITests.present, "skipped: ../shared/data/cdnow is not present"))
    func trainClvFormats() throws {
        let work = try WorkDirectory()
        let imported = try Binary.run(["import", "orders", LifetimeCLITests.sample, "--format", "cdnow", "--timezone", "UTC", "--db", "w.db"],
                                      directory: work.url)
        #expect(imported.status == 0, "\(imported.stderr)")
        let train = ["train", "clv", "--period", "week", "--observation-end", "1997-09-30", "--db", "w.db", "--format"]
        let markdown = try Binary.run(train + ["markdown"], directory: work.url)
        #expect(markdown.status == 0, "\(markdown.stderr)")
        #expect(markdown.stdout.hasPrefix("| model | parameter | value |\n| --- | --- | ---: |\n| BG/NBD | r | "), "\(markdown.stdout)")
        let csv = try Binary.run(train + ["csv"], directory: work.url)
        #expect(csv.stdout.hasPrefix("model,parameter,value\nBG/NBD,r,"), "\(csv.stdout)")
    }

    @Test("a date that does not exist ends with rfm's usage, not the top-level one")
    func badDateShowsTheCommandsUsage() throws {
        let work = try AnalyticsCLITests.importedDump()
        for arguments in [["rfm", "--as-of", "2011-13-01"], ["rfm", "--compare", "2011-02-30"], ["retention", "--since", "2011-00-10"]] {
            let result = try Binary.run(arguments + ["--db", "w.db"], directory: work.url)
            #expect(result.status != 0)
            #expect(result.stderr.contains("\(arguments[1]) \(arguments[2]): expected a date YYYY-MM-DD"), "\(result.stderr)")
            #expect(result.stderr.contains("Usage: lifecycle \(arguments[0])"), "\(result.stderr)")
        }
    }

    @Test("a command that fails while it runs says why and exits 1, without a usage text; a bad argument still shows its command's usage")
    func runtimeFailuresShowNoUsage() throws {
        let work = try WorkDirectory()
        #expect(try Binary.run(["migrate", "--db", "w.db"], directory: work.url).status == 0)
        let empty = try Binary.run(["train", "clv", "--db", "w.db"], directory: work.url)
        #expect(empty.status == 1)
        #expect(empty.stderr.contains("Error: the warehouse has no purchases: import some first"), "\(empty.stderr)")
        #expect(!empty.stderr.contains("Usage:"), "\(empty.stderr)")
        let misuse = try Binary.run(["train", "clv", "--months", "0", "--db", "w.db"], directory: work.url)
        #expect(misuse.status == 64)
        #expect(misuse.stderr.contains("--months must be at least 1") && misuse.stderr.contains("Usage: lifecycle train clv"), "\(misuse.stderr)")
    }

    @Test("a country no customer has is refused, naming the known countries nearest to it")
    func unknownCountry() throws {
        let work = try AnalyticsCLITests.importedDump()
        let narnia = try Binary.run(["rfm", "--country", "Narnia", "--db", "w.db"], directory: work.url)
        #expect(narnia.status == 1)
        #expect(narnia.stdout.isEmpty)
        #expect(narnia.stderr.contains("--country 'Narnia': no customer is of that country; nearest known: 'France', 'United Kingdom'"),
                "\(narnia.stderr)")
        let typo = try Binary.run(["retention", "--country", "united kingdom", "--db", "w.db"], directory: work.url)
        #expect(typo.status == 1)
        #expect(typo.stderr.contains("nearest known: 'United Kingdom', 'France'"), "\(typo.stderr)")
        let long = String(repeating: "N", count: 5_000)
        let huge = try Binary.run(["activity", "--country", long, "--db", "w.db"], directory: work.url)
        #expect(huge.status == 1 && huge.stderr.utf8.count < 600, "\(huge.stderr.utf8.count) bytes")
        let known = try Binary.run(["rfm", "--country", "France", "--format", "json", "--db", "w.db"], directory: work.url)
        #expect(known.status == 0, "\(known.stderr)")
    }

    @Test("retention and activity on events refuse a warehouse without them instead of an empty table")
    func noEvents() throws {
        let work = try AnalyticsCLITests.importedDump()
        let retention = try Binary.run(["retention", "--activity", "events", "--db", "w.db"], directory: work.url)
        #expect(retention.status == 1)
        #expect(retention.stdout.isEmpty)
        #expect(retention.stderr.contains("the warehouse holds no events"), "\(retention.stderr)")
        let activity = try Binary.run(["activity", "--activity", "events", "--db", "w.db"], directory: work.url)
        #expect(activity.status == 1 && activity.stderr.contains("the warehouse holds no events"), "\(activity.stderr)")
        try "event_id,user_id,occurred_at,type\ne1,17850,2011-01-01T10:00:00Z,view\n".write(toFile: work.path("e.csv"), atomically: true, encoding: .utf8)
        #expect(try Binary.run(["import", "events", "e.csv", "--db", "w.db"], directory: work.url).status == 0)
        let wrongType = try Binary.run(["retention", "--activity", "events", "--event-type", "review", "--db", "w.db"], directory: work.url)
        #expect(wrongType.status == 1)
        #expect(wrongType.stderr.contains("--event-type 'review': no events of that type (types held: view)"), "\(wrongType.stderr)")
        let views = try Binary.run(["retention", "--activity", "events", "--format", "csv", "--db", "w.db"], directory: work.url)
        #expect(views.status == 0, "\(views.stderr)")
    }

    @Test("models promote, rollback, unalias and history take NAME, NAME@VERSION and NAME@ALIAS")
    func modelReferencesInAliasCommands() throws {
        let work = try WorkDirectory()
        try ModelsCLITests.seed(work)
        func run(_ arguments: [String]) throws -> Binary.Result { try ModelsCLITests.run(arguments, in: work) }

        let candidate = try run(["models", "promote", "churn@1", "--alias", "candidate"])
        #expect(candidate.status == 0, "\(candidate.stderr)")
        #expect(candidate.stdout.contains("churn: candidate (not set) → version 1"))
        let production = try run(["models", "promote", "churn@candidate"])
        #expect(production.stdout.contains("churn: production (not set) → version 1"), "\(production.stderr)")
        #expect(try run(["models", "promote", "churn@latest"]).stdout.contains("churn: production version 1 → version 2"))
        #expect(try run(["models", "promote", "churn", "1", "--alias", "candidate"]).stdout.contains("already points at version 1"))

        let history = try run(["models", "history", "churn@production", "--format", "csv"])
        #expect(history.status == 0, "\(history.stderr)")
        #expect(history.stdout.split(separator: "\n").count == 3, "\(history.stdout)")
        let rollback = try run(["models", "rollback", "churn@production"])
        #expect(rollback.stdout.contains("churn: production version 2 → version 1"), "\(rollback.stderr)")
        let unalias = try run(["models", "unalias", "churn@candidate"])
        #expect(unalias.status == 0 && unalias.stdout.contains("churn: candidate version 1 → (removed)"), "\(unalias.stderr)")

        for (arguments, message) in [
            (["models", "promote", "churn"], "churn: say which version to promote"),
            (["models", "promote", "churn@1", "2"], "churn@1: already names the version"),
            (["models", "rollback", "churn@2"], "churn@2: rollback acts on an alias, not a version"),
            (["models", "unalias", "churn@production", "--alias", "candidate"], "names alias 'production' but --alias says 'candidate'"),
            (["models", "unalias", "churn"], "say which alias to remove"),
        ] {
            let result = try run(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}
