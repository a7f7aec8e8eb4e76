import Foundation
import Testing

/// The README's tour, run as written on the real data sets: the commands are read from the
/// README's console blocks (file names replaced by ../shared/data's paths), and what they print
/// must contain what the README shows. Each data set has its own warehouse, so the CDNOW steps
/// cannot change the Online Retail answers shown before them.
@Suite(.serialized) struct ReadmeTourCLITests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let shared = repository.deletingLastPathComponent().appendingPathComponent("shared/data")
    static let onlineRetail = shared.appendingPathComponent("online-retail/online_retail.csv.gz").path
    static let cdnowSample = shared.appendingPathComponent("cdnow/CDNOW_sample.txt").path
    static let present = FileManager.default.fileExists(atPath: onlineRetail) && FileManager.default.fileExists(atPath: cdnowSample)

    /// One `$ ` line of a console block and the lines printed under it.
    struct Step {
        let command: String
        let output: [String]
    }

    /// Every command of the README's console blocks, in order, with the output shown under it.
    static func steps() throws -> [Step] {
        let text = try String(contentsOf: repository.appendingPathComponent("README.md"), encoding: .utf8)
        var steps: [Step] = []
        var inConsole = false
        var command: String?
        var output: [String] = []
        func flush() {
            if let command { steps.append(Step(command: command, output: output)) }
            command = nil
            output = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```") {
                flush()
                inConsole = line == "```console"
            } else if inConsole && line.hasPrefix("$ ") {
                flush()
                command = String(line.dropFirst(2))
            } else if inConsole {
                output.append(line)
            }
        }
        return steps
    }

    /// The arguments of a shown command: its comment dropped, words split on blanks, the data
    /// files named by their paths in ../shared/data.
    static func arguments(_ command: String) -> [String] {
        let body = command.range(of: "  #").map { String(command[..<$0.lowerBound]) } ?? command
        return body.split(separator: " ").map(String.init).dropFirst().map { word in
            switch word {
            case "online_retail.csv.gz": return onlineRetail
            case "CDNOW_sample.txt": return cdnowSample
            default: return word
            }
        }
    }

    /// The shown step whose command starts with `prefix`.
    static func step(_ steps: [Step], _ prefix: String) throws -> Step {
        try #require(steps.first { $0.command.hasPrefix(prefix) }, "the README shows no `\(prefix)`")
    }

    @Test("the tour gives each data set its own warehouse, and its commands print what it shows",
          .enabled(if: present, "skipped: ../shared/data/online-retail or cdnow is not present"))
    func tourAsWritten() throws {
        let steps = try Self.steps()
        let work = try WorkDirectory()
        let export = try Self.step(steps, "export LIFECYCLE_DB=")
        let database = String(export.command.dropFirst("export LIFECYCLE_DB=".count))
        #expect(database != "lifecycle.db", "the tour names its Online Retail warehouse")
        let environment = ["LIFECYCLE_DB": database]
        func run(_ step: Step, table: Bool = false) throws -> String {
            let result = try Binary.run(Self.arguments(step.command) + (table ? ["--format", "table"] : []),
                                        directory: work.url, environment: environment)
            #expect(result.status == 0, "\(step.command): \(result.stderr)")
            return result.stdout + result.stderr
        }
        /// The counts of an import line as shown: between the file name and the timing.
        func counts(_ line: String) throws -> String {
            let start = try #require(line.range(of: ": read "))
            let end = try #require(line.range(of: "; ", options: .backwards))
            return String(line[start.upperBound..<end.lowerBound])
        }

        let firstImport = try Self.step(steps, "lifecycle import orders online_retail.csv.gz")
        let printed = try run(firstImport)
        #expect(printed.contains(try counts(try #require(firstImport.output.first))), "\(printed)")
        let rfm = try Self.step(steps, "lifecycle rfm")
        let rfmRows = rfm.output.filter { $0.hasPrefix("Champions") || $0.hasPrefix("Loyal Customers") }
        #expect(rfmRows.count == 2)
        let retention = try Self.step(steps, "lifecycle retention --period month --max-offset 4")
        let retentionRows = retention.output.filter { $0.hasPrefix("2010-12") || $0.hasPrefix("2011-01") }
        #expect(retentionRows.count == 2)

        // CDNOW in its own warehouse, then Online Retail's answers again: unchanged.
        let cdnowImport = try Self.step(steps, "lifecycle import orders CDNOW_sample.txt")
        #expect(Self.arguments(cdnowImport.command).contains("--db"), "the CDNOW import names its own warehouse")
        _ = try run(cdnowImport)
        let trainCLV = try Self.step(steps, "lifecycle train clv")
        let holdout = try #require(trainCLV.output.first { $0.hasPrefix("holdout to") })
        let trained = try run(trainCLV, table: true)
        #expect(trained.contains(holdout), "\(trained)")
        let rfmAfter = try run(rfm, table: true)
        for row in rfmRows { #expect(rfmAfter.contains(row), "\(row) not in \(rfmAfter)") }
        let retentionAfter = try run(retention, table: true)
        for row in retentionRows { #expect(retentionAfter.contains(row), "\(row) not in \(retentionAfter)") }
        #expect(FileManager.default.fileExists(atPath: work.path(database)) && !FileManager.default.fileExists(atPath: work.path("lifecycle.db")))
    }
}
