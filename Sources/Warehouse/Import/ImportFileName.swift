/// The name of an imported file as the ledger stores it (`imports.file_name`, docs/PRIVACY.md).
/// An import is known by its content's SHA-256 (re-imports, resuming a killed run, refusing other
/// options), so the name is only for a person reading `imports list`, and it is kept no more
/// than that needs:
/// - the base name, never the directories, which name people too (`/home/alice/`,
///   `exports/carol/`);
/// - in a pseudonymised warehouse no name at all, since a file may be named after a customer
///   (`carol@example.com.csv`) and no rule can find a customer id in a name to replace it;
/// - `-` (standard input) as it is.
enum ImportFileName {
    /// Stored in place of the name in a pseudonymised warehouse.
    static let notKept = "[not kept]"

    /// What the ledger stores for a file given as `path`.
    static func stored(_ path: String, pseudonymised: Bool) -> String {
        if path == "-" { return path }
        if pseudonymised { return notKept }
        return path.split(separator: "/").last.map(String.init) ?? path
    }
}
