/// How `registryProblems()` finds what deleting a snapshot behind the registry's back leaves, on
/// either engine: three queries both engines read the same way, whose rows each engine decodes
/// into the tuples below, and the rule that turns them into problems.
enum RegistryProblemScan {
    /// `name, version` of every snapshot.
    static let versions = "SELECT name, version FROM model_snapshots ORDER BY name, version"

    /// `name, alias, version` of every alias naming a missing version.
    static let aliases = """
        SELECT a.name, a.alias, a.version FROM model_aliases a
        WHERE NOT EXISTS (SELECT 1 FROM model_snapshots s WHERE s.name = a.name AND s.version = a.version)
        """

    /// `name, alias, version, id` of every alias move naming a missing version (from or to).
    static let moves = """
        SELECT DISTINCT m.name, m.alias, m.version, m.id FROM (
            SELECT id, name, alias, from_version AS version FROM model_alias_moves
            UNION ALL SELECT id, name, alias, to_version FROM model_alias_moves) m
        WHERE m.version IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM model_snapshots s WHERE s.name = m.name AND s.version = m.version)
        ORDER BY m.name, m.alias, m.version, m.id
        """

    /// Versions missing below a model's highest one, aliases pointing at missing versions, and
    /// alias moves naming them (one problem per alias and version, listing the moves), sorted by
    /// model, version, alias and check. A deleted highest version leaves no gap; it is found
    /// through the aliases or moves that name it.
    static func problems(versions versionRows: [(name: String, version: Int)], aliases: [(name: String, alias: String, version: Int)],
                         moves moveRows: [(name: String, alias: String, version: Int, id: Int64)]) -> [RegistryProblem] {
        var versions: [String: [Int]] = [:]
        for row in versionRows { versions[row.name, default: []].append(row.version) }
        var problems: [RegistryProblem] = []
        for (name, existing) in versions {
            let present = Set(existing)
            for version in 1...(existing.max() ?? 1) where !present.contains(version) {
                problems.append(RegistryProblem(
                    check: .missingVersion, model: name, version: version, alias: nil,
                    message: "version \(version) of \(name) is missing: its snapshot was deleted (\(VersionList.exist(existing.sorted())))"))
            }
        }
        for (name, alias, version) in aliases {
            problems.append(RegistryProblem(
                check: .alias, model: name, version: version, alias: alias,
                message: "alias \(alias) of \(name) names version \(version), which is missing (\(VersionList.exist(versions[name]?.sorted() ?? [])))"))
        }
        var moves: [(name: String, alias: String, version: Int, ids: [Int64])] = []
        for row in moveRows {
            if let last = moves.last, last.name == row.name, last.alias == row.alias, last.version == row.version {
                moves[moves.count - 1].ids.append(row.id)
            } else {
                moves.append((row.name, row.alias, row.version, [row.id]))
            }
        }
        for move in moves {
            problems.append(RegistryProblem(
                check: .aliasHistory, model: move.name, version: move.version, alias: move.alias,
                message: "the history of alias \(move.alias) of \(move.name) names version \(move.version), which is missing, in move(s) "
                    + move.ids.map(String.init).joined(separator: ", ")))
        }
        return problems.sorted {
            ($0.model, $0.version, $0.alias ?? "", $0.check.rawValue) < ($1.model, $1.version, $1.alias ?? "", $1.check.rawValue)
        }
    }
}

extension Warehouse {
    /// Versions missing below a model's highest one, aliases pointing at missing versions, and
    /// alias moves naming them: what deleting a snapshot behind the registry's back (its trigger
    /// dropped, foreign keys off) leaves (``RegistryProblemScan``).
    public func registryProblems() throws -> [RegistryProblem] {
        RegistryProblemScan.problems(
            versions: try db.query(RegistryProblemScan.versions).map { ($0[0].string ?? "", Int($0[1].int64 ?? 0)) },
            aliases: try db.query(RegistryProblemScan.aliases).map { ($0[0].string ?? "", $0[1].string ?? "", Int($0[2].int64 ?? 0)) },
            moves: try db.query(RegistryProblemScan.moves).map { ($0[0].string ?? "", $0[1].string ?? "", Int($0[2].int64 ?? 0), $0[3].int64 ?? 0) })
    }
}
