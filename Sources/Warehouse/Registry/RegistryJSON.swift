/// Registry results as JSON values, for `--format json` and the export sidecar. Times are
/// ISO-8601 UTC text with the Unix seconds beside them where a program may want to compute.
public enum RegistryJSON {
    /// A snapshot with its aliases and tensors.
    public static func snapshot(_ description: ModelDescription) -> JSONValue {
        let snapshot = description.snapshot
        var training: [JSONMember] = [
            JSONMember("as_of", .string(RegistryClock.iso(snapshot.trainingAsOf))),
            JSONMember("as_of_unix", .integer(snapshot.trainingAsOf)),
            JSONMember("window_start", snapshot.trainingWindow.map { .string(RegistryClock.iso($0.lowerBound)) } ?? .null),
            JSONMember("window_end", snapshot.trainingWindow.map { .string(RegistryClock.iso($0.upperBound)) } ?? .null),
        ]
        if let window = snapshot.trainingWindow {
            training += [JSONMember("window_start_unix", .integer(window.lowerBound)), JSONMember("window_end_unix", .integer(window.upperBound))]
        }
        training += [JSONMember("rows", .integer(Int64(snapshot.trainingRows))),
                     JSONMember("data_fingerprint", .string(snapshot.dataFingerprint))]
        var weights: [JSONMember] = [
            JSONMember("format", .string(snapshot.weightsFormat)),
            JSONMember("sha256", .string(snapshot.weightsSHA256)),
            JSONMember("bytes", .integer(Int64(snapshot.weightsBytes))),
            JSONMember("tensors", .array(description.tensors.map {
                ["name": .string($0.name), "shape": .array($0.shape.map { .integer(Int64($0)) })]
            })),
        ]
        if let problem = description.weightsProblem { weights.append(JSONMember("problem", .string(problem))) }
        var members: [JSONMember] = [
            JSONMember("model", .string(snapshot.name)),
            JSONMember("version", .integer(Int64(snapshot.version))),
            JSONMember("reference", .string(snapshot.reference)),
        ]
        if let via = description.resolvedVia { members.append(JSONMember("resolved_via", .string(via))) }
        members += [
            JSONMember("kind", .string(snapshot.kind)),
            JSONMember("id", .integer(snapshot.id)),
            JSONMember("created_at", .string(RegistryClock.iso(snapshot.createdAt))),
            JSONMember("created_at_unix", .integer(snapshot.createdAt)),
            JSONMember("code_version", .string(snapshot.codeVersion)),
            JSONMember("record_sha256", snapshot.recordSHA256.map { .string($0) } ?? .null),
            JSONMember("aliases", .array(description.aliases.map { .string($0) })),
            JSONMember("training", .object(training)),
            JSONMember("hyperparameters", snapshot.hyperparameters),
            JSONMember("metrics", snapshot.metrics),
        ]
        if !description.scalarParameters.isEmpty { members.append(JSONMember("parameters", .object(description.scalarParameters))) }
        members.insert(JSONMember("verification", verification(description.verification)), at: 3)
        members += [
            JSONMember("weights", .object(weights)),
        ]
        return .object(members)
    }

    /// The models in the registry.
    public static func models(_ models: [ModelSummary]) -> JSONValue {
        .array(models.map { model in
            ["model": .string(model.name), "kind": .string(model.kind), "versions": .integer(Int64(model.versions)),
             "latest_created_at": .string(RegistryClock.iso(model.latestCreatedAt)),
             "aliases": .object(model.aliases.map { JSONMember($0.alias, .integer(Int64($0.version))) }),
             "aliases_naming_missing_versions": .array(model.aliases.filter(\.versionMissing).map { .string($0.alias) }),
             "versions_trained_on_erased_data": .array(model.versionsTrainedOnErasedData.map { .integer(Int64($0)) })]
        })
    }

    /// The versions of one model, with the aliases pointing at each.
    public static func versions(_ snapshots: [ModelSnapshot], aliases: [String: Int]) -> JSONValue {
        .array(snapshots.map { snapshot in
            ["model": .string(snapshot.name), "version": .integer(Int64(snapshot.version)), "kind": .string(snapshot.kind),
             "created_at": .string(RegistryClock.iso(snapshot.createdAt)), "code_version": .string(snapshot.codeVersion),
             "training_as_of": .string(RegistryClock.iso(snapshot.trainingAsOf)),
             "training_rows": .integer(Int64(snapshot.trainingRows)), "weights_sha256": .string(snapshot.weightsSHA256),
             "aliases": .array(aliases.filter { $0.value == snapshot.version }.keys.sorted().map { .string($0) }),
             "trained_on_erased_data": .bool(snapshot.trainedOnErasedData)]
        })
    }

    /// One alias move.
    public static func move(_ move: AliasMove) -> JSONValue {
        ["id": .integer(move.id), "model": .string(move.name), "alias": .string(move.alias),
         "from_version": move.fromVersion.map { .integer(Int64($0)) } ?? .null,
         "to_version": move.toVersion.map { .integer(Int64($0)) } ?? .null,
         "moved_at": .string(RegistryClock.iso(move.movedAt)), "moved_at_unix": .integer(move.movedAt),
         "moved_by": .string(move.movedBy), "reason": move.reason.map { .string($0) } ?? .null]
    }

    /// A diff: the changed (or, with `all`, every) field and every tensor.
    public static func diff(_ diff: ModelDiff, all: Bool = false) -> JSONValue {
        [
            "a": .string(diff.a.reference), "b": .string(diff.b.reference),
            "weights_identical": .bool(diff.weightsIdentical),
            "fields": .array((all ? diff.fields : diff.changes).map { field in
                var members: [JSONMember] = [
                    JSONMember("section", .string(field.section.rawValue)), JSONMember("field", .string(field.name)),
                    JSONMember("a", field.a ?? .null), JSONMember("b", field.b ?? .null),
                    JSONMember("changed", .bool(field.changed)),
                ]
                if let difference = field.difference, difference.isFinite { members.append(JSONMember("difference", .number(difference))) }
                return .object(members)
            }),
            "tensors": .array(diff.tensors.map { tensor in
                ["tensor": .string(tensor.name),
                 "shape_a": tensor.shapeA.map { .array($0.map { .integer(Int64($0)) }) } ?? .null,
                 "shape_b": tensor.shapeB.map { .array($0.map { .integer(Int64($0)) }) } ?? .null,
                 "max_abs_difference": tensor.maxAbsDifference.map { $0.isFinite ? JSONValue.number($0) : JSONValue.null } ?? .null,
                 "identical": .bool(tensor.identical)]
            }),
        ]
    }

    /// The result of `models verify`: one element per snapshot (`check` = `snapshot`), then one per
    /// registry problem (`check` = `missing_version`, `alias` or `alias_history`, always `ok` false).
    public static func verification(_ report: RegistryVerification) -> JSONValue {
        .array(report.snapshots.map { result in
            ["check": "snapshot", "model": .string(result.snapshot.name), "version": .integer(Int64(result.snapshot.version)),
             "kind": .string(result.snapshot.kind), "weights_sha256": .string(result.snapshot.weightsSHA256),
             "ok": .bool(result.ok), "record_checked": .bool(result.recordChecked),
             "problem": result.problem.map { .string($0) } ?? .null]
        } + report.problems.map { problem in
            ["check": .string(problem.check.rawValue), "model": .string(problem.model), "version": .integer(Int64(problem.version)),
             "alias": problem.alias.map { .string($0) } ?? .null, "ok": false, "problem": .string(problem.message)]
        })
    }

    /// One snapshot's verification, as `models show` reports it.
    static func verification(_ result: SnapshotVerification) -> JSONValue {
        ["ok": .bool(result.ok), "record_checked": .bool(result.recordChecked), "problem": result.problem.map { .string($0) } ?? .null]
    }

    /// Stored predictions.
    public static func predictions(_ predictions: [Prediction]) -> JSONValue {
        .array(predictions.map { ["user_id": .integer($0.userID), "customer": .string($0.customer), "score": .number($0.score)] })
    }
}
