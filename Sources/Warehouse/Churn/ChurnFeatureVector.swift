import Foundation

/// How the churn model turns a `user_features` row into numbers: which columns, and how each is
/// transformed (heavy-tailed counts and amounts on a log scale, missing values as 0 plus an
/// indicator), in Swift on the columns as stored, so both engines turn the same stored values
/// into the same bits. The list is stored with the model, so scoring rebuilds exactly the same
/// vector.
public struct ChurnFeatureVector: Sendable, Equatable {
    /// How an input is computed from its `user_features` column.
    public enum Transform: Sendable, Equatable {
        /// ln(1 + x).
        case logOnePlus
        /// asinh(x / 10⁶): micro-units to currency units, sign kept (net revenue can be negative).
        case asinhOfMillionths
        /// ln(1 + max(x, 0) / 10⁶): a non-negative amount in micro-units, on a log scale.
        case logOnePlusMillionths
        /// 1 when the column is not NULL, else 0.
        case isPresent
        /// x as it is.
        case asIs
        /// Not from a column: filled by the warehouse (the satisfaction score).
        case filledLater

        /// The input's value for a column value (nil: NULL, read as 0, as a missing value's
        /// indicator says). A logarithm of a non-positive number is 0.
        public func value(_ x: Double?) -> Double {
            switch self {
            case .logOnePlus: Self.ln(1 + (x ?? 0))
            case .asinhOfMillionths: asinh((x ?? 0) / 1e6)
            case .logOnePlusMillionths: Self.ln(1 + max(x ?? 0, 0) / 1e6)
            case .isPresent: x == nil ? 0 : 1
            case .asIs: x ?? 0
            case .filledLater: 0
            }
        }

        private static func ln(_ x: Double) -> Double { x > 0 ? log(x) : 0 }
    }

    /// One model input.
    public struct Input: Sendable, Equatable {
        /// Name in the model (e.g. `log_recency_days`).
        public let name: String
        /// The `user_features` column it is computed from (nil: filled by the warehouse).
        public let column: String?
        /// How the column's value becomes the input.
        public let transform: Transform

        init(name: String, column: String?, _ transform: Transform) {
            self.name = name
            self.column = column
            self.transform = transform
        }
    }

    public let inputs: [Input]
    /// The fixed version (`satisfaction@N`) whose score S at the as-of is the input named
    /// `satisfaction`, when the vector has it (`train churn --satisfaction`; docs/satisfaction.md).
    /// It reads no column: ``ChurnEngine/churnDataset(asOf:horizonSeconds:vector:)`` fills it
    /// from that model.
    public let satisfactionModel: String?

    /// The input the satisfaction score fills.
    public static let satisfactionInput = Input(name: "satisfaction", column: nil, .filledLater)

    /// The standard inputs plus the score of the satisfaction model `reference` (a fixed version).
    public static func withSatisfaction(_ reference: String) -> ChurnFeatureVector {
        ChurnFeatureVector(inputs: standard.inputs + [satisfactionInput], satisfactionModel: reference)
    }

    /// The `user_features` columns the inputs read, each once, in the order first read.
    public var columns: [String] {
        var seen = Set<String>()
        return inputs.compactMap(\.column).filter { seen.insert($0).inserted }
    }

    /// Where each of `columns` is among the columns a query returned (`returned`, by name); a
    /// column the query lacks is a build error (`sql/…/churn_features.sql` returns them all).
    static func positions(of columns: [String], in returned: [String]) -> [Int] {
        columns.map { column in
            guard let position = returned.firstIndex(of: column) else { preconditionFailure("churn_features.sql has no column \(column)") }
            return position
        }
    }

    /// Names of the inputs, in order.
    public var names: [String] { inputs.map(\.name) }

    /// The full feature set (25 inputs).
    public static let standard = ChurnFeatureVector(inputs: [
        Input(name: "log_recency_days", column: "recency_days", .logOnePlus),
        Input(name: "log_frequency", column: "frequency", .logOnePlus),
        Input(name: "asinh_monetary", column: "monetary_micros", .asinhOfMillionths),
        Input(name: "log_tenure_days", column: "tenure_days", .logOnePlus),
        Input(name: "log_avg_order_value", column: "avg_order_value_micros", .logOnePlusMillionths),
        Input(name: "log_orders_30d", column: "orders_30d", .logOnePlus),
        Input(name: "log_orders_90d", column: "orders_90d", .logOnePlus),
        Input(name: "log_orders_365d", column: "orders_365d", .logOnePlus),
        Input(name: "log_revenue_30d", column: "revenue_30d_micros", .logOnePlusMillionths),
        Input(name: "log_revenue_90d", column: "revenue_90d_micros", .logOnePlusMillionths),
        Input(name: "log_revenue_365d", column: "revenue_365d_micros", .logOnePlusMillionths),
        Input(name: "has_repeat", column: "mean_days_between_orders", .isPresent),
        Input(name: "log_mean_gap_days", column: "mean_days_between_orders", .logOnePlus),
        Input(name: "log_sd_gap_days", column: "sd_days_between_orders", .logOnePlus),
        Input(name: "log_returns", column: "returns_count", .logOnePlus),
        Input(name: "return_share", column: "return_share", .asIs),
        Input(name: "log_distinct_products", column: "distinct_products", .logOnePlus),
        Input(name: "log_views_30d", column: "views_30d", .logOnePlus),
        Input(name: "log_carts_30d", column: "carts_30d", .logOnePlus),
        Input(name: "log_purchase_events_30d", column: "purchase_events_30d", .logOnePlus),
        Input(name: "log_reviews_30d", column: "reviews_30d", .logOnePlus),
        Input(name: "has_events", column: "days_since_last_event", .isPresent),
        Input(name: "log_days_since_last_event", column: "days_since_last_event", .logOnePlus),
        Input(name: "has_reviews", column: "avg_review_score", .isPresent),
        Input(name: "avg_review_score", column: "avg_review_score", .asIs),
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
