/// How a table wider than the terminal is shown: in blocks of columns that fit, like pandas'
/// wrapped frames, each block led by the first column (the row's name) so every cell can be read
/// against its row. Nothing is cut; a column wider than the terminal on its own gets a block of
/// its own (with the first column) and overflows.
enum ColumnBlocks {
    /// The column indices of each block for columns of `widths`, joined by `separator` spaces,
    /// within `width` characters (nil: one block of every column).
    static func split(widths: [Int], separator: Int, within width: Int?) -> [[Int]] {
        guard let width, !widths.isEmpty else { return [Array(widths.indices)] }
        let total = widths.reduce(0, +) + separator * (widths.count - 1)
        guard total > width, widths.count > 1 else { return [Array(widths.indices)] }
        var blocks: [[Int]] = []
        var current = [0]
        var used = widths[0]
        for index in 1..<widths.count {
            if current.count > 1 && used + separator + widths[index] > width {
                blocks.append(current)
                current = [0]
                used = widths[0]
            }
            current.append(index)
            used += separator + widths[index]
        }
        blocks.append(current)
        return blocks
    }
}
