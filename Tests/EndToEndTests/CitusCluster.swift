import Foundation
import Testing

/// A real Citus cluster for the tests that need one: a coordinator and two workers started by
/// `../shared/citus/cluster.sh` (beside the repository) in a temporary directory, each a
/// PostgreSQL 15 server on a Unix socket there. The `.citusCluster` trait starts it once around a
/// whole suite and stops it when the suite ends, whether its tests passed or not.
struct CitusCluster: Sendable {
    /// The directory holding the servers' data and sockets.
    let directory: String
    /// The coordinator's URL as cluster.sh printed it (database `postgres`).
    let url: String

    static let bin = "/usr/lib/postgresql/15/bin"
    /// cluster.sh's default: the coordinator's socket is `.s.PGSQL.9701`, the workers' 9702, 9703.
    static let coordinatorPort = 9701
    static let workerPorts = [9702, 9703]

    /// Whether PostgreSQL 15's server is installed: the one reason these tests may skip.
    /// (Citus missing is a failure: CI installs it with build.sh.)
    static let postgresInstalled = FileManager.default.isExecutableFile(atPath: "\(bin)/postgres")
    static let skipReason: Comment = "PostgreSQL 15 is not installed (no \(bin)/postgres); .ci/run installs it and Citus"

    /// ../shared/citus/cluster.sh, found from this file's path like the tests' ../shared/data.
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/citus/cluster.sh").path

    @TaskLocal static var current: CitusCluster?

    /// Starts a cluster in a new directory under /tmp, searchable by the postgres user.
    static func start() throws -> CitusCluster {
        let directory = "/tmp/lifecycle-citus-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o711])
        let result = try Shell.run(["/bin/bash", script, "start", directory, "2"])
        guard result.status == 0, let url = result.stdout.split(separator: "\n").last.map(String.init), url.hasPrefix("postgresql://") else {
            _ = try? Shell.run(["/bin/bash", script, "stop", directory])
            try? FileManager.default.removeItem(atPath: directory)
            throw ClusterError(message: "cluster.sh start failed (\(result.status)): \(result.stderr)\(result.stdout)")
        }
        return CitusCluster(directory: directory, url: url)
    }

    /// Stops the servers and removes the directory.
    func stop() {
        _ = try? Shell.run(["/bin/bash", Self.script, "stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs SQL through psql on one node; returns its unaligned output.
    @discardableResult
    func psql(port: Int = coordinatorPort, database: String = "postgres", _ sql: String) throws -> String {
        let result = try Shell.run(["\(Self.bin)/psql", "-h", directory, "-p", "\(port)", "-U", "postgres", "-d", database,
                                    "-v", "ON_ERROR_STOP=1", "-q", "-At", "-c", sql],
                                   environment: ["PGOPTIONS": "-c client_min_messages=warning"])
        guard result.status == 0 else { throw ClusterError(message: "psql -p \(port) -d \(database): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A new, empty database and its URL. With `citus`, it is created on every node with the
    /// extension and the workers registered, as cluster.sh does for `postgres` (Citus does not
    /// propagate CREATE DATABASE); without, it is a plain PostgreSQL database on the coordinator.
    func createDatabase(_ name: String, citus: Bool) throws -> String {
        try psql("CREATE DATABASE \(name)")
        if citus {
            for port in Self.workerPorts { try psql(port: port, "CREATE DATABASE \(name)") }
            for port in [Self.coordinatorPort] + Self.workerPorts { try psql(port: port, database: name, "CREATE EXTENSION citus") }
            try psql(database: name, "SELECT citus_set_coordinator_host('\(directory)', \(Self.coordinatorPort))")
            for port in Self.workerPorts { try psql(database: name, "SELECT citus_add_node('\(directory)', \(port))") }
        }
        return "postgresql://postgres@/\(name)?host=\(directory)&port=\(Self.coordinatorPort)"
    }

    struct ClusterError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}

/// Starts a ``CitusCluster`` around a suite (once, not per test) and stops it afterwards.
struct CitusClusterTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        guard CitusCluster.postgresInstalled else {
            try await function()
            return
        }
        let cluster = try CitusCluster.start()
        defer { cluster.stop() }
        try await CitusCluster.$current.withValue(cluster) { try await function() }
    }
}

extension Trait where Self == CitusClusterTrait {
    /// Runs the suite with a real 2-worker Citus cluster in ``CitusCluster/current``.
    static var citusCluster: Self { Self() }
}

/// Runs a program to completion and captures its output, through posix_spawn and waitpid.
///
/// Not Foundation's `Process`: cluster.sh starts servers that outlive it, and `Process` was seen
/// here never to notice the script's exit (the child stayed a zombie and `waitUntilExit` hung).
/// The output goes to files, so no pipe can be held open by a server that inherited it.
enum Shell {
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Binary.Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lifecycle-shell-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outPath = scratch.appendingPathComponent("out").path, errPath = scratch.appendingPathComponent("err").path

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
        guard spawned == 0 else { throw CitusCluster.ClusterError(message: "cannot start \(arguments[0]): errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw CitusCluster.ClusterError(message: "waitpid failed: errno \(errno)") }
        }
        let exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return Binary.Result(status: exitStatus, stdout: out, stderr: err)
    }
}
