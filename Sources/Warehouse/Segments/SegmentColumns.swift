import Foundation

/// The columns segments are clustered on: always the three RFM measures on a log scale, then
/// optional `user_features` columns. Stored with the model (hyperparameter `features`), so
/// scoring rebuilds exactly the same rows.
///
/// - `log_recency_days` = log(1 + recency days)
/// - `log_frequency` = log(frequency) (a customer has at least one purchase)
/// - `signed_log_monetary` = sign(m)·log(1 + |m|), m the net revenue in currency units (it can
///   be zero or negative after returns)
/// - `signed_log_NAME` for an extra feature: the same signed log of its value (amounts in
///   currency units rather than micro-units), NULL as 0.
public struct SegmentColumns: Sendable, Equatable {
    /// Extra `user_features` column names, in order.
    public let extraFeatures: [String]

    /// The RFM columns plus `extraFeatures`.
    public init(extraFeatures: [String] = []) {
        self.extraFeatures = extraFeatures
    }

    /// The names of the model's inputs, in order.
    public var names: [String] {
        ["log_recency_days", "log_frequency", "signed_log_monetary"] + extraFeatures.map { "signed_log_\($0)" }
    }

    /// sign(x)·log(1 + |x|): a log scale that keeps zero and the sign.
    public static func signedLog(_ x: Double) -> Double {
        x < 0 ? -log1p(-x) : log1p(x)
    }

    /// A customer's three RFM inputs.
    static func rfmValues(_ customer: SegmentCustomer) -> [Double] {
        [log1p(Double(customer.recencyDays)), log(Double(max(customer.frequency, 1))),
         signedLog(Double(customer.monetaryMicros) / 1e6)]
    }

    /// Throws unless every name is one of `numericFeatures` (the numeric columns of
    /// `feature_catalogue`), naming the first that is not and the known ones.
    static func check(_ names: [String], numericFeatures known: Set<String>) throws {
        if let unknown = names.first(where: { !known.contains($0) }) {
            throw SegmentError(description: "--features: '\(unknown)' is not a numeric feature; known: \(known.sorted().joined(separator: ", "))")
        }
    }

    /// The input of an extra feature's stored value.
    static func extraValue(_ value: Double?, name: String) -> Double {
        guard let value else { return 0 }
        return signedLog(name.hasSuffix("_micros") ? value / 1e6 : value)
    }
}

/// Why segments could not be trained or scored.
public struct SegmentError: Error, CustomStringConvertible {
    public let description: String
}
