import SQLiteStore

extension Warehouse {
    /// Ids of the model snapshots whose training could see data of a customer erased since
    /// (the erasure log's `trained_snapshots`). They stay as they are: snapshots are immutable,
    /// and retraining is the user's decision (docs/PRIVACY.md).
    public func snapshotsTrainedOnErasedData() throws -> Set<Int64> {
        Set(try db.query("SELECT DISTINCT j.value FROM erasures e, json_each(e.trained_snapshots) j").compactMap { $0[0].int64 })
    }
}
