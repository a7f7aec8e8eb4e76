import Foundation
import Testing

/// `--db postgresql://…` without a server: the URL picks PostgreSQL (never a file of that
/// name), failures name the server with the password masked, and commands that do not run on
/// PostgreSQL yet say so.
@Suite struct PostgresURLCLITests {
    @Test func anUnreachableServerIsAClearErrorThatNeverShowsThePassword() throws {
        let work = try WorkDirectory()
        let url = "postgresql://analyst:s3cr3t-pw@/shop?host=\(work.url.path)/no-server&port=5999"
        for command in [["migrate"], ["status"]] {
            let result = try Binary.run(command + ["--db", url], directory: work.url)
            #expect(result.status != 0)
            #expect(result.stderr.contains("cannot connect to PostgreSQL at postgresql://analyst:***@/shop?host=\(work.url.path)/no-server&port=5999"),
                    "\(result.stderr)")
            #expect(result.stderr.contains("no server socket at \(work.url.path)/no-server/.s.PGSQL.5999"), "\(result.stderr)")
            #expect(!(result.stderr + result.stdout).contains("s3cr3t-pw"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.url.path).isEmpty)
    }

    @Test func aRefusedTCPConnectionIsAClearErrorThatNeverShowsThePassword() throws {
        let work = try WorkDirectory()
        // Port 1 on the loopback address: nothing listens there, so the connection is refused at once.
        let result = try Binary.run(["status", "--db", "postgresql://analyst:s3cr3t-pw@127.0.0.1:1/shop?sslmode=disable"],
                                    directory: work.url)
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot connect to PostgreSQL at postgresql://analyst:***@127.0.0.1:1/shop?sslmode=disable"),
                "\(result.stderr)")
        #expect(!(result.stderr + result.stdout).contains("s3cr3t-pw"))
    }

    @Test func lifecycleDBInTheEnvironmentPicksPostgreSQLToo() throws {
        let work = try WorkDirectory()
        let result = try Binary.run(["status"], directory: work.url,
                                    environment: ["LIFECYCLE_DB": "postgresql://analyst:s3cr3t-pw@/shop?host=/nonexistent-dir"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("postgresql://analyst:***@/shop?host=/nonexistent-dir"), "\(result.stderr)")
        #expect(!(result.stderr + result.stdout).contains("s3cr3t-pw"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.url.path).isEmpty)
    }

    @Test func aCommandThatDoesNotRunOnPostgreSQLYetSaysSoAndCreatesNoFile() throws {
        let work = try WorkDirectory()
        for command in [["rfm"], ["retention"], ["models", "list"]] {
            let result = try Binary.run(command + ["--db", "postgresql://analyst:s3cr3t-pw@/shop?host=/tmp"], directory: work.url)
            #expect(result.status != 0)
            #expect(result.stderr.contains("postgresql://analyst:***@/shop?host=/tmp: this command does not run on PostgreSQL yet"),
                    "\(command): \(result.stderr)")
            #expect(!(result.stderr + result.stdout).contains("s3cr3t-pw"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.url.path).isEmpty)
    }

    @Test func anImportIntoAnUnreachableServerSaysWhereWithThePasswordMaskedAndCreatesNoFile() throws {
        let work = try WorkDirectory()
        try "user_id,country\nu1,FR\n".write(toFile: work.path("users.csv"), atomically: true, encoding: .utf8)
        let result = try Binary.run(["import", "users", "users.csv", "--db", "postgresql://analyst:s3cr3t-pw@/shop?host=/nonexistent-dir"],
                                    directory: work.url)
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot connect to PostgreSQL at postgresql://analyst:***@/shop?host=/nonexistent-dir"), "\(result.stderr)")
        #expect(!(result.stderr + result.stdout).contains("s3cr3t-pw"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.url.path) == ["users.csv"])
    }

    @Test func aBadURLIsRefusedWithThePasswordMasked() throws {
        let work = try WorkDirectory()
        let result = try Binary.run(["migrate", "--db", "postgresql://analyst:s3cr3t-pw@/shop?host=/tmp&colour=blue"], directory: work.url)
        #expect(result.status != 0)
        #expect(result.stderr.contains("postgresql://analyst:***@/shop?host=/tmp&colour=blue: unknown query parameter 'colour'"),
                "\(result.stderr)")
        #expect(!(result.stderr + result.stdout).contains("s3cr3t-pw"))
    }
}
