import SQLiteStore

extension AliasMove {
    /// When a move of `alias` happens: `requested` (refused when before the alias's `previous`
    /// move, so "version at T" follows the chain), else now, but never before the previous move.
    static func instant(_ requested: Int64?, after previous: Int64?, name: String, alias: String) throws -> Int64 {
        guard let requested else { return max(RegistryClock.now(), previous ?? Int64.min) }
        if let previous, requested < previous {
            throw RegistryError.moveOutOfOrder(name, alias: alias, at: RegistryClock.iso(requested), previous: RegistryClock.iso(previous))
        }
        return requested
    }

    /// Refuses to point an alias of `name` at `version` unless it is one of `existing` (the
    /// model's versions, ascending): an unknown model (listing `known()`), a version above the
    /// highest, or one whose snapshot is missing.
    static func checkTarget(_ version: Int, of name: String, existing: [Int], known: () throws -> [String]) throws {
        guard let latest = existing.last else { throw RegistryError.unknownModel(name, known: try known()) }
        guard (1...latest).contains(version) else { throw RegistryError.unknownVersion(name, version: version, latest: latest) }
        guard existing.contains(version) else { throw RegistryError.missingVersion(name, version: version, existing: existing) }
    }

    /// What a rollback of `alias` of `name` records after the alias's `last` move: the version
    /// it pointed at before that move, and why. Refused when the alias was never set, or when its
    /// last move set it for the first time (there is no earlier version to go back to).
    static func rollback(after last: AliasMove?, name: String, alias: String, reason: String?) throws -> (target: Int, reason: String) {
        guard let last else {
            throw RegistryError.nothingToRollBack(name, alias: alias, "it has never been set")
        }
        guard let target = last.fromVersion else {
            let first = last.toVersion.map { "version \($0)" } ?? "a version"
            throw RegistryError.nothingToRollBack(name, alias: alias,
                "its last move set it for the first time (to \(first) at \(RegistryClock.iso(last.movedAt))), so there is no earlier version; use `lifecycle models unalias` to remove it")
        }
        return (target, "rollback" + (reason.map { ": " + $0 } ?? " of move \(last.id)"))
    }
}

extension Warehouse {
    /// Where each alias of a model points now, by alias.
    public func currentAliases(of name: String) throws -> [String: Int] {
        var aliases: [String: Int] = [:]
        for row in try db.query("SELECT alias, version FROM model_aliases WHERE name = ?", name) {
            aliases[row[0].string ?? ""] = Int(row[1].int64 ?? 0)
        }
        return aliases
    }

    /// Points `alias` of model `name` at `version`, recording the move (who, when, from, to, why).
    /// Returns nil, recording nothing, when the alias already points there.
    /// - Parameters:
    ///   - by: who moves it; defaults to `$LIFECYCLE_USER`, else the OS user name.
    ///   - instant: when, Unix seconds; defaults to now. A move cannot be dated before the
    ///     alias's previous move.
    @discardableResult
    public func promote(name: String, version: Int, alias: String = ModelNaming.production, reason: String? = nil,
                        by user: String = RegistryClock.currentUser(), at instant: Int64? = nil) throws -> AliasMove? {
        if let problem = ModelNaming.problem(withAlias: alias) { throw RegistryError.invalidAlias(alias, problem) }
        return try registryTransaction { () throws -> AliasMove? in
            try AliasMove.checkTarget(version, of: name, existing: try existingVersions(of: name), known: modelNames)
            let current = try currentAliases(of: name)[alias]
            guard current != version else { return nil }
            return try recordMove(name: name, alias: alias, from: current, to: version, reason: reason, by: user, at: instant)
        }
    }

    /// Moves `alias` back to the version it pointed at before its last move, recording that as
    /// a move too (so a second rollback undoes the first). Fails when the last move had no
    /// earlier version (the alias was first set then) or the alias was never set.
    @discardableResult
    public func rollback(name: String, alias: String = ModelNaming.production, reason: String? = nil,
                         by user: String = RegistryClock.currentUser(), at instant: Int64? = nil) throws -> AliasMove {
        try registryTransaction {
            _ = try latestVersion(of: name)
            let last = try aliasHistory(name: name, alias: alias).last
            let (target, why) = try AliasMove.rollback(after: last, name: name, alias: alias, reason: reason)
            return try recordMove(name: name, alias: alias, from: last?.toVersion, to: target, reason: why, by: user, at: instant)
        }
    }

    /// Removes `alias` from model `name`, recording the move (to no version).
    @discardableResult
    public func removeAlias(name: String, alias: String, reason: String? = nil,
                            by user: String = RegistryClock.currentUser(), at instant: Int64? = nil) throws -> AliasMove {
        try registryTransaction {
            _ = try latestVersion(of: name)
            let aliases = try currentAliases(of: name)
            guard let current = aliases[alias] else {
                throw RegistryError.unknownAlias(name, alias: alias, aliases: aliases.keys.sorted())
            }
            return try recordMove(name: name, alias: alias, from: current, to: nil, reason: reason, by: user, at: instant)
        }
    }

    /// Every move of the model's aliases (or of one alias), oldest first.
    public func aliasHistory(name: String, alias: String? = nil) throws -> [AliasMove] {
        let rows: [Row]
        if let alias {
            rows = try db.query("""
                SELECT id, name, alias, from_version, to_version, moved_at, moved_by, reason
                FROM model_alias_moves WHERE name = ? AND alias = ? ORDER BY id
                """, name, alias)
        } else {
            rows = try db.query("""
                SELECT id, name, alias, from_version, to_version, moved_at, moved_by, reason
                FROM model_alias_moves WHERE name = ? ORDER BY id
                """, name)
        }
        return rows.map(Self.move(from:))
    }

    /// The version `alias` of model `name` pointed at, at `instant` (Unix seconds): the target
    /// of its last move at or before then; nil when it was not set (or had been removed).
    public func version(of name: String, alias: String, at instant: Int64) throws -> Int? {
        let row = try db.query("""
            SELECT to_version FROM model_alias_moves
            WHERE name = ? AND alias = ? AND moved_at <= ? ORDER BY id DESC LIMIT 1
            """, name, alias, instant).first
        return row?[0].int64.map { Int($0) }
    }

    // MARK: Internals

    /// The highest version of a model; throws for an unknown model.
    func latestVersion(of name: String) throws -> Int {
        guard let latest = try db.scalar("SELECT max(version) FROM model_snapshots WHERE name = ?", name).int64 else {
            throw RegistryError.unknownModel(name, known: try modelNames())
        }
        return Int(latest)
    }

    /// Inserts one move (the trigger updates `model_aliases`); call inside a transaction.
    private func recordMove(name: String, alias: String, from: Int?, to: Int?, reason: String?, by user: String,
                            at instant: Int64?) throws -> AliasMove {
        let previous = try db.scalar("SELECT max(moved_at) FROM model_alias_moves WHERE name = ? AND alias = ?", name, alias).int64
        let movedAt = try AliasMove.instant(instant, after: previous, name: name, alias: alias)
        try db.run("""
            INSERT INTO model_alias_moves (name, alias, from_version, to_version, moved_at, moved_by, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, name, alias, from, to, movedAt, user, reason)
        return AliasMove(id: db.lastInsertRowID, name: name, alias: alias, fromVersion: from, toVersion: to,
                         movedAt: movedAt, movedBy: user, reason: reason)
    }

    static func move(from row: Row) -> AliasMove {
        AliasMove(id: row[0].int64 ?? 0, name: row[1].string ?? "", alias: row[2].string ?? "",
                  fromVersion: row[3].int64.map { Int($0) }, toVersion: row[4].int64.map { Int($0) },
                  movedAt: row[5].int64 ?? 0, movedBy: row[6].string ?? "", reason: row[7].string)
    }
}
