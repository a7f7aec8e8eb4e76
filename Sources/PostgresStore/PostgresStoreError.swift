/// A failure of the PostgreSQL engine: what kind, where (the URL with its password masked), the
/// server's SQLSTATE and message when it sent one, and the SQL text — never bound values.
public struct PostgresStoreError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The URL could not be read.
        case badURL
        /// No connection: the server is unreachable, refused the login, or the database is missing.
        case connection
        /// The server rejected a statement.
        case statement
        /// The server refused a statement because the role lacks a privilege (SQLSTATE 42501,
        /// insufficient_privilege): a role with only SELECT running a command that writes.
        case permission
        /// The server (a Citus coordinator) could not reach another node it needed: it reported a
        /// connection exception (SQLSTATE class 08) for a statement. Its transaction is rolled back.
        case worker
        /// The connection broke or answered in a way this client cannot read.
        case client
    }

    public let kind: Kind
    /// The server URL, password masked (``PostgresLocation/redacted``).
    public let location: String
    /// SQLSTATE (five characters) when the server sent one.
    public var sqlState: String?
    public let message: String
    /// The statement, when a statement failed.
    public var sql: String?

    /// The role the connection logged in as, named by a ``Kind/permission`` refusal.
    public var role: String?

    public init(kind: Kind, location: String, message: String, sqlState: String? = nil, sql: String? = nil, role: String? = nil) {
        self.kind = kind
        self.role = role
        self.location = location
        self.message = message
        self.sqlState = sqlState
        self.sql = sql
    }

    public var description: String {
        var text: String
        switch kind {
        case .badURL: text = "\(location): \(message)"
        case .connection: text = "cannot connect to PostgreSQL at \(location): \(message)"
        case .statement, .client: text = "PostgreSQL at \(location): \(message)"
        case .worker:
            text = "PostgreSQL at \(location): a Citus worker cannot be reached (\(message)); "
                + "the statement's transaction was rolled back, so nothing of it was stored. "
                + "Run the same command again once the worker is back (an interrupted import resumes where it stopped)"
        case .permission:
            text = "PostgreSQL at \(location): permission denied: the role \"\(role ?? "?")\" may not do this (\(message)). "
                + "Commands that write (migrate, import) need a role that may create and change the warehouse's tables "
                + "(their owner, or one granted CREATE on the schema and INSERT, UPDATE, DELETE on the tables); "
                + "a role with only SELECT can run the commands that read (status)"
        }
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if let sql { text += "\n  in: \(sql.count > 400 ? String(sql.prefix(400)) + "…" : sql)" }
        return text
    }
}
