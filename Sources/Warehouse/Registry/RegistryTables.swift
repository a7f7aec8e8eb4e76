import Foundation

/// A titled table: one part of a report such as `models show`.
public struct TitledTable: Sendable, Equatable {
    /// The heading printed above the table (empty for none).
    public let title: String
    /// The table.
    public let table: Table
}

/// Registry results as tables for `--format table|csv|markdown`. Numbers show six significant
/// digits here (JSON output keeps every digit).
public enum RegistryTables {
    /// `models list`: one row per model; an alias naming a missing version is marked and explained below.
    public static func models(_ models: [ModelSummary]) -> Table {
        let missing = models.flatMap { model in
            model.aliases.filter(\.versionMissing).map {
                "alias \($0.alias) of \(model.name) names version \($0.version), which is missing: run `lifecycle models verify`."
            }
        }
        return Table(columns: ["model", "kind", "versions", Column("latest created (UTC)", key: "latest_created_at"), "aliases",
                               Column("main metric", key: "main_metric"), Column("value", key: "main_metric_value"),
                               Column("of version", key: "main_metric_version")],
                     rows: models.map { model in
                         [.text(model.name), .text(model.kind), .count(model.versions), .instant(model.latestCreatedAt),
                          .text(model.aliases.map { "\($0.alias)=\($0.version)" + ($0.versionMissing ? " (MISSING)" : "") }.joined(separator: " "))]
                             + mainMetricCells(model.mainMetric) + [model.mainVersion.map { .count($0) } ?? .null]
                     },
                     notes: models.isEmpty ? ["No models yet: training stores the first version (e.g. `lifecycle train churn`)."]
                         : missing + [erasedNote(models.flatMap { model in
                             model.versionsTrainedOnErasedData.map { "\(model.name)@\($0)" }
                         })].compactMap { $0 })
    }

    /// `models list NAME`: one row per version; aliases naming a version that is not there are
    /// listed below the table.
    public static func versions(_ snapshots: [ModelSnapshot], aliases: [String: Int]) -> Table {
        let present = Set(snapshots.map(\.version))
        let name = snapshots.first?.name ?? ""
        let missing = aliases.filter { !present.contains($0.value) }.sorted { $0.key < $1.key }.map {
            "alias \($0.key) of \(name) names version \($0.value), which is missing: run `lifecycle models verify`."
        }
        return Table(columns: ["version", Column("created (UTC)", key: "created_at"), Column("training as of", key: "training_as_of"), "rows", "code",
                              Column("weights sha256", key: "weights_sha256_prefix"), "aliases",
                              Column("trained on erased data", key: "trained_on_erased_data"),
                              Column("main metric", key: "main_metric"), Column("value", key: "main_metric_value")],
              rows: snapshots.map { snapshot in
                  [.count(snapshot.version), .instant(snapshot.createdAt), .instant(snapshot.trainingAsOf),
                   .count(snapshot.trainingRows), .text(snapshot.codeVersion), .text(String(snapshot.weightsSHA256.prefix(12))),
                   .text(aliases.filter { $0.value == snapshot.version }.keys.sorted().joined(separator: " ")),
                   .bool(snapshot.trainedOnErasedData)]
                      + mainMetricCells(MainMetric(kind: snapshot.kind, metrics: snapshot.metrics))
              },
              notes: missing + [erasedNote(snapshots.filter(\.trainedOnErasedData).map(\.reference))].compactMap { $0 })
    }

    /// The main metric's name and value (four decimals in tables), null for none.
    static func mainMetricCells(_ metric: MainMetric?) -> [Cell] {
        [metric.map { .text($0.name) } ?? .null, metric?.value.map { .real($0, decimals: 4) } ?? .null]
    }

    /// The note that marks versions trained on data of customers erased since; nil for none.
    static func erasedNote(_ references: [String]) -> String? {
        guard !references.isEmpty else { return nil }
        return "trained on erased data: \(references.joined(separator: ", ")) (customers erased since by lifecycle forget were in "
            + "\(references.count == 1 ? "its" : "their") training data; retraining is your decision, docs/PRIVACY.md)."
    }

    /// `models show`: the overview, hyperparameters, metrics (arrays of objects such as a
    /// calibration table as tables of their own), and the weights' tensors.
    public static func snapshot(_ description: ModelDescription) -> [TitledTable] {
        let snapshot = description.snapshot
        var overview: [[Cell]] = [
            ["model", .text(snapshot.reference + (description.resolvedVia.map { " (via \($0))" } ?? ""))],
            ["kind", .text(snapshot.kind)],
            ["aliases", .text(description.aliases.isEmpty ? "-" : description.aliases.joined(separator: ", "))],
            ["created", .text(RegistryClock.iso(snapshot.createdAt) + " by lifecycle " + snapshot.codeVersion)],
            ["training as of", .text(RegistryClock.iso(snapshot.trainingAsOf))],
            ["training window", .text(snapshot.trainingWindow.map { RegistryClock.iso($0.lowerBound) + " … " + RegistryClock.iso($0.upperBound) } ?? "-")],
            ["training rows", .count(snapshot.trainingRows)],
            ["data fingerprint", .text(snapshot.dataFingerprint)],
            ["weights", .text("\(snapshot.weightsFormat), \(snapshot.weightsBytes) bytes")],
            ["weights sha256", .text(snapshot.weightsSHA256)],
            ["record sha256", .text(snapshot.recordSHA256 ?? "- (saved before record checksums)")],
        ]
        if let problem = description.weightsProblem { overview.append(["weights problem", .text(problem)]) }
        overview.insert(["verification", .text(verificationText(description.verification))], at: 1)
        var parts = [TitledTable(title: "", table: Table(columns: ["field", "value"], rows: overview))]
        parts += sections(snapshot.hyperparameters, title: "Hyperparameters", empty: "none recorded")
        parts += sections(snapshot.metrics, title: "Metrics", empty: "none recorded")
        if !description.scalarParameters.isEmpty {
            parts += sections(.object(description.scalarParameters), title: "Parameters", empty: "")
        }
        parts.append(TitledTable(title: "Weights", table: Table(
            columns: ["tensor", "shape", "values"],
            rows: description.tensors.map { tensor in
                [.text(tensor.name), .text(shape(tensor.shape)), .count(tensor.shape.reduce(1, *))]
            })))
        return parts
    }

    /// `models show --format csv`: everything as (section, field, value) rows, nested values by path.
    public static func snapshotLong(_ description: ModelDescription) -> Table {
        var rows: [[Cell]] = []
        for (path, value) in RegistryJSON.snapshot(description).flattened() {
            let section = path.split(separator: ".", maxSplits: 1).first.map(String.init) ?? path
            let field = path.contains(".") ? String(path.dropFirst(section.count + 1)) : ""
            rows.append([.text(section), .text(field), cell(value)])
        }
        return Table(columns: ["section", "field", "value"], rows: rows)
    }

    /// `models diff`: the changed (or, with `all`, every) field, then the tensors.
    public static func diff(_ diff: ModelDiff, all: Bool = false) -> [TitledTable] {
        let fields = all ? diff.fields : diff.changes
        let changes = Table(
            columns: ["section", "field", Column(diff.a.reference, key: "a"), Column(diff.b.reference, key: "b"), "change"],
            rows: fields.map { field in
                [.text(field.section.rawValue), .text(field.name), .text(field.a.map(display) ?? "-"), .text(field.b.map(display) ?? "-"),
                 .text(field.difference.map { ($0 > 0 ? "+" : "") + number($0) } ?? (field.changed ? "changed" : ""))]
            },
            notes: fields.isEmpty ? ["No differences in description, hyperparameters or metrics."] : [])
        let tensors = Table(
            columns: ["tensor", Column("shape " + diff.a.reference, key: "shape_a"), Column("shape " + diff.b.reference, key: "shape_b"),
                      "max |difference|"],
            rows: diff.tensors.map { tensor in
                [.text(tensor.name), .text(tensor.shapeA.map(shape) ?? "-"), .text(tensor.shapeB.map(shape) ?? "-"),
                 .text(tensor.identical ? "identical" : tensor.maxAbsDifference.map(number) ?? "shapes differ")]
            },
            notes: diff.weightsIdentical ? ["The weights are identical (same sha256)."] : [])
        return [TitledTable(title: "", table: changes), TitledTable(title: "Weights", table: tensors)]
    }

    /// `models diff --format csv`: fields and tensors in one table (tensors in section `weights`:
    /// the shapes as a and b, the largest absolute difference as the change).
    public static func diffLong(_ diff: ModelDiff, all: Bool = false) -> Table {
        var rows = (all ? diff.fields : diff.changes).map { field -> [Cell] in
            [.text(field.section.rawValue), .text(field.name), field.a.map(cell) ?? .null, field.b.map(cell) ?? .null,
             .realOrNull(field.difference, decimals: 6)]
        }
        rows += diff.tensors.map { tensor -> [Cell] in
            ["weights", .text(tensor.name), .textOrNull(tensor.shapeA.map(shape)), .textOrNull(tensor.shapeB.map(shape)),
             .realOrNull(tensor.maxAbsDifference, decimals: 6)]
        }
        return Table(columns: ["section", "field", "a", "b", "change"], rows: rows)
    }

    /// `models history`: one row per alias move.
    public static func history(_ moves: [AliasMove]) -> Table {
        Table(columns: [Column("moved (UTC)", key: "moved_at"), "alias", "from", "to", "by", "reason"],
              rows: moves.map { move in
                  [.instant(move.movedAt), .text(move.alias), move.fromVersion.map(Cell.count) ?? .null,
                   move.toVersion.map(Cell.count) ?? .null, .text(move.movedBy), .textOrNull(move.reason)]
              },
              notes: moves.isEmpty ? ["No alias has been set yet."] : [])
    }

    /// `models verify`: one row per snapshot, then one per registry problem (missing versions,
    /// aliases naming them).
    public static func verification(_ report: RegistryVerification) -> Table {
        let results = report.snapshots
        let failed = results.filter { !$0.ok }.count
        let problems = report.problems.count
        var rows = results.map { result -> [Cell] in
            [.text(result.snapshot.name), .count(result.snapshot.version), .text(result.snapshot.kind),
             .text(String(result.snapshot.weightsSHA256.prefix(12))), .text(verificationText(result))]
        }
        rows += report.problems.map { [.text($0.model), .count($0.version), "-", "-", .text(($0.check == .missingVersion ? "MISSING: " : "FAILED: ") + $0.message)] }
        return Table(columns: ["model", "version", "kind", Column("weights sha256", key: "weights_sha256_prefix"), "status"], rows: rows,
                     notes: ["\(results.count - failed) of \(results.count) snapshots verified" + (failed > 0 ? ", \(failed) failed" : "")
                             + (problems > 0 ? "; \(problems) registry problem\(problems == 1 ? "" : "s")" : "")])
    }

    /// `ok`, `ok (weights only: ...)` for a snapshot without a record checksum, or `FAILED: why`.
    static func verificationText(_ result: SnapshotVerification) -> String {
        if let problem = result.problem { return "FAILED: " + problem + " The values shown for it cannot be trusted." }
        return result.recordChecked ? "ok" : "ok (weights only: saved before record checksums, its other fields cannot be checked)"
    }

    /// Stored predictions.
    public static func predictions(_ predictions: [Prediction]) -> Table {
        Table(columns: ["customer", "user id", "score"],
              rows: predictions.map { [.text($0.customer), .integer($0.userID), .real($0.score, decimals: 6)] })
    }

    // MARK: Formatting

    /// A number with six significant digits (`0.731235`, `1e-05`, `4338`).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        return String(format: "%.6g", value)
    }

    static func display(_ value: JSONValue) -> String {
        switch value {
        case .number(let number): return self.number(number)
        case .array(let elements) where elements.allSatisfy(isScalar):
            return "[" + elements.map(display).joined(separator: ", ") + "]"
        default: return value.displayText
        }
    }

    /// A JSON scalar as a cell: numbers as reals shown with six significant digits' worth of
    /// decimals, containers as their compact JSON text.
    static func cell(_ value: JSONValue) -> Cell {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .integer(let integer): return .integer(integer)
        case .number(let number): return .real(number, decimals: 6)
        case .decimal(let text): return .text(text)
        case .string(let text): return .text(text)
        case .array, .object: return .text(display(value))
        }
    }

    private static func shape(_ dimensions: [Int]) -> String {
        "[" + dimensions.map(String.init).joined(separator: ", ") + "]"
    }

    private static func isScalar(_ value: JSONValue) -> Bool {
        switch value {
        case .array, .object: return false
        default: return true
        }
    }

    /// Key/value rows for a JSON object, with arrays of flat objects (a calibration table, a
    /// per-decile lift) split out as tables of their own, titled by their path.
    static func sections(_ json: JSONValue, title: String, empty: String) -> [TitledTable] {
        var rows: [[Cell]] = []
        var tables: [TitledTable] = []
        func walk(_ value: JSONValue, _ path: String) {
            switch value {
            case .object(let members) where !members.isEmpty:
                for member in members { walk(member.value, path.isEmpty ? member.key : path + "." + member.key) }
            case .array(let elements) where !elements.isEmpty && elements.allSatisfy({ $0.members.map { $0.allSatisfy { isScalar($0.value) } } ?? false }):
                var columns: [String] = []
                for element in elements { for member in element.members ?? [] where !columns.contains(member.key) { columns.append(member.key) } }
                let body = elements.map { element in columns.map { element[$0].map(cell) ?? .null } }
                tables.append(TitledTable(title: "\(title): \(path)", table: Table(columns: columns.map { Column($0) }, rows: body)))
            case .array(let elements) where !elements.allSatisfy(isScalar):
                for (index, element) in elements.enumerated() { walk(element, path + "[\(index)]") }
            default:
                rows.append([.text(path), cell(value)])
            }
        }
        walk(json, "")
        let main = Table(columns: ["name", "value"], rows: rows.filter { $0[0] != .text("") },
                         notes: rows.isEmpty && tables.isEmpty ? [empty] : [])
        return [TitledTable(title: title, table: main)] + tables
    }
}
