import Foundation
import PostgresStore
import SQLiteStore
import Testing

extension CitusCLITests {
    /// `lifecycle models` on both engines: two churn versions trained on the SQLite file and on the
    /// Citus cluster, then the same sequence of registry commands on each — list a model's
    /// versions, promote, a refused rollback, move an alias by another, roll back, remove an alias,
    /// the history, show, diff, compare, export and verify — printing the same (instants aside),
    /// refusing with the same words (the server's named), and leaving the same aliases and moves.
    /// A snapshot changed behind the registry's back then fails `models verify` and `models show`.
    @Test func theRegistryCommandsOnCitusDoWhatTheyDoOnTheFile() throws {
        let (work, file, url) = try shopOnBothEngines("lc_registry_commands", users: 300, seed: 71, events: false)
        for training in [["train", "churn"], ["train", "churn", "--model", "gbt", "--max-iterations", "10"]] {
            for db in [file, url] {
                let result = try Binary.run(training + ["--db", db], directory: work.url)
                #expect(result.status == 0, "\(training): \(result.stderr)")
            }
        }
        func both(_ arguments: [String]) throws -> (file: Binary.Result, citus: Binary.Result) {
            (try Binary.run(arguments + ["--db", file], directory: work.url), try Binary.run(arguments + ["--db", url], directory: work.url))
        }
        let steps: [[String]] = [
            ["models", "list", "churn", "--format", "csv"],
            ["models", "promote", "churn@1"],
            ["models", "rollback", "churn"],
            ["models", "promote", "churn", "2", "--alias", "candidate", "--reason", "better lift"],
            ["models", "promote", "churn@candidate", "--format", "json"],
            ["models", "promote", "churn@candidate"],
            ["models", "rollback", "churn", "--reason", "drift"],
            ["models", "unalias", "churn@candidate"],
            ["models", "unalias", "churn@candidate"],
            ["models", "promote", "churn@7"],
            ["models", "history", "churn", "--format", "csv"],
            ["models", "history", "churn@production", "--format", "json"],
            ["models", "list", "--format", "csv"],
            ["models", "show", "churn"],
            ["models", "show", "churn@2", "--format", "csv"],
            ["models", "diff", "churn@1", "churn@2", "--format", "csv"],
            ["models", "diff", "churn@1", "churn@production", "--all"],
            ["models", "verify", "--format", "csv"],
            ["models", "show", "nosuchmodel"],
        ]
        for step in steps {
            let (onFile, onCitus) = try both(step)
            #expect(onFile.status == onCitus.status, "\(step): \(onFile.stderr) | \(onCitus.stderr)")
            #expect(Self.withoutCreationTimes(onCitus.stdout) == Self.withoutCreationTimes(onFile.stdout), "\(step)")
            if onFile.status == 0 {
                #expect(onCitus.stderr == onFile.stderr, "\(step)")
            } else {
                // The same refusal, the server named first as on every PostgreSQL error.
                #expect(onFile.stderr.hasPrefix("Error: ") && onCitus.stderr.hasPrefix("Error: \(url): " + onFile.stderr.dropFirst(7).prefix(40)),
                        "\(step): \(onFile.stderr) | \(onCitus.stderr)")
            }
        }
        // The comparison's rows, but for the fits' wall-clock seconds.
        let (compareOnFile, compareOnCitus) = try both(["models", "compare", "churn", "--format", "csv"])
        #expect(compareOnFile.status == 0 && compareOnCitus.status == 0, "\(compareOnCitus.stderr)")
        #expect(Self.withoutColumn(10, compareOnCitus.stdout).map { Array($0.prefix(10)) }
                == Self.withoutColumn(10, compareOnFile.stdout).map { Array($0.prefix(10)) })

        // The same aliases and moves are stored.
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        #expect(try db.query("SELECT alias, version FROM model_aliases ORDER BY alias").map { "\($0[0].string ?? "")=\($0[1].int64 ?? 0)" } == ["production=1"])
        #expect(try db.scalar("SELECT count(*) FROM model_alias_moves").int64 == 5)

        // Export: the same weights, byte for byte, and the same metadata but for the instants.
        for (db, name) in [(file, "file"), (url, "citus")] {
            let export = try Binary.run(["models", "export", "churn@2", "--out", "\(name).safetensors", "--db", db], directory: work.url)
            #expect(export.status == 0 && export.stdout.hasPrefix("wrote churn@2 to \(name).safetensors"), "\(export.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: work.path("citus.safetensors")))
                == (try Data(contentsOf: URL(fileURLWithPath: work.path("file.safetensors")))))
        let sidecars = try ["citus", "file"].map { try String(contentsOfFile: work.path("\($0).safetensors.json"), encoding: .utf8) }
        #expect(Self.withoutCreationTimes(sidecars[0].replacingOccurrences(of: "citus.safetensors", with: "file.safetensors"))
                == Self.withoutCreationTimes(sidecars[1]))

        // The version at an instant (`--at`), each engine by its own moves' instants: before the
        // first move production pointed at nothing; at the first move's second, at what that
        // second's last move set; a day after the last, at what it points now. A version with
        // --at, and an instant before any version, are refused alike.
        let sqlite = try Connection(path: file, mode: .readOnly)
        func iso(_ instant: Int64) -> String {
            ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(instant)))
        }
        for (db, moves) in [(file, try sqlite.query("SELECT id, to_version, moved_at FROM model_alias_moves WHERE alias = 'production' ORDER BY id")
                                .map { ($0[0].int64 ?? 0, $0[1].int64, $0[2].int64 ?? 0) }),
                            (url, try db.query("SELECT id, to_version, moved_at FROM model_alias_moves WHERE alias = 'production' ORDER BY id")
                                .map { ($0[0].int64 ?? 0, $0[1].int64, $0[2].int64 ?? 0) })] {
            let first = try #require(moves.map(\.2).min()), last = try #require(moves.map(\.2).max())
            let before = try Binary.run(["models", "show", "churn@production", "--at", iso(first - 1), "--db", db], directory: work.url)
            #expect(before.status != 0 && before.stderr.contains("pointed at no version"), "\(db): \(before.stderr)")
            let expected = try #require(moves.last { $0.2 <= first }?.1)
            for (instant, version) in [(first, expected), (last + 86_400, 1)] {
                let shown = try Binary.run(["models", "show", "churn@production", "--at", iso(instant), "--format", "json", "--db", db], directory: work.url)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any], "\(db): \(shown.stderr)")
                #expect((object["model"] as? [String: Any])?["version"] as? Int == Int(version), "\(db) at \(iso(instant)): \(shown.stdout)")
            }
        }
        for arguments in [["models", "show", "churn", "--at", "2000-01-01"], ["models", "show", "churn@2", "--at", "2026-01-01"]] {
            let (onFile, onCitus) = try both(arguments)
            #expect(onFile.status != 0 && onCitus.stderr == onFile.stderr.replacingOccurrences(of: "Error: ", with: "Error: \(url): "),
                    "\(arguments): \(onFile.stderr) | \(onCitus.stderr)")
        }

        // A snapshot changed behind the registry's back fails verification, by name.
        try db.query("UPDATE model_snapshots SET training_rows = training_rows + 1 WHERE version = 2")
        let verify = try Binary.run(["models", "verify", "--db", url], directory: work.url)
        #expect(verify.status == 1 && verify.stderr.contains("1 of 2 snapshots failed verification: churn@2"), "\(verify.stderr)")
        let show = try Binary.run(["models", "show", "churn@2", "--db", url], directory: work.url)
        #expect(show.status == 1 && show.stderr.contains("churn@2 fails verification"), "\(show.stderr)")
    }

    /// Text with every ISO 8601 instant written as "T" and a move's Unix seconds as "U", without the lines of what depends on
    /// when a snapshot was saved or how long its fit took: its creation time, the record
    /// checksum covering it, the fit's and scoring's wall-clock seconds.
    static func withoutCreationTimes(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in !["created_at", "record_sha256", "training_seconds", "scoring_seconds_per_100k"].contains { line.contains($0) } }
            .joined(separator: "\n")
            .replacingOccurrences(of: #"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"#, with: "T", options: .regularExpression)
            .replacingOccurrences(of: #""moved_at_unix" ?: ?[0-9]+"#, with: "\"moved_at_unix\": U", options: .regularExpression)
    }
}
