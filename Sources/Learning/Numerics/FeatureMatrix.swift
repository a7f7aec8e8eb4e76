/// A dense matrix of doubles stored flat in row-major order: row i is
/// `values[i * columns ..< (i + 1) * columns]`.
///
/// One contiguous array keeps large training sets (hundreds of thousands of rows) free of
/// per-row allocations.
public struct FeatureMatrix: Sendable, Equatable {
    /// Number of rows (observations).
    public let rows: Int
    /// Number of columns (features).
    public let columns: Int
    /// The entries, row-major; `values.count == rows * columns`.
    public private(set) var values: [Double]

    /// Wraps row-major `values` as a `rows × columns` matrix.
    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
        precondition(values.count == rows * columns,
                     "a \(rows) × \(columns) matrix needs \(rows * columns) values, got \(values.count)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Builds a matrix from equally long rows. With no rows, `columns` gives the width.
    public init(rowArrays: [[Double]], columns: Int? = nil) {
        let width = rowArrays.first?.count ?? columns ?? 0
        var flat: [Double] = []
        flat.reserveCapacity(rowArrays.count * width)
        for (index, row) in rowArrays.enumerated() {
            precondition(row.count == width, "row \(index) has \(row.count) values, expected \(width)")
            flat.append(contentsOf: row)
        }
        self.init(rows: rowArrays.count, columns: width, values: flat)
    }

    /// The entry at (`row`, `column`).
    public subscript(row: Int, column: Int) -> Double {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// A copy of one row.
    public func row(_ index: Int) -> [Double] {
        Array(values[(index * columns)..<((index + 1) * columns)])
    }

    /// The rows at `indices`, in that order.
    public func selecting(rows indices: [Int]) -> FeatureMatrix {
        var flat: [Double] = []
        flat.reserveCapacity(indices.count * columns)
        for index in indices {
            flat.append(contentsOf: values[(index * columns)..<((index + 1) * columns)])
        }
        return FeatureMatrix(rows: indices.count, columns: columns, values: flat)
    }
}
