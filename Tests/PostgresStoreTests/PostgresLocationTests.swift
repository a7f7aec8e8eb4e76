import Testing
@testable import PostgresStore

/// Reading `postgresql://` URLs as libpq does, and never showing their passwords.
@Suite struct PostgresLocationTests {
    @Test func aHostQueryParameterStartingWithASlashIsAUnixSocketDirectory() throws {
        let location = try PostgresLocation(url: "postgresql://postgres@/postgres?host=/tmp/citus&port=9701")
        #expect(location.endpoint == .unixSocket(directory: "/tmp/citus", port: 9701))
        #expect(location.socketPath == "/tmp/citus/.s.PGSQL.9701")
        #expect(location.user == "postgres")
        #expect(location.password == nil)
        #expect(location.database == "postgres")
        #expect(location.redacted == "postgresql://postgres@/postgres?host=/tmp/citus&port=9701")
    }

    @Test func aHostNameIsTCPWithPostgreSQLsDefaultPort() throws {
        let location = try PostgresLocation(url: "postgres://ana:p%40ss@db.example:6432/shop?sslmode=require")
        #expect(location.endpoint == .tcp(host: "db.example", port: 6432))
        #expect(location.password == "p@ss")
        #expect(location.tls == .require)
        #expect(try PostgresLocation(url: "postgresql://ana@db.example/shop").endpoint == .tcp(host: "db.example", port: 5432))
        #expect(try PostgresLocation(url: "postgresql://ana@db.example/shop").tls == .prefer)
    }

    @Test func theDatabaseDefaultsToTheUserName() throws {
        #expect(try PostgresLocation(url: "postgresql://ana@localhost").database == "ana")
    }

    @Test func thePasswordIsMaskedWhereverItIsWritten() throws {
        let location = try PostgresLocation(url: "postgresql://ana:hunter2@localhost:5432/shop")
        #expect(location.redacted == "postgresql://ana:***@localhost:5432/shop")
        #expect("\(location)" == location.redacted)
        #expect(PostgresLocation.mask("postgresql://ana@/shop?host=/s&password=hunter2") == "postgresql://ana@/shop?host=/s&password=***")
        #expect(PostgresLocation.mask("postgresql://ana:hun@ter2@host/db") == "postgresql://ana:***@host/db")
        #expect(PostgresLocation.mask("postgresql://ana@host/db") == "postgresql://ana@host/db")
    }

    @Test(arguments: [
        "postgresql://ana:hunter2@/shop",                         // no host
        "postgresql://:hunter2@host/shop",                        // no user
        "postgresql://ana:hunter2@host:99999/shop",               // not a port
        "postgresql://ana:hunter2@host/shop?sslmode=verify-full", // unsupported mode
        "postgresql://ana:hunter2@host/shop?options=-cfoo%3Dbar", // unknown parameter
    ])
    func aURLThisClientCannotUseIsRefusedWithoutItsPassword(url: String) throws {
        let error = #expect(throws: PostgresStoreError.self) { try PostgresLocation(url: url) }
        #expect(error?.kind == .badURL)
        #expect(error?.description.contains("hunter2") == false)
        #expect(error?.description.contains("***") == true)
    }

    @Test func onlyPostgreSQLSchemesAreURLs() {
        #expect(PostgresLocation.isURL("postgresql://a@b/c"))
        #expect(PostgresLocation.isURL("postgres://a@b/c"))
        #expect(!PostgresLocation.isURL("lifecycle.db"))
        #expect(!PostgresLocation.isURL("/data/postgresql://odd-but-a-file.db"))
    }

    @Test func nothingListeningIsAConnectionErrorNamingTheSocket() throws {
        let location = try PostgresLocation(url: "postgresql://ana:hunter2@/shop?host=/nonexistent-lifecycle-dir")
        let error = #expect(throws: PostgresStoreError.self) { try PGConnection.open(location) }
        #expect(error?.kind == .connection)
        #expect(error?.description == "cannot connect to PostgreSQL at postgresql://ana:***@/shop?host=/nonexistent-lifecycle-dir: no server socket at /nonexistent-lifecycle-dir/.s.PGSQL.5432 (is the server running?)")
    }
}
