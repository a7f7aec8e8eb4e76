extension Warehouse {
    /// How a question computed in Swift is answered: by the Swift pass the commands use, or by
    /// the query of `sql/` that defines it (the tests compare both).
    enum AnswerMethod {
        case scan, query
    }
}
