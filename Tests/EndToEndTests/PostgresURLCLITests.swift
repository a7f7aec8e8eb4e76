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
        for command in [["privacy", "keep-properties", "page"], ["forget", "u1"]] {
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

extension PostgresURLCLITests {
    /// Every command that runs on PostgreSQL today, pointed at a socket directory that exists but
    /// where no server listens (none ever did, or one died and left its socket file behind): each
    /// fails, names the URL with the password masked, says why, never prints the password, and
    /// leaves no file. (That the password is never stored is proven on a real server:
    /// `CitusCLITests.aPasswordInTheURLIsNeverStoredOrPrinted`.)
    @Test func everyPostgreSQLCommandAgainstASocketDirectoryWhereNothingListensFailsClearly() throws {
        let work = try WorkDirectory()
        let sockets = work.path("sockets")
        try FileManager.default.createDirectory(atPath: sockets, withIntermediateDirectories: false)
        try "user_id,country\nu1,FR\n".write(toFile: work.path("users.csv"), atomically: true, encoding: .utf8)
        try "order_id,ordered_at,customer_id,product_id,quantity,unit_price,currency\nA1,2024-03-01T10:00:00Z,u1,P1,1,2.5,EUR\n"
            .write(toFile: work.path("orders.csv"), atomically: true, encoding: .utf8)
        try "event_id,occurred_at,user_id,event_type\ne1,2024-03-01T10:00:00Z,u1,view\n"
            .write(toFile: work.path("events.csv"), atomically: true, encoding: .utf8)
        let commands = [["migrate"], ["status"], ["status", "--format", "json"], ["import", "orders", "orders.csv"],
                        ["import", "events", "events.csv"], ["import", "users", "users.csv"], ["import", "orders", "orders.csv", "--json"],
                        ["activity"], ["activity", "--format", "json"], ["features", "build"], ["features", "build", "--format", "json"],
                        ["query", "SELECT count(*) FROM orders"]]
        let url = "postgresql://analyst:s3cr3t-pw@/shop?host=\(sockets)&port=5998"
        let masked = "postgresql://analyst:***@/shop?host=\(sockets)&port=5998"
        for command in commands {
            let result = try Binary.run(command + ["--db", url], directory: work.url)
            #expect(result.status != 0, "\(command)")
            #expect(result.stderr.contains("cannot connect to PostgreSQL at \(masked): no server socket at \(sockets)/.s.PGSQL.5998"),
                    "\(command): \(result.stderr)")
            #expect(!(result.stderr + result.stdout).contains("s3cr3t-pw"), "\(command) printed the password")
        }

        // A socket file with no server behind it (a server killed without cleaning up): bound, never listened on.
        let stale = "\(sockets)/.s.PGSQL.5999"
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in stale.utf8.enumerated() where index < buffer.count - 1 { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(descriptor)
        try #require(bound == 0, "could not bind \(stale)")
        let staleURL = "postgresql://analyst:s3cr3t-pw@/shop?host=\(sockets)&port=5999"
        for command in commands {
            let result = try Binary.run(command + ["--db", staleURL], directory: work.url)
            #expect(result.status != 0, "\(command)")
            #expect(result.stderr.contains("cannot connect to PostgreSQL at postgresql://analyst:***@/shop?host=\(sockets)&port=5999: connection failed"),
                    "\(command): \(result.stderr)")
            #expect(result.stderr.contains("Connection refused"), "\(command): \(result.stderr)")
            #expect(!(result.stderr + result.stdout).contains("s3cr3t-pw"), "\(command) printed the password")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.url.path).sorted()
                == ["events.csv", "orders.csv", "sockets", "users.csv"], "a command left a file behind")
        #expect(try FileManager.default.contentsOfDirectory(atPath: sockets) == [".s.PGSQL.5999"])
    }
}
