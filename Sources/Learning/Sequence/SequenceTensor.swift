/// Equal-length sequences of feature vectors, flat and row-major: value `j` of period `t` of
/// sequence `i` is `values[(i * periods + t) * features + j]` (numpy's `[count, periods, features]`
/// in C order, PyTorch's `batch_first` layout). Period 0 is the oldest.
public struct SequenceTensor: Sendable, Equatable {
    /// Number of sequences.
    public let count: Int
    /// Periods per sequence (every sequence has the same number).
    public let periods: Int
    /// Features per period.
    public let features: Int
    /// The values, `count × periods × features` of them.
    public var values: [Double]

    /// Creates a tensor; the number of values must be `count × periods × features`.
    public init(count: Int, periods: Int, features: Int, values: [Double]) {
        precondition(count >= 0 && periods >= 1 && features >= 1, "sequences need periods ≥ 1 and features ≥ 1")
        precondition(values.count == count * periods * features,
                     "\(values.count) values for \(count) sequences × \(periods) periods × \(features) features")
        self.count = count
        self.periods = periods
        self.features = features
        self.values = values
    }

    /// Values per sequence (`periods × features`).
    public var stride: Int { periods * features }

    /// The sequences at `indices`, in that order.
    public func selecting(_ indices: [Int]) -> SequenceTensor {
        var out: [Double] = []
        out.reserveCapacity(indices.count * stride)
        for i in indices { out += values[(i * stride)..<((i + 1) * stride)] }
        return SequenceTensor(count: indices.count, periods: periods, features: features, values: out)
    }
}
