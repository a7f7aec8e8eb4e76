import Foundation

/// How the churn model turns a `user_features` row into numbers: which columns, and how each is
/// transformed (heavy-tailed counts and amounts on a log scale, missing values as 0 plus an
/// indicator). The list is stored with the model, so scoring rebuilds exactly the same vector.
public struct ChurnFeatureVector: Sendable, Equatable {
    /// One model input.
    public struct Input: Sendable, Equatable {
        /// Name in the model (e.g. `log_recency_days`).
        public let name: String
        /// SQL expression over `user_features` columns (aliased `f`) that computes it.
        public let sql: String
    }

    public let inputs: [Input]
    /// The fixed version (`satisfaction@N`) whose score S at the as-of is the input named
    /// `satisfaction`, when the vector has it (`train churn --satisfaction`; docs/satisfaction.md).
    /// Its SQL is a placeholder: ``Warehouse/churnDataset(asOf:horizonSeconds:vector:)`` fills
    /// the column from that model.
    public let satisfactionModel: String?

    /// The input the satisfaction score fills.
    public static let satisfactionInput = Input(name: "satisfaction", sql: "0")

    /// The standard inputs plus the score of the satisfaction model `reference` (a fixed version).
    public static func withSatisfaction(_ reference: String) -> ChurnFeatureVector {
        ChurnFeatureVector(inputs: standard.inputs + [satisfactionInput], satisfactionModel: reference)
    }

    /// Names of the inputs, in order.
    public var names: [String] { inputs.map(\.name) }

    /// The full feature set (25 inputs).
    public static let standard = ChurnFeatureVector(inputs: [
        Input(name: "log_recency_days", sql: "ln(1 + f.recency_days)"),
        Input(name: "log_frequency", sql: "ln(1 + f.frequency)"),
        Input(name: "asinh_monetary", sql: "asinh(f.monetary_micros / 1e6)"),
        Input(name: "log_tenure_days", sql: "ln(1 + f.tenure_days)"),
        Input(name: "log_avg_order_value", sql: "ln(1 + max(f.avg_order_value_micros, 0) / 1e6)"),
        Input(name: "log_orders_30d", sql: "ln(1 + f.orders_30d)"),
        Input(name: "log_orders_90d", sql: "ln(1 + f.orders_90d)"),
        Input(name: "log_orders_365d", sql: "ln(1 + f.orders_365d)"),
        Input(name: "log_revenue_30d", sql: "ln(1 + max(f.revenue_30d_micros, 0) / 1e6)"),
        Input(name: "log_revenue_90d", sql: "ln(1 + max(f.revenue_90d_micros, 0) / 1e6)"),
        Input(name: "log_revenue_365d", sql: "ln(1 + max(f.revenue_365d_micros, 0) / 1e6)"),
        Input(name: "has_repeat", sql: "f.mean_days_between_orders IS NOT NULL"),
        Input(name: "log_mean_gap_days", sql: "ln(1 + coalesce(f.mean_days_between_orders, 0))"),
        Input(name: "log_sd_gap_days", sql: "ln(1 + coalesce(f.sd_days_between_orders, 0))"),
        Input(name: "log_returns", sql: "ln(1 + f.returns_count)"),
        Input(name: "return_share", sql: "f.return_share"),
        Input(name: "log_distinct_products", sql: "ln(1 + f.distinct_products)"),
        Input(name: "log_views_30d", sql: "ln(1 + f.views_30d)"),
        Input(name: "log_carts_30d", sql: "ln(1 + f.carts_30d)"),
        Input(name: "log_purchase_events_30d", sql: "ln(1 + f.purchase_events_30d)"),
        Input(name: "log_reviews_30d", sql: "ln(1 + f.reviews_30d)"),
        Input(name: "has_events", sql: "f.days_since_last_event IS NOT NULL"),
        Input(name: "log_days_since_last_event", sql: "ln(1 + coalesce(f.days_since_last_event, 0))"),
        Input(name: "has_reviews", sql: "f.avg_review_score IS NOT NULL"),
        Input(name: "avg_review_score", sql: "coalesce(f.avg_review_score, 0)"),
    ])

    /// Rebuilds a vector from stored input names (every name must be one of `standard`'s, or
    /// `satisfaction` with the model that computes it).
    public init?(names: [String], satisfactionModel: String? = nil) {
        var known = Dictionary(uniqueKeysWithValues: Self.standard.inputs.map { ($0.name, $0) })
        if satisfactionModel != nil { known[Self.satisfactionInput.name] = Self.satisfactionInput }
        var inputs: [Input] = []
        for name in names {
            guard let input = known[name] else { return nil }
            inputs.append(input)
        }
        self.inputs = inputs
        self.satisfactionModel = inputs.contains(Self.satisfactionInput) ? satisfactionModel : nil
    }

    init(inputs: [Input], satisfactionModel: String? = nil) {
        self.inputs = inputs
        self.satisfactionModel = satisfactionModel
    }
}
