import Learning

/// A model about to be saved as a new snapshot: everything a snapshot holds except what the
/// registry assigns (id, version, creation time, code version, weights checksum).
public struct ModelSnapshotDraft: Sendable {
    /// The model name (e.g. `churn`): a letter or digit, then letters, digits, `_`, `.`, `-`.
    public var name: String
    /// The trained parameters; their ``ModelParameters/kind`` is the snapshot's kind.
    public var parameters: ModelParameters
    /// The settings the trainer used, a JSON object (`{"l2_penalty": 1, "horizon_days": 90}`).
    public var hyperparameters: JSONValue
    /// Only facts before this instant (Unix seconds UTC) fed the training data.
    public var trainingAsOf: Int64
    /// The span of the facts used, when the trainer has one.
    public var trainingWindow: ClosedRange<Int64>?
    /// Rows (examples) the model was trained on.
    public var trainingRows: Int
    /// Lower-case hex SHA-256 of the training data as the trainer defines it (see ``DataFingerprint``).
    public var dataFingerprint: String
    /// Evaluation results, a JSON object (`{"auc": 0.73, "baseline": {...}, "calibration": [...]}`).
    public var metrics: JSONValue

    /// The snapshot's kind, from the parameters (e.g. `logistic_regression`).
    public var kind: String { parameters.kind }

    /// Creates a draft.
    public init(name: String, parameters: ModelParameters, hyperparameters: JSONValue = .emptyObject,
                trainingAsOf: Int64, trainingWindow: ClosedRange<Int64>? = nil, trainingRows: Int,
                dataFingerprint: String, metrics: JSONValue = .emptyObject) {
        self.name = name
        self.parameters = parameters
        self.hyperparameters = hyperparameters
        self.trainingAsOf = trainingAsOf
        self.trainingWindow = trainingWindow
        self.trainingRows = trainingRows
        self.dataFingerprint = dataFingerprint
        self.metrics = metrics
    }
}

/// A stored, immutable model version. The weights themselves are read on demand with
/// ``Warehouse/loadParameters(_:)``, which verifies them.
public struct ModelSnapshot: Sendable, Equatable {
    /// `model_snapshots.id`; predictions refer to it.
    public let id: Int64
    /// The model name.
    public let name: String
    /// The model kind (Learning's parameter kind, e.g. `logistic_regression`).
    public let kind: String
    /// 1, 2, 3... per name.
    public let version: Int
    /// When it was saved, Unix seconds UTC.
    public let createdAt: Int64
    /// The lifecycle version that trained it (``LifecycleVersion/current`` at the time).
    public let codeVersion: String
    /// The trainer's settings (a JSON object).
    public let hyperparameters: JSONValue
    /// Only facts before this instant fed the training data.
    public let trainingAsOf: Int64
    /// The span of the facts used, when the trainer named one.
    public let trainingWindow: ClosedRange<Int64>?
    /// Rows the model was trained on.
    public let trainingRows: Int
    /// SHA-256 (hex) of the training data as the trainer defines it.
    public let dataFingerprint: String
    /// Evaluation results (a JSON object).
    public let metrics: JSONValue
    /// SHA-256 (hex) of the stored weights blob.
    public let weightsSHA256: String
    /// The weights layout, ``WeightsFile/format``.
    public let weightsFormat: String
    /// Size of the weights blob in bytes.
    public let weightsBytes: Int
    /// SHA-256 (hex) of the canonical text of every defining field (``SnapshotRecord``); nil for
    /// a snapshot saved before record checksums existed, whose weights alone can be checked.
    public let recordSHA256: String?
    /// The newest import whose rows the training could see (the largest `imports.id` when the
    /// snapshot was saved, 0 for none); nil for snapshots saved before it was recorded.
    public var trainedThroughImport: Int64? = nil
    /// Its training could see data of a customer erased since (`lifecycle forget`).
    public var trainedOnErasedData = false

    /// `name@version`, e.g. `churn@3`.
    public var reference: String { "\(name)@\(version)" }
}

/// One model name in the registry, for `models list`.
public struct ModelSummary: Sendable, Equatable {
    /// The model name.
    public let name: String
    /// Its kind.
    public let kind: String
    /// How many versions it has (= the highest version).
    public let versions: Int
    /// When the latest version was saved.
    public let latestCreatedAt: Int64
    /// Aliases and the versions they point at, by alias name.
    public let aliases: [ModelAlias]
    /// Versions whose training could see data of a customer erased since, oldest first.
    public var versionsTrainedOnErasedData: [Int] = []
    /// The version the production alias names when it exists, else the latest: the one whose
    /// main metric is shown.
    public var mainVersion: Int? = nil
    /// That version's main metric (nil for a kind without one).
    public var mainMetric: MainMetric? = nil
}

/// An alias and the version it points at.
public struct ModelAlias: Sendable, Equatable {
    /// The alias (`production`).
    public let alias: String
    /// The version it points at.
    public let version: Int
    /// Whether that version is missing from the registry (its snapshot was deleted behind the
    /// registry's back): the alias cannot be resolved.
    public let versionMissing: Bool

    /// An alias pointing at `version`.
    public init(alias: String, version: Int, versionMissing: Bool = false) {
        self.alias = alias
        self.version = version
        self.versionMissing = versionMissing
    }
}

/// One recorded move of an alias.
public struct AliasMove: Sendable, Equatable {
    /// The move's id, in the order moves happened.
    public let id: Int64
    /// The model name.
    public let name: String
    /// The alias moved.
    public let alias: String
    /// The version it pointed at before, nil when it was not set.
    public let fromVersion: Int?
    /// The version it points at after, nil when it was removed.
    public let toVersion: Int?
    /// When, Unix seconds UTC.
    public let movedAt: Int64
    /// Who (`$LIFECYCLE_USER` or the OS user name).
    public let movedBy: String
    /// Why, when given.
    public let reason: String?
}

/// A snapshot with what `models show` prints beside it.
public struct ModelDescription: Sendable, Equatable {
    /// The snapshot.
    public let snapshot: ModelSnapshot
    /// How the reference was resolved, e.g. `production` for `churn` or `churn@production`.
    public let resolvedVia: String?
    /// Aliases that point at this snapshot now.
    public let aliases: [String]
    /// The weights' tensors, names and shapes in order (from the weights header).
    public let tensors: [TensorDescription]
    /// Why the weights header could not be read, when it could not (then `tensors` is empty).
    public let weightsProblem: String?
    /// The values of the scalar tensors, in order — the parameters of models that have names for
    /// them (BG/NBD's r, alpha, a, b; Gamma-Gamma's p, q, gamma); empty when the blob does not verify.
    public let scalarParameters: [JSONMember]
    /// Whether the snapshot passes ``Warehouse/verify(_:)`` (record checksum, weights checksum,
    /// layout, model validity), and if not why: a failed snapshot's values cannot be trusted.
    public let verification: SnapshotVerification
}
