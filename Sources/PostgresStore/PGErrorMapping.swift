import PostgresNIO

/// Turns postgres-nio's errors into ``PostgresStoreError``. `PSQLError`'s own description hides
/// everything on purpose; this reads the server's SQLSTATE and message, or names the broken
/// connection, and adds the masked URL and the SQL — never bound values.
enum PGErrorMapping {
    /// SQLSTATE insufficient_privilege: the role may not read or change the object.
    static let insufficientPrivilege = "42501"
    /// SQLSTATE class connection_exception. The client's own connection failing never arrives as
    /// a server error, so a server that reports one for a statement is Citus naming a node it
    /// could not reach ("connection to the remote node … failed").
    static let connectionExceptionClass = "08"

    static func storeError(_ error: any Error, kind: PostgresStoreError.Kind, location: PostgresLocation, sql: String?) -> PostgresStoreError {
        if let error = error as? PostgresStoreError { return error }
        guard let psql = error as? PSQLError else {
            return PostgresStoreError(kind: kind == .statement ? .client : kind, location: location.redacted, message: "\(error)", sql: sql)
        }
        if let server = psql.serverInfo {
            if server[.sqlState] == insufficientPrivilege {
                return PostgresStoreError(kind: .permission, location: location.redacted, message: server[.message] ?? "permission denied",
                                          sqlState: insufficientPrivilege, sql: sql, role: location.user)
            }
            if kind == .statement, let state = server[.sqlState], state.hasPrefix(connectionExceptionClass) {
                return PostgresStoreError(kind: .worker, location: location.redacted, message: server[.message] ?? "a node cannot be reached",
                                          sqlState: state, sql: sql)
            }
            return PostgresStoreError(kind: kind, location: location.redacted, message: server[.message] ?? "server error",
                                      sqlState: server[.sqlState], sql: sql)
        }
        let message: String
        switch psql.code {
        case .connectionError: message = "connection failed" + (psql.underlying.map { ": \($0)" } ?? "")
        case .serverClosedConnection: message = "the server closed the connection" + (psql.underlying.map { ": \($0)" } ?? "")
        case .clientClosedConnection: message = "the connection was already closed"
        case .authMechanismRequiresPassword: message = "the server asks for a password and the URL has none"
        case .unsupportedAuthMechanism: message = "the server asks for an authentication method this client does not support"
        case .sslUnsupported: message = "the server does not support TLS (sslmode=require)"
        default: message = "\(psql.code)" + (psql.underlying.map { ": \($0)" } ?? "")
        }
        return PostgresStoreError(kind: kind == .statement ? .client : kind, location: location.redacted, message: message, sql: sql)
    }
}
