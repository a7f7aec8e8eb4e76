import Learning

/// How two snapshots differ: their descriptions field by field, and their weights tensor by tensor.
public struct ModelDiff: Sendable, Equatable {
    /// The part of a snapshot a field belongs to.
    public enum Section: String, Sendable, CaseIterable {
        /// Kind, code version, creation time, weights checksum.
        case snapshot
        /// Training as-of, window, rows and data fingerprint.
        case training
        /// The trainer's settings.
        case hyperparameters
        /// Evaluation results.
        case metrics
    }

    /// One field in both snapshots (nil where a snapshot lacks it).
    public struct Field: Sendable, Equatable {
        /// Where it belongs.
        public let section: Section
        /// Its name; nested values have paths like `baseline.auc` or `calibration[2].observed`.
        public let name: String
        /// The value in the first snapshot.
        public let a: JSONValue?
        /// The value in the second snapshot.
        public let b: JSONValue?
        /// Whether the values differ.
        public var changed: Bool { a != b }
        /// `b - a` when both are numbers.
        public var difference: Double? {
            guard let x = a?.doubleValue, let y = b?.doubleValue else { return nil }
            return y - x
        }
    }

    /// One tensor in both snapshots' weights.
    public struct Tensor: Sendable, Equatable {
        /// The tensor's name.
        public let name: String
        /// Its shape in the first snapshot, nil when absent there.
        public let shapeA: [Int]?
        /// Its shape in the second snapshot, nil when absent there.
        public let shapeB: [Int]?
        /// The largest absolute difference between corresponding values, when the shapes agree
        /// (0 for identical values; NaN when a value is NaN).
        public let maxAbsDifference: Double?
        /// Whether the values are identical bit for bit.
        public let identical: Bool
    }

    /// The first snapshot.
    public let a: ModelSnapshot
    /// The second snapshot.
    public let b: ModelSnapshot
    /// Every field of both, in a stable order: snapshot, training, hyperparameters, metrics.
    public let fields: [Field]
    /// Every tensor of both: the first snapshot's order, then tensors only the second has.
    public let tensors: [Tensor]

    /// The fields that differ.
    public var changes: [Field] { fields.filter(\.changed) }

    /// Whether the weights blobs are identical (same SHA-256).
    public var weightsIdentical: Bool { a.weightsSHA256 == b.weightsSHA256 }
}

extension ModelRegistry {
    /// Compares two snapshots (of the same model or not): kind, code version, creation time,
    /// training as-of, window, rows and fingerprint, every hyperparameter and metric (nested ones
    /// by path), and the weights per tensor (shape and largest absolute difference). Both weights
    /// are checksum-verified.
    public func diff(_ a: ModelSnapshot, _ b: ModelSnapshot) throws -> ModelDiff {
        let weightsA = try loadParameters(a)
        let weightsB = try loadParameters(b)
        var fields: [ModelDiff.Field] = []
        let describedA = Self.diffFields(a), describedB = Self.diffFields(b)
        for section in ModelDiff.Section.allCases {
            let left = describedA.filter { $0.section == section }
            let right = describedB.filter { $0.section == section }
            var names = left.map(\.name)
            for field in right where !names.contains(field.name) { names.append(field.name) }
            for name in names {
                fields.append(ModelDiff.Field(section: section, name: name,
                                              a: left.first { $0.name == name }?.value, b: right.first { $0.name == name }?.value))
            }
        }
        var names = weightsA.tensors.map(\.name)
        for tensor in weightsB.tensors where !names.contains(tensor.name) { names.append(tensor.name) }
        let tensors = names.map { name -> ModelDiff.Tensor in
            let left = weightsA[name], right = weightsB[name]
            var maxDifference: Double?
            var identical = false
            if let left, let right, left.shape == right.shape {
                identical = zip(left.values, right.values).allSatisfy { $0.bitPattern == $1.bitPattern }
                maxDifference = zip(left.values, right.values).reduce(0.0) { worst, pair in
                    let difference = abs(pair.0 - pair.1)
                    return worst.isNaN || difference.isNaN ? .nan : max(worst, difference)
                }
            }
            return ModelDiff.Tensor(name: name, shapeA: left?.shape, shapeB: right?.shape,
                                    maxAbsDifference: maxDifference, identical: identical)
        }
        return ModelDiff(a: a, b: b, fields: fields, tensors: tensors)
    }

    private static func diffFields(_ snapshot: ModelSnapshot) -> [(section: ModelDiff.Section, name: String, value: JSONValue)] {
        var out: [(ModelDiff.Section, String, JSONValue)] = [
            (.snapshot, "kind", .string(snapshot.kind)),
            (.snapshot, "code_version", .string(snapshot.codeVersion)),
            (.snapshot, "created_at", .string(RegistryClock.iso(snapshot.createdAt))),
            (.snapshot, "weights_sha256", .string(snapshot.weightsSHA256)),
            (.training, "as_of", .string(RegistryClock.iso(snapshot.trainingAsOf))),
            (.training, "window_start", snapshot.trainingWindow.map { .string(RegistryClock.iso($0.lowerBound)) } ?? .null),
            (.training, "window_end", snapshot.trainingWindow.map { .string(RegistryClock.iso($0.upperBound)) } ?? .null),
            (.training, "rows", .integer(Int64(snapshot.trainingRows))),
            (.training, "data_fingerprint", .string(snapshot.dataFingerprint)),
        ]
        for (path, value) in snapshot.hyperparameters.flattened() where !path.isEmpty { out.append((.hyperparameters, path, value)) }
        for (path, value) in snapshot.metrics.flattened() where !path.isEmpty { out.append((.metrics, path, value)) }
        return out
    }
}
