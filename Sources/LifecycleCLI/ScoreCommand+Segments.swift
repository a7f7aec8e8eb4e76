import ArgumentParser
import Foundation
import Warehouse

extension ScoreCommand {
    /// Cluster assignments into `segment_assignments`, by user.
    func scoreSegments(_ snapshot: ModelSnapshot, warehouse: Warehouse, asOf: Int64) throws -> Table {
        let scoring: SegmentScoring
        do {
            scoring = try warehouse.scoreSegments(snapshot, asOf: asOf)
        } catch let error as SegmentError {
            throw ValidationError(error.description)
        }
        printError("\(grouped(scoring.assignments.count)) users assigned as of \(CalendarDate.day(asOf)) by \(snapshot.reference); stored in segment_assignments")
        let rows = zip(scoring.dataset.customers, scoring.assignments).map {
            [.text($0.0.externalID), .count($0.1.cluster), .real($0.1.distance, decimals: 4)] as [Cell]
        }
        return Table(columns: ["user", "cluster", "distance"], rows: shown(rows))
    }
}
