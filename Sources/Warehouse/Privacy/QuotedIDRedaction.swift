import SQLiteStore

/// Blanks text outside the erased customers' own rows that quotes their ids, for all of them in
/// one pass per table: rejected rows (`import_rejects.raw` emptied, the id in `reason` replaced),
/// `imports.file_name` and `imports.error`, and the properties of other users' or anonymous
/// events that hold an id as a whole value or key. Ids are matched without regard to ASCII
/// case (an e-mail address is often written with other capitals). A rejected row counts when
/// its raw text or reason holds the id as a whole field (``QuotedFields``), so a short id
/// ("12") does not blank other rows that merely contain its digits; a file name or import error
/// counts when it contains the id anywhere (docs/PRIVACY.md).
struct QuotedIDRedaction {
    let db: Connection

    /// The text written where an erased id was.
    static let redacted = "[erased]"

    /// Up to this many ids, other events' properties are searched with LIKE first.
    static let likePassLimit = 8

    /// Rows blanked, per id (`import_rejects`, `imports`, `other_events_properties`, as the
    /// erasure log names them) and per table (a row quoting two ids counts once there).
    struct Counts {
        var perID: [String: [(String, Int)]] = [:]
        var perTable: [(String, Int)] = []
    }

    /// Blanks text quoting the keys of `owners`; each key's counts go to its value (the id as
    /// stored of the customer it names: in a pseudonymised warehouse both her pseudonym and her
    /// source id name her).
    func run(_ owners: [String: String]) throws -> Counts {
        var counts = Counts()
        let ids = owners.keys.sorted()
        guard !ids.isEmpty else { return counts }
        try db.execute("""
            DROP TABLE IF EXISTS temp.erased_ids;
            DROP TABLE IF EXISTS temp.erased_id_quotes;
            CREATE TEMP TABLE erased_ids (id TEXT PRIMARY KEY, owner TEXT NOT NULL, pattern TEXT NOT NULL, lowered TEXT NOT NULL);
            CREATE INDEX temp.erased_ids_by_lowered ON erased_ids (lowered);
            CREATE TEMP TABLE erased_id_quotes (source TEXT NOT NULL, row_id INTEGER NOT NULL, id TEXT NOT NULL, owner TEXT NOT NULL);
            """)
        defer { try? db.execute("DROP TABLE IF EXISTS temp.erased_ids; DROP TABLE IF EXISTS temp.erased_id_quotes") }
        for id in ids {
            try db.run("INSERT OR IGNORE INTO temp.erased_ids (id, owner, pattern, lowered) VALUES (?1, ?2, ?3, lower(?1))",
                       id, owners[id]!, "%" + Self.likeEscaped(id) + "%")
        }
        // CROSS JOIN keeps each table the outer loop: one pass over it, however many ids.
        let like = { (column: String) in "\(column) LIKE f.pattern ESCAPE '\\'" }
        // LIKE finds the candidates; only those holding the id as a whole field count.
        let quoting = try db.query("""
            SELECT r.id, f.id, f.owner, r.raw, r.reason FROM import_rejects r CROSS JOIN temp.erased_ids f
            WHERE \(like("r.raw")) OR \(like("r.reason"))
            """).filter { row in
                let id = row[1].string ?? ""
                return QuotedFields.holds(row[3].string ?? "", id) || QuotedFields.holds(row[4].string ?? "", id)
            }
        for row in quoting {
            try db.run("INSERT INTO temp.erased_id_quotes (source, row_id, id, owner) VALUES ('import_rejects', ?, ?, ?)",
                       row[0].int64 ?? 0, row[1].string ?? "", row[2].string ?? "")
        }
        try db.run("""
            INSERT INTO temp.erased_id_quotes (source, row_id, id, owner)
            SELECT 'imports', i.id, f.id, f.owner FROM imports i CROSS JOIN temp.erased_ids f
            WHERE \(like("i.file_name")) OR \(like("i.error"))
            """)
        // A value that merely contains an id (a session "s10145" for customer 10145) is someone
        // else's data and stays; a whole value or key ({"referred_by": "carol@example.com"}) goes.
        // With few ids, LIKE finds the candidates without parsing JSON (0.13 s per id over 844,000
        // events); with more, parsing every value once and looking each up is cheaper (1.3 s
        // whatever the number of ids; both measured in the sqlite3 shell, docs/BENCHMARKS.md).
        let wholeValue = "f.lowered IN (lower(CAST(t.atom AS TEXT)), lower(t.key))"
        if ids.count <= Self.likePassLimit {
            try db.run("""
                INSERT INTO temp.erased_id_quotes (source, row_id, id, owner)
                SELECT 'other_events_properties', e.id, f.id, f.owner FROM events e CROSS JOIN temp.erased_ids f
                WHERE e.properties IS NOT NULL AND \(like("e.properties"))
                  AND EXISTS (SELECT 1 FROM json_tree(e.properties) t WHERE \(wholeValue))
                """)
        } else {
            try db.run("""
                INSERT INTO temp.erased_id_quotes (source, row_id, id, owner)
                SELECT DISTINCT 'other_events_properties', e.id, f.id, f.owner FROM events e, json_tree(e.properties) t, temp.erased_ids f
                WHERE e.properties IS NOT NULL AND \(wholeValue)
                """)
        }
        for row in try db.query("SELECT owner, source, count(DISTINCT row_id) FROM temp.erased_id_quotes GROUP BY owner, source ORDER BY source") {
            counts.perID[row[0].string ?? "", default: []].append((row[1].string ?? "", Int(row[2].int64 ?? 0)))
        }
        let rejects = "SELECT row_id FROM temp.erased_id_quotes WHERE source = 'import_rejects'"
        for id in ids {
            try db.run("""
                UPDATE import_rejects SET raw = '',
                    reason = CASE WHEN replace(reason, ?1, '') LIKE ?2 ESCAPE '\\' THEN '\(Self.redacted)'
                                  ELSE replace(reason, ?1, '\(Self.redacted)') END
                WHERE id IN (\(rejects) AND id = ?1)
                """, id, "%" + Self.likeEscaped(id) + "%")
        }
        counts.perTable.append(("import_rejects", try count("import_rejects")))
        try db.run("""
            UPDATE imports SET
                file_name = CASE WHEN EXISTS (SELECT 1 FROM temp.erased_ids f WHERE \(like("imports.file_name")))
                                 THEN '\(Self.redacted)' ELSE file_name END,
                error = CASE WHEN EXISTS (SELECT 1 FROM temp.erased_ids f WHERE \(like("imports.error")))
                             THEN '\(Self.redacted)' ELSE error END
            WHERE id IN (SELECT row_id FROM temp.erased_id_quotes WHERE source = 'imports')
            """)
        counts.perTable.append(("imports", db.changes))
        try db.run("""
            UPDATE events SET properties = NULL
            WHERE id IN (SELECT row_id FROM temp.erased_id_quotes WHERE source = 'other_events_properties')
            """)
        counts.perTable.append(("other_events_properties", db.changes))
        return counts
    }

    /// Distinct rows of a table that quote some id.
    private func count(_ source: String) throws -> Int {
        Int(try db.scalar("SELECT count(DISTINCT row_id) FROM temp.erased_id_quotes WHERE source = ?", source).int64 ?? 0)
    }

    /// The text with LIKE's wildcards and the escape character escaped by a backslash.
    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
