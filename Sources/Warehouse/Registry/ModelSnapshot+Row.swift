extension ModelSnapshot {
    /// The columns of `model_snapshots` a snapshot is read from, without the weights blob (its
    /// size as `weights_bytes`, by `lengthFunction`: SQLite's `length`, PostgreSQL's `octet_length`).
    static func columns(lengthFunction: String) -> String {
        """
        id, name, kind, version, created_at, code_version, hyperparameters, training_as_of,
        training_window_start, training_window_end, training_rows, data_fingerprint, metrics,
        weights_sha256, weights_format, \(lengthFunction)(weights) AS weights_bytes, record_sha256, trained_through_import
        """
    }

    /// A snapshot from a row of ``columns(lengthFunction:)``, on either engine; stored JSON that
    /// does not parse is a `RegistryError.corruptSnapshot` naming `name@version`.
    static func decoded(from row: some QueryRow) throws -> ModelSnapshot {
        let name = row.text("name")
        let reference = "\(name)@\(row.int("version"))"
        func json(_ column: String, _ what: String) throws -> JSONValue {
            do {
                return try JSONValue.parse(row.optionalText(column) ?? "{}")
            } catch {
                throw RegistryError.corruptSnapshot(reference, "its stored \(what) are not valid JSON: \(error)")
            }
        }
        let window: ClosedRange<Int64>?
        if let start = row.optionalInt("training_window_start"), let end = row.optionalInt("training_window_end"), start <= end {
            window = start...end
        } else {
            window = nil
        }
        return ModelSnapshot(
            id: row.int("id"), name: name, kind: row.text("kind"), version: Int(row.int("version")),
            createdAt: row.int("created_at"), codeVersion: row.text("code_version"),
            hyperparameters: try json("hyperparameters", "hyperparameters"), trainingAsOf: row.int("training_as_of"),
            trainingWindow: window, trainingRows: Int(row.int("training_rows")), dataFingerprint: row.text("data_fingerprint"),
            metrics: try json("metrics", "metrics"), weightsSHA256: row.text("weights_sha256"),
            weightsFormat: row.text("weights_format"), weightsBytes: Int(row.int("weights_bytes")),
            recordSHA256: row.optionalText("record_sha256"), trainedThroughImport: row.optionalInt("trained_through_import"))
    }
}
