/// How the commands that move or list aliases read a model reference, so `churn@candidate`,
/// `churn@3` and `churn` mean the same there as everywhere else.
extension ModelReference {
    /// The alias a command that moves or lists aliases acts on: the reference's alias
    /// (`churn@candidate`), else the `--alias` option, else `fallback`. A version reference has
    /// no alias to act on, and an alias given twice must agree.
    /// - Parameter command: the command's name, for messages (`rollback`).
    public func aliasToMove(option: String?, fallback: String?, command: String) throws(RegistryError) -> String? {
        switch selector {
        case .preferred:
            return option ?? fallback
        case .alias(let alias):
            if let option, option != alias {
                throw .unsuitableReference(description, "names alias '\(alias)' but --alias says '\(option)'; give the alias once")
            }
            return alias
        case .version, .latest:
            throw .unsuitableReference(description, "\(command) acts on an alias, not a version; write \(name) --alias ALIAS or \(name)@ALIAS")
        }
    }
}

extension ModelRegistry {
    /// The version `models promote` points an alias at: `version` when given (`promote churn 3`),
    /// else the one the reference names (`churn@3`, `churn@latest`, `churn@candidate`). A bare
    /// name with no version, or a version given twice, is refused.
    public func versionToPromote(_ reference: ModelReference, version: Int?) throws -> Int {
        switch (reference.selector, version) {
        case (.preferred, let version?):
            return version
        case (.preferred, nil):
            throw RegistryError.unsuitableReference(reference.description,
                "say which version to promote: \(reference.name)@VERSION, \(reference.name)@ALIAS or \(reference.name) VERSION")
        case (_, .some):
            throw RegistryError.unsuitableReference(reference.description, "already names the version; drop the VERSION argument")
        case (.version(let number), nil):
            return number
        case (.latest, nil), (.alias, nil):
            return try resolve(reference, at: nil).snapshot.version
        }
    }
}
