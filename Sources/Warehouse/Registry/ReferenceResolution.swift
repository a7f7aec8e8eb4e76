/// The registry rows a model reference is resolved from, on either engine. `resolveReference`
/// applies the rules once: a version, `latest`, an alias or the preferred version (production,
/// else latest), now or as they stood at an instant (`--at`: the versions created by then, each
/// alias's last move by then).
protocol ReferenceLookups: ModelRegistry {
    /// The highest version of `name` created at or before `instant` (nil: of all), nil when none.
    func highestVersion(of name: String, createdBy instant: Int64?) throws -> Int?
    /// The version `alias` of `name` pointed at, at `instant` (its last move by then); nil when
    /// it was not set then.
    func version(of name: String, alias: String, at instant: Int64) throws -> Int?
    /// The stored snapshot `name@version`, nil when there is no such row.
    func storedSnapshot(name: String, version: Int) throws -> ModelSnapshot?
    /// The versions of a model that exist, ascending.
    func existingVersions(of name: String) throws -> [Int]
    /// The model names in the registry, sorted.
    func modelNames() throws -> [String]
}

extension ReferenceLookups {
    /// The snapshot `reference` names and how it was reached (`production`, `latest`, another
    /// alias; nil for a version), now or as it was at `instant`.
    func resolveReference(_ reference: ModelReference, at instant: Int64?) throws -> (snapshot: ModelSnapshot, via: String?) {
        let name = reference.name
        guard let latest = try highestVersion(of: name, createdBy: nil) else {
            throw RegistryError.unknownModel(name, known: try modelNames())
        }
        let version: Int, via: String?
        switch reference.selector {
        case .version(let number):
            guard instant == nil else { throw RegistryError.instantNeedsAlias(reference.description) }
            guard number <= latest else { throw RegistryError.unknownVersion(name, version: number, latest: latest) }
            (version, via) = (number, nil)
        case .latest:
            (version, via) = (try latestVersion(of: name, at: instant), "latest")
        case .alias(let alias):
            (version, via) = (try aliasVersion(name, alias: alias, at: instant), alias)
        case .preferred:
            let production = try instant.map { try self.version(of: name, alias: ModelNaming.production, at: $0) }
                ?? currentAliases(of: name)[ModelNaming.production]
            if let production {
                (version, via) = (production, ModelNaming.production)
            } else {
                (version, via) = (try latestVersion(of: name, at: instant), "latest")
            }
        }
        guard let snapshot = try storedSnapshot(name: name, version: version) else {
            let existing = try existingVersions(of: name)
            if let via, via != "latest" { throw RegistryError.aliasNamesMissingVersion(name, alias: via, version: version, existing: existing) }
            throw RegistryError.missingVersion(name, version: version, existing: existing)
        }
        return (snapshot, via)
    }

    /// The highest version created by `instant` (of all when nil), or why there is none.
    private func latestVersion(of name: String, at instant: Int64?) throws -> Int {
        guard let version = try highestVersion(of: name, createdBy: instant) else {
            throw RegistryError.noVersionYet(name, at: RegistryClock.iso(instant ?? 0))
        }
        return version
    }

    /// Where `alias` points now, or pointed at `instant`, or why it does not.
    private func aliasVersion(_ name: String, alias: String, at instant: Int64?) throws -> Int {
        if let instant {
            guard let version = try self.version(of: name, alias: alias, at: instant) else {
                if try currentAliases(of: name)[alias] == nil, try aliasHistory(name: name, alias: alias).isEmpty {
                    throw RegistryError.unknownAlias(name, alias: alias, aliases: try currentAliases(of: name).keys.sorted())
                }
                throw RegistryError.aliasNotSetAt(name, alias: alias, at: RegistryClock.iso(instant))
            }
            return version
        }
        let aliases = try currentAliases(of: name)
        guard let version = aliases[alias] else { throw RegistryError.unknownAlias(name, alias: alias, aliases: aliases.keys.sorted()) }
        return version
    }
}

extension Warehouse: ReferenceLookups {}
