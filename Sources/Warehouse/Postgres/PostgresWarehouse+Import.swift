import PostgresStore

extension PostgresWarehouse {
    /// Imports one file into the warehouse on the server (`PostgresImporter`); the same options,
    /// counts and ledger as `Warehouse.importFile`.
    public func importFile(_ path: String, options: ImportOptions, progress: ((ImportProgress) -> Void)? = nil) throws -> ImportSummary {
        let importer = PostgresImporter(db: db)
        importer.onProgress = progress
        return try importer.importFile(path, options: options)
    }

    /// Every import, oldest first (`lifecycle imports list`), as on the file.
    public func listImports() throws -> [ImportRecord] {
        try db.query(ImportRecord.listQuery).map(ImportRecord.init(row:))
    }

    /// The rejected rows of one import, in file order.
    public func rejects(importID: Int64) throws -> [(line: Int, reason: String, raw: String)] {
        try db.query("SELECT line, reason, raw FROM import_rejects WHERE import_id = $1 ORDER BY line, id", [.integer(importID)]).map {
            (Int($0[0].int64 ?? 0), $0[1].string ?? "", $0[2].string ?? "")
        }
    }
}
