/// The record checksum of a snapshot: the SHA-256 of one canonical text of every field that
/// defines the version, so changing any of them (a metric, a hyperparameter, the kind, the
/// training rows, the data fingerprint, the weights' checksum...) is found, not only changed
/// weights. Stored in `model_snapshots.record_sha256` (migration `model_snapshot_record_checksums`).
///
/// The canonical text (docs/SCHEMA.md, "Record checksum") is one compact JSON object:
/// - members are the fields of ``fields(of:)``; a field without a value (no training window) is
///   left out, so a field added later changes no checksum of the snapshots that lack it;
/// - object keys are sorted by their UTF-8 bytes, at every depth (hyperparameters and metrics
///   included); arrays keep their order;
/// - no whitespace; strings escaped as ``JSONValue/jsonText()`` writes them (`"`, `\`, control
///   characters; everything else as UTF-8);
/// - integers (JSON numbers written without fraction or exponent) in decimal, other numbers in
///   the shortest form that reads back to the same float64 (`0.73`, `2.0`, `1e-05`).
///
/// It is an integrity check, not a signature: anyone who can write the file can also recompute
/// it. It catches edits made with the sqlite3 shell or another tool that does not know about it.
enum SnapshotRecord {
    /// The value of the text's `record` member: names this serialisation, so a later one can differ.
    static let scheme = "lifecycle-snapshot-record-1"

    /// Every field that defines a version, by its column name. To cover a new column, add one
    /// member here (and read the column in ``ModelSnapshot/columns(lengthFunction:)``).
    static func fields(of snapshot: ModelSnapshot) -> [JSONMember] {
        [
            JSONMember("record", .string(scheme)),
            JSONMember("name", .string(snapshot.name)),
            JSONMember("kind", .string(snapshot.kind)),
            JSONMember("version", .integer(Int64(snapshot.version))),
            JSONMember("created_at", .integer(snapshot.createdAt)),
            JSONMember("code_version", .string(snapshot.codeVersion)),
            JSONMember("hyperparameters", snapshot.hyperparameters),
            JSONMember("training_as_of", .integer(snapshot.trainingAsOf)),
            JSONMember("training_window_start", snapshot.trainingWindow.map { .integer($0.lowerBound) } ?? .null),
            JSONMember("training_window_end", snapshot.trainingWindow.map { .integer($0.upperBound) } ?? .null),
            JSONMember("training_rows", .integer(Int64(snapshot.trainingRows))),
            JSONMember("data_fingerprint", .string(snapshot.dataFingerprint)),
            JSONMember("metrics", snapshot.metrics),
            JSONMember("weights_sha256", .string(snapshot.weightsSHA256)),
            JSONMember("weights_format", .string(snapshot.weightsFormat)),
            JSONMember("trained_through_import", snapshot.trainedThroughImport.map { .integer($0) } ?? .null),
        ]
    }

    /// The canonical text of the snapshot's defining fields. Throws only for a non-finite number,
    /// which stored JSON cannot hold.
    static func canonicalText(of snapshot: ModelSnapshot) throws(JSONError) -> String {
        let present = fields(of: snapshot).filter { $0.value != .null }
        return try JSONValue.object(present).canonicalized().jsonText()
    }

    /// The lower-case hex SHA-256 of ``canonicalText(of:)``.
    static func sha256(of snapshot: ModelSnapshot) throws(JSONError) -> String {
        WeightsFile.sha256(Array(try canonicalText(of: snapshot).utf8))
    }

    /// Throws unless `snapshot`'s fields give the record checksum `stored`, on either engine: a
    /// mismatch names the version and both checksums.
    static func check(_ snapshot: ModelSnapshot, stored: String) throws {
        let computed: String
        do {
            computed = try sha256(of: snapshot)
        } catch {
            throw RegistryError.corruptSnapshot(snapshot.reference, "its record cannot be serialised: \(error)")
        }
        guard computed == stored else {
            throw RegistryError.recordChecksumMismatch(snapshot.reference, stored: stored, computed: computed)
        }
    }
}

extension JSONValue {
    /// The same value with every object's members sorted by the UTF-8 bytes of their keys (the
    /// order of Unicode code points), at every depth.
    func canonicalized() -> JSONValue {
        switch self {
        case .object(let members):
            return .object(members.map { JSONMember($0.key, $0.value.canonicalized()) }
                .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) })
        case .array(let elements):
            return .array(elements.map { $0.canonicalized() })
        default:
            return self
        }
    }
}
