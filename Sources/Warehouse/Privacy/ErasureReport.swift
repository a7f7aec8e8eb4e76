/// `lifecycle forget`'s output: the rows per table as text or JSON.
public enum ErasureReport {
    /// Rows per table, amounts by currency, models trained with the data, and the ids not found.
    public static func text(_ summary: ErasureSummary) -> String {
        let verb = summary.dryRun ? "would erase" : "erased"
        var lines = ["\(verb) \(summary.erased.count) customer\(summary.erased.count == 1 ? "" : "s")"
                     + (summary.dryRun ? " (dry run: nothing changed)" : "")]
        if !summary.tables.isEmpty {
            lines.append(Table(columns: ["table", "rows"], rows: summary.tables.map { [.text($0.table), .count($0.rows)] }).rendered(as: .table).trimmingSuffixNewlines())
        }
        for amount in summary.removedAmounts {
            lines.append("orders removed in \(amount.currency): \(amount.orders), net \(Format.money(amount.micros, currency: amount.currency))")
        }
        if !summary.trainedModels.isEmpty {
            lines.append("model versions trained with their data: \(summary.trainedModels.joined(separator: ", ")) "
                         + "(kept as they are; retraining is your decision, docs/PRIVACY.md)")
        }
        if !summary.alreadyErased.isEmpty { lines.append("erased before: \(summary.alreadyErased.joined(separator: ", "))") }
        if !summary.loggedAbsent.isEmpty {
            lines.append("\(summary.dryRun ? "would log" : "logged") with no data yet (later imports skip them): \(summary.loggedAbsent.joined(separator: ", "))")
        }
        if !summary.notFound.isEmpty { lines.append("not found: \(summary.notFound.joined(separator: ", "))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// snake_case fields, counts as numbers, amounts as exact decimals (docs/OUTPUT.md's money rule).
    public static func json(_ summary: ErasureSummary) -> JSONValue {
        ["dry_run": .bool(summary.dryRun),
         "erased": .array(summary.erased.map { .string($0) }),
         "not_found": .array(summary.notFound.map { .string($0) }),
         "already_erased": .array(summary.alreadyErased.map { .string($0) }),
         "logged_absent": .array(summary.loggedAbsent.map { .string($0) }),
         "rows": .object(summary.tables.map { JSONMember($0.table, .integer(Int64($0.rows))) }),
         "removed_orders": .array(summary.removedAmounts.map {
             ["currency": .string($0.currency), "orders": .integer(Int64($0.orders)), "net_amount": .decimal(MachineDecimal.text($0.micros))]
         }),
         "trained_models": .array(summary.trainedModels.map { .string($0) })]
    }
}

private extension String {
    func trimmingSuffixNewlines() -> String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
