/// Segments as tables: cluster profiles, their overlap with the RFM segments, the silhouettes.
public enum SegmentTables {
    /// One row per cluster: size and RFM profile (the mean monetary value is a mean of doubles,
    /// so a real; revenue is exact money).
    public static func profiles(_ profiles: [SegmentProfile], currency: String? = nil) -> Table {
        Table(
            columns: ["cluster", "users", "share", "avg recency (days)", "avg frequency", "avg monetary", "revenue", "revenue share"],
            rows: profiles.map {
                [.count($0.cluster), .count($0.users), .share($0.share), .real($0.meanRecencyDays, decimals: 1),
                 .real($0.meanFrequency, decimals: 2), .real($0.meanMonetary, decimals: 2),
                 .money(micros: $0.revenueMicros, currency: currency), .shareOrNull($0.revenueShare)]
            })
    }

    /// RFM segments down, clusters across, with totals: each row sums to the segment's size,
    /// the total row to the cluster sizes.
    public static func overlap(_ overlap: SegmentOverlap) -> Table {
        let clusters = overlap.counts.indices
        let segmentSizes = overlap.segmentSizes
        var rows = overlap.segments.indices.map { column -> [Cell] in
            [.text(overlap.segments[column])] + clusters.map { .count(overlap.counts[$0][column]) } + [.count(segmentSizes[column])]
        }
        rows.append(["total"] + overlap.clusterSizes.map(Cell.count) + [.count(segmentSizes.reduce(0, +))])
        return Table(columns: ["RFM segment"] + clusters.map { Column("cluster \($0)") } + ["total"], rows: rows)
    }

    /// What `segments` answers: one row per cluster, its profile and then its customers in each
    /// RFM segment (keys `rfm_` and the segment's key, e.g. `rfm_champions`); tables show the
    /// profiles and the overlap matrix.
    public static func answer(_ report: SegmentReport) -> Answer {
        var table = profiles(report.profiles)
        table.columns += report.overlap.segments.map { Column($0, key: "rfm_" + Column.key(for: $0)) }
        for cluster in table.rows.indices { table.rows[cluster] += report.overlap.counts[cluster].map(Cell.count) }
        table.notes = [note(report)]
        return Answer(question: "segments", parameters: [JSONMember("model", .string(report.snapshot.reference))] + report.scope.answerParameters,
                      asOf: report.asOf, table: table)
    }

    /// The silhouette of every k a training fitted, the chosen one marked.
    public static func silhouettes(_ training: SegmentTraining) -> Table {
        Table(columns: ["k", "silhouette", "chosen"],
              rows: training.silhouettes.map { [.count($0.clusters), .realOrNull($0.silhouette, decimals: 4), .bool($0.clusters == training.clusters)] })
    }

    /// What a report is about, for under its tables.
    public static func note(_ report: SegmentReport) -> String {
        "\(report.snapshot.reference) as of \(CalendarDate.day(report.asOf)): \(Format.count(report.overlap.clusterSizes.reduce(0, +))) customers\(report.scopeText.map { " " + $0 } ?? "") in \(report.profiles.count) clusters"
    }
}
