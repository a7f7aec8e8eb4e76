import ArgumentParser
import Foundation
import Warehouse

extension ScoreCommand {
    /// Cluster assignments into `segment_assignments`, by user.
    func scoreSegments(_ snapshot: ModelSnapshot, warehouse: some SegmentEngine, asOf: Int64, users: Set<Int64>?, list: UserList?) throws -> Table {
        segmentsTable(try segmentsScoring { try warehouse.scoreSegments(snapshot, asOf: asOf, users: users) },
                      snapshot: snapshot, asOf: asOf, list: list)
    }

    /// Runs a segments scoring, its refusals as the command's own.
    private func segmentsScoring(_ body: () throws -> SegmentScoring) throws -> SegmentScoring {
        do {
            return try body()
        } catch let error as SegmentError {
            throw ValidationError(error.description)
        }
    }

    private func segmentsTable(_ scoring: SegmentScoring, snapshot: ModelSnapshot, asOf: Int64, list: UserList?) -> Table {
        printError("\(grouped(scoring.assignments.count)) users assigned as of \(CalendarDate.day(asOf)) by \(snapshot.reference); stored in segment_assignments")
        let names = Dictionary(scoring.dataset.customers.map { ($0.userID, $0.externalID) }, uniquingKeysWith: { first, _ in first })
        let rows = scoring.assignments.map {
            [.text(names[$0.userID] ?? String($0.userID)), .count($0.cluster), .real($0.distance, decimals: 4)] as [Cell]
        }
        return Table(columns: ["user", "cluster", "distance"], rows: shown(rows),
                     notes: [list?.unscoredNote(scored: scoring.assignments.map(\.userID))].compactMap { $0 })
    }
}
