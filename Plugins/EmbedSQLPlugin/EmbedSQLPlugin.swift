import Foundation
import PackagePlugin

/// Embeds every `.sql` file of the package's top-level `migrations/` and `sql/` folders (and of their
/// `postgres/` subfolders) into the target as generated Swift source, so the built binary carries
/// them and works from any directory.
@main
struct EmbedSQLPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        // Each engine's files: SQLite's at the top of migrations/ and sql/, PostgreSQL's in their postgres/ subfolders.
        let folders = ["migrations", "sql", "migrations/postgres", "sql/postgres"].map { root.appending(path: $0) }
        var inputs: [URL] = []
        for folder in folders {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            inputs += names.filter { $0.hasSuffix(".sql") }.sorted().map { folder.appending(path: $0) }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedSQL.swift")
        return [
            .buildCommand(
                displayName: "Embedding migrations/ and sql/ into \(target.name)",
                executable: try context.tool(named: "EmbedSQLTool").url,
                arguments: [output.path, root.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
