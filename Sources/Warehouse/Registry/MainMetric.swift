/// The one number `models list` shows for a snapshot, chosen by its kind from what training
/// stored in `metrics`: ROC AUC on the holdout for churn models (higher is better), the holdout
/// mean absolute error of repeat purchases per customer for lifetime value (lower), the
/// within-cluster sum of squares for segments (lower, comparable only at the same k and features),
/// and the holdout hit rate for recommendations (higher).
public struct MainMetric: Sendable, Equatable {
    /// snake_case name: `roc_auc`, `holdout_mae`, `inertia`, `hit_rate`.
    public let name: String
    /// Nil when the snapshot's metrics do not hold it (saved by an older build).
    public let value: Double?

    /// The main metric of a snapshot of `kind` with these `metrics`; nil for a kind without one.
    public init?(kind: String, metrics: JSONValue) {
        switch kind {
        case "bgnbd_gamma_gamma": (name, value) = ("holdout_mae", metrics["holdout"]?["mean_absolute_error"]?.doubleValue)
        case "kmeans": (name, value) = ("inertia", metrics["inertia"]?.doubleValue)
        case "item_similarity": (name, value) = ("hit_rate", metrics["holdout"]?["hit_rate"]?.doubleValue)
        default:
            guard let auc = metrics["holdout"]?["roc_auc"] else { return nil }
            (name, value) = ("roc_auc", auc.doubleValue)
        }
    }
}
