import PostgresStore

/// Aliases on PostgreSQL: `models promote`, `rollback`, `unalias` and `history`, with the file's
/// rules (`Warehouse+Aliases`). SQLite's triggers keep `model_aliases` in step with the moves; here
/// each move and the alias it sets or removes are written in one transaction under the registry's
/// advisory lock, so moves form one chain whoever writes at once.
extension PostgresWarehouse {
    /// Points `alias` of model `name` at `version`, recording the move (who, when, from, to, why)
    /// and the alias in one transaction; nil, recording nothing, when it already points there.
    @discardableResult
    public func promote(name: String, version: Int, alias: String = ModelNaming.production, reason: String? = nil,
                        by user: String = RegistryClock.currentUser(), at instant: Int64? = nil) throws -> AliasMove? {
        if let problem = ModelNaming.problem(withAlias: alias) { throw RegistryError.invalidAlias(alias, problem) }
        return try db.transaction { () throws -> AliasMove? in
            try lockRegistry()
            try AliasMove.checkTarget(version, of: name, existing: try existingVersions(of: name), known: modelNames)
            let current = try currentAliases(of: name)[alias]
            guard current != version else { return nil }
            return try recordMove(name: name, alias: alias, from: current, to: version, reason: reason, by: user, at: instant)
        }
    }

    /// Moves `alias` back to the version it pointed at before its last move, recording that as
    /// a move too (`AliasMove.rollback(after:name:alias:reason:)`: the file's rule), in one transaction.
    @discardableResult
    public func rollback(name: String, alias: String = ModelNaming.production, reason: String? = nil,
                         by user: String = RegistryClock.currentUser(), at instant: Int64? = nil) throws -> AliasMove {
        try db.transaction {
            try lockRegistry()
            guard !(try existingVersions(of: name)).isEmpty else { throw RegistryError.unknownModel(name, known: try modelNames()) }
            let last = try aliasHistory(name: name, alias: alias).last
            let (target, why) = try AliasMove.rollback(after: last, name: name, alias: alias, reason: reason)
            return try recordMove(name: name, alias: alias, from: last?.toVersion, to: target, reason: why, by: user, at: instant)
        }
    }

    /// Removes `alias` from model `name`, recording the move (to no version), in one transaction.
    @discardableResult
    public func removeAlias(name: String, alias: String, reason: String? = nil,
                            by user: String = RegistryClock.currentUser(), at instant: Int64? = nil) throws -> AliasMove {
        try db.transaction {
            try lockRegistry()
            guard !(try existingVersions(of: name)).isEmpty else { throw RegistryError.unknownModel(name, known: try modelNames()) }
            let aliases = try currentAliases(of: name)
            guard let current = aliases[alias] else { throw RegistryError.unknownAlias(name, alias: alias, aliases: aliases.keys.sorted()) }
            return try recordMove(name: name, alias: alias, from: current, to: nil, reason: reason, by: user, at: instant)
        }
    }

    /// Every move of the model's aliases (or of one alias), oldest first.
    public func aliasHistory(name: String, alias: String? = nil) throws -> [AliasMove] {
        try db.query("""
            SELECT id, name, alias, from_version, to_version, moved_at, moved_by, reason FROM model_alias_moves
            WHERE name = $1 AND ($2::text IS NULL OR alias = $2::text) ORDER BY id
            """, [.text(name), alias.map(PGValue.text) ?? .null]).map { row in
            AliasMove(id: row["id"].int64 ?? 0, name: row["name"].string ?? "", alias: row["alias"].string ?? "",
                      fromVersion: row["from_version"].int64.map { Int($0) }, toVersion: row["to_version"].int64.map { Int($0) },
                      movedAt: row["moved_at"].int64 ?? 0, movedBy: row["moved_by"].string ?? "", reason: row["reason"].string)
        }
    }

    /// Records one move and sets or removes the alias it moves, as SQLite's triggers do; call
    /// inside a transaction holding the registry lock.
    private func recordMove(name: String, alias: String, from: Int?, to: Int?, reason: String?, by user: String,
                            at instant: Int64?) throws -> AliasMove {
        let previous = try db.scalar("SELECT max(moved_at) FROM model_alias_moves WHERE name = $1 AND alias = $2",
                                     [.text(name), .text(alias)]).int64
        let movedAt = try AliasMove.instant(instant, after: previous, name: name, alias: alias)
        let id = try db.scalar("""
            INSERT INTO model_alias_moves (name, alias, from_version, to_version, moved_at, moved_by, reason)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
            """, [.text(name), .text(alias), from.map { .integer(Int64($0)) } ?? .null, to.map { .integer(Int64($0)) } ?? .null,
                  .integer(movedAt), .text(user), reason.map(PGValue.text) ?? .null]).int64 ?? 0
        if let to {
            try db.query("""
                INSERT INTO model_aliases (name, alias, version) VALUES ($1, $2, $3)
                ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version
                """, [.text(name), .text(alias), .integer(Int64(to))])
        } else {
            try db.query("DELETE FROM model_aliases WHERE name = $1 AND alias = $2", [.text(name), .text(alias)])
        }
        return AliasMove(id: id, name: name, alias: alias, fromVersion: from, toVersion: to, movedAt: movedAt, movedBy: user, reason: reason)
    }
}
