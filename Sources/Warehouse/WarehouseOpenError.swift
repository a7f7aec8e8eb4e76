import Foundation

/// Why a warehouse could not be opened.
public enum WarehouseOpenError: Error, CustomStringConvertible, Equatable {
    /// A read command was pointed at a path where there is no file.
    case missing(path: String)
    /// The file exists but is not a lifecycle warehouse (empty, not SQLite, or no `schema_migrations`).
    case notAWarehouse(path: String, reason: String)
    /// The file's schema is older than this build's, and a read command does not migrate.
    case outdated(path: String, version: Int, knownVersion: Int)
    /// The writer lock file could not be created or locked.
    case cannotLock(path: String, reason: String)

    public var description: String {
        switch self {
        case .missing(let path):
            return "no warehouse at \(path): create one with `lifecycle import orders FILE... --db \(path)` or `lifecycle migrate --db \(path)`, or pass the right --db"
        case .notAWarehouse(let path, let reason):
            return "\(path) is not a lifecycle warehouse (\(reason)); it was left unchanged"
        case .outdated(let path, let version, let knownVersion):
            return "\(path) is at schema version \(version) and this build reads version \(knownVersion): run `lifecycle migrate --db \(path)` (or any command that writes) to bring it up to date"
        case .cannotLock(let path, let reason):
            return "cannot take the writer lock \(path): \(reason)"
        }
    }
}
