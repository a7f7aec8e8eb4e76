import Foundation

/// Where a PostgreSQL warehouse is: a `postgresql://` (or `postgres://`) URL in libpq's form,
/// `postgresql://USER[:PASSWORD]@[HOST][:PORT]/DATABASE[?host=/socket/dir&port=N&sslmode=M]`.
///
/// A `host` query parameter that starts with `/` names a directory holding the server's Unix
/// socket (`.s.PGSQL.PORT`), as libpq reads it; otherwise the connection is TCP to the host.
/// The password is kept for connecting only: ``description`` and every error show ``redacted``.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// How the client reaches the server.
    public enum Endpoint: Sendable, Equatable {
        /// TCP to a host name or address and port.
        case tcp(host: String, port: Int)
        /// The Unix socket file `DIRECTORY/.s.PGSQL.PORT`.
        case unixSocket(directory: String, port: Int)
    }

    /// TLS on a TCP connection, as libpq's `sslmode` names it (Unix sockets never use TLS).
    public enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require
    }

    public let user: String
    public let password: String?
    public let database: String
    public let endpoint: Endpoint
    public let tls: TLSMode

    /// Whether `text` names a PostgreSQL server rather than a file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// Parses a URL; throws ``PostgresStoreError`` (showing the URL with its password masked)
    /// when it is not one this client can use.
    public init(url text: String) throws {
        let masked = Self.mask(text)
        func refuse(_ reason: String) -> PostgresStoreError {
            PostgresStoreError(kind: .badURL, location: masked, message: reason)
        }
        guard Self.isURL(text), let components = URLComponents(string: text) else {
            throw refuse("not a postgresql:// URL (expected postgresql://USER@HOST/DATABASE or postgresql://USER@/DATABASE?host=/socket/dir)")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard let value = item.value else { throw refuse("query parameter '\(item.name)' has no value") }
            query[item.name] = value
        }
        let known: Set<String> = ["host", "port", "sslmode", "user", "password", "dbname"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw refuse("unknown query parameter '\(unknown)' (known: host, port, sslmode, user, password, dbname)")
        }
        let user = query["user"] ?? components.user?.removingPercentEncoding ?? ""
        guard !user.isEmpty else { throw refuse("no user name (postgresql://USER@...)") }
        let password = query["password"] ?? components.password?.removingPercentEncoding
        var path = components.path
        if path.hasPrefix("/") { path.removeFirst() }
        let database = query["dbname"] ?? (path.isEmpty ? user : (path.removingPercentEncoding ?? path))
        let portText = query["port"] ?? components.port.map(String.init) ?? "5432"
        guard let port = Int(portText), (1...65535).contains(port) else { throw refuse("port '\(portText)' is not a port number") }
        let host = query["host"] ?? components.host.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding }
        let endpoint: Endpoint
        switch host {
        case let directory? where directory.hasPrefix("/"): endpoint = .unixSocket(directory: directory, port: port)
        case let name? : endpoint = .tcp(host: name, port: port)
        case nil: throw refuse("no host: give HOST, or ?host=/socket/directory for a Unix socket")
        }
        let modeText = query["sslmode"] ?? "prefer"
        guard let mode = TLSMode(rawValue: modeText) else { throw refuse("sslmode '\(modeText)' is not one of disable, prefer, require") }
        self.init(user: user, password: password, database: database, endpoint: endpoint, tls: mode, text: masked)
    }

    public init(user: String, password: String?, database: String, endpoint: Endpoint, tls: TLSMode = .prefer) {
        let where_: String
        switch endpoint {
        case let .tcp(host, port): where_ = "\(host):\(port)/\(database)"
        case let .unixSocket(directory, port): where_ = "/\(database)?host=\(directory)&port=\(port)"
        }
        self.init(user: user, password: password, database: database, endpoint: endpoint, tls: tls,
                  text: "postgresql://\(user)\(password == nil ? "" : ":***")@\(where_)")
    }

    private init(user: String, password: String?, database: String, endpoint: Endpoint, tls: TLSMode, text: String) {
        self.user = user
        self.password = password
        self.database = database
        self.endpoint = endpoint
        self.tls = tls
        self.redacted = text
    }

    /// The URL as given, with any password replaced by `***`: safe to print and to store.
    public let redacted: String

    public var description: String { redacted }

    /// The socket file of a Unix-socket endpoint.
    public var socketPath: String? {
        guard case let .unixSocket(directory, port) = endpoint else { return nil }
        return (directory.hasSuffix("/") ? directory : directory + "/") + ".s.PGSQL.\(port)"
    }

    /// `text` with the password of its user-info part and any `password=` query value masked.
    /// Works on text that does not parse, so even a refusal never prints a password.
    public static func mask(_ text: String) -> String {
        var result = text
        if let scheme = result.range(of: "://") {
            let rest = result[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@"),
               let colon = rest[..<at].firstIndex(of: ":") {
                result.replaceSubrange(result.index(after: colon)..<at, with: "***")
            }
        }
        if let query = result.firstIndex(of: "?") {
            let parts = result[result.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false).map { part in
                part.lowercased().hasPrefix("password=") ? "password=***" : String(part)
            }
            result = String(result[...query]) + parts.joined(separator: "&")
        }
        return result
    }
}
