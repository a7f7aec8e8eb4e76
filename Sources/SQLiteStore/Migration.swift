import Crypto
import Foundation

/// One schema migration: a numbered SQL script, identified by version and name, with the
/// SHA-256 of its text so a migration that was changed after it was applied is caught.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Lower-case hex SHA-256 of the script's UTF-8 text.
    public var checksum: String {
        SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// "0001_init" style identifier.
    public var identifier: String { String(format: "%04d_%@", version, name) }

    /// Parses a file name of the form `NNNN_snake_name.sql`; nil when it does not match.
    public static func parse(fileName: String, sql: String) -> Migration? {
        guard fileName.hasSuffix(".sql") else { return nil }
        let stem = fileName.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_") else { return nil }
        let digits = stem[..<underscore]
        let name = stem[stem.index(after: underscore)...]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
              let version = Int(digits), version > 0, !name.isEmpty else { return nil }
        return Migration(version: version, name: String(name), sql: sql)
    }
}
