/// What went wrong in the model registry. Each message names the model (and version or alias)
/// and says what to try.
public enum RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A model reference that does not parse (`text`, why).
    case invalidReference(String, String)
    /// A model reference that parses but does not fit the command (`text`, why).
    case unsuitableReference(String, String)
    /// A snapshot draft that cannot be saved (model name, why).
    case invalidDraft(String, String)
    /// An alias name that cannot be used.
    case invalidAlias(String, String)
    /// No model has this name; `known` lists the names there are.
    case unknownModel(String, known: [String])
    /// The model has no such version; `latest` is its highest.
    case unknownVersion(String, version: Int, latest: Int)
    /// The alias is not set for the model; `aliases` lists those that are.
    case unknownAlias(String, alias: String, aliases: [String])
    /// The alias pointed nowhere at the instant asked about (model, alias, ISO instant).
    case aliasNotSetAt(String, alias: String, at: String)
    /// The model had no version yet at the instant asked about (model, ISO instant).
    case noVersionYet(String, at: String)
    /// A snapshot's stored metadata cannot be read (reference, why).
    case corruptSnapshot(String, String)
    /// `--at` was given with a reference that is not an alias.
    case instantNeedsAlias(String)
    /// A new snapshot's kind differs from the model's earlier versions.
    case kindMismatch(String, existing: String, new: String)
    /// The model has no such version although later ones exist: its snapshot is missing
    /// (model, version, the versions there are).
    case missingVersion(String, version: Int, existing: [Int])
    /// The alias points at a version whose snapshot is missing (model, alias, version, the versions there are).
    case aliasNamesMissingVersion(String, alias: String, version: Int, existing: [Int])
    /// The stored weights do not match their checksum (reference, stored, computed).
    case checksumMismatch(String, stored: String, computed: String)
    /// The snapshot's defining fields do not match its record checksum (reference, stored, computed).
    case recordChecksumMismatch(String, stored: String, computed: String)
    /// A snapshot saved after record checksums began has none: it was removed (reference).
    case recordChecksumMissing(String)
    /// The stored weights cannot be read (reference, why).
    case corruptWeights(String, String)
    /// The parameters cannot be written as weights (model name, why).
    case unencodableWeights(String, String)
    /// The snapshot holds another kind of model than the one asked for.
    case wrongKind(String, kind: String, expected: String)
    /// There is no earlier version to roll the alias back to (model, alias, why).
    case nothingToRollBack(String, alias: String, String)
    /// A move dated before the alias's previous move (model, alias, ISO times).
    case moveOutOfOrder(String, alias: String, at: String, previous: String)
    /// Predictions that cannot be stored (reference, why).
    case invalidPredictions(String, String)
    /// A file could not be written (path, why).
    case cannotWrite(String, String)

    public var description: String {
        switch self {
        case .invalidReference(let text, let why):
            return "'\(text)' is not a model reference (\(why)); write NAME, NAME@VERSION or NAME@ALIAS, e.g. churn@3 or churn@production"
        case .unsuitableReference(let text, let why):
            return "\(text): \(why)"
        case .invalidDraft(let name, let why):
            return "cannot save a snapshot of model '\(name)': \(why)"
        case .invalidAlias(let alias, let why):
            return "cannot use alias '\(alias)': \(why)"
        case .unknownModel(let name, let known):
            let list = known.isEmpty ? "the registry has no models yet" : "models: \(known.joined(separator: ", "))"
            return "no model named '\(name)' (\(list)); see `lifecycle models list`"
        case .unknownVersion(let name, let version, let latest):
            return "model '\(name)' has no version \(version) (versions 1...\(latest)); see `lifecycle models list \(name)`"
        case .unknownAlias(let name, let alias, let aliases):
            let list = aliases.isEmpty ? "it has no aliases" : "its aliases: \(aliases.joined(separator: ", "))"
            return "model '\(name)' has no alias '\(alias)' (\(list)); set one with `lifecycle models promote \(name) VERSION --alias \(alias)`"
        case .aliasNotSetAt(let name, let alias, let at):
            return "alias '\(alias)' of model '\(name)' pointed at no version at \(at); see `lifecycle models history \(name)`"
        case .noVersionYet(let name, let at):
            return "model '\(name)' had no version yet at \(at)"
        case .corruptSnapshot(let reference, let why):
            return "snapshot \(reference) cannot be read: \(why)"
        case .instantNeedsAlias(let reference):
            return "--at picks the version an alias pointed at then; '\(reference)' names a fixed version: use NAME or NAME@ALIAS"
        case .kindMismatch(let name, let existing, let new):
            return "model '\(name)' holds \(existing) snapshots; a \(new) snapshot needs another model name"
        case .missingVersion(let name, let version, let existing):
            return "model '\(name)' has no version \(version): its snapshot is missing (\(VersionList.exist(existing))); run `lifecycle models verify`"
        case .aliasNamesMissingVersion(let name, let alias, let version, let existing):
            return "alias \(alias) of \(name) names version \(version), which is missing (\(VersionList.exist(existing))); run `lifecycle models verify`, then point it at a version with `lifecycle models promote \(name) VERSION --alias \(alias)`"
        case .recordChecksumMismatch(let reference, let stored, let computed):
            return "the record of \(reference) fails its checksum (stored record sha256 \(stored.prefix(16))…, computed \(computed.prefix(16))…): a field that defines the version (kind, hyperparameters, metrics, training as-of, window or rows, data fingerprint, weights checksum or format, creation time, code version) changed after it was saved. Do not use this snapshot: run `lifecycle models verify` to check every snapshot, then retrain it or restore the database from a backup"
        case .recordChecksumMissing(let reference):
            return "\(reference) has no record checksum although it was saved after record checksums began: it was removed, so its fields cannot be trusted. Do not use this snapshot: run `lifecycle models verify`, then retrain it or restore the database from a backup"
        case .checksumMismatch(let reference, let stored, let computed):
            return "the weights of \(reference) fail their checksum (stored sha256 \(stored.prefix(16))…, computed \(computed.prefix(16))…): the blob changed after it was saved. Do not use this snapshot: run `lifecycle models verify` to check every snapshot, then retrain it or restore the database from a backup"
        case .corruptWeights(let reference, let why):
            return "the weights of \(reference) cannot be read: \(why). Run `lifecycle models verify` to check every snapshot, then retrain it or restore the database from a backup"
        case .unencodableWeights(let name, let why):
            return "cannot store the weights of model '\(name)': \(why)"
        case .wrongKind(let reference, let kind, let expected):
            return "\(reference) is a \(kind) model, not \(expected)"
        case .nothingToRollBack(let name, let alias, let why):
            return "cannot roll back alias '\(alias)' of model '\(name)': \(why)"
        case .moveOutOfOrder(let name, let alias, let at, let previous):
            return "cannot move alias '\(alias)' of model '\(name)' at \(at): its previous move was later, at \(previous)"
        case .invalidPredictions(let reference, let why):
            return "cannot store predictions of \(reference): \(why)"
        case .cannotWrite(let path, let why):
            return "cannot write \(path): \(why)"
        }
    }
}

/// Version numbers for messages: runs of consecutive versions as `1...3`, the rest by commas.
enum VersionList {
    /// `1...3`, `1, 3...5`, `2`; empty for none.
    static func text(_ versions: [Int]) -> String {
        var runs: [String] = []
        var index = 0
        let sorted = versions.sorted()
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            runs.append(end == index ? String(sorted[index]) : "\(sorted[index])...\(sorted[end])")
            index = end + 1
        }
        return runs.joined(separator: ", ")
    }

    /// `versions 2...3 exist`, `version 2 exists`, `no version exists`.
    static func exist(_ versions: [Int]) -> String {
        switch versions.count {
        case 0: return "no version exists"
        case 1: return "version \(versions[0]) exists"
        default: return "versions \(text(versions)) exist"
        }
    }
}
