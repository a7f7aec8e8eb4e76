extension ModelRegistry {
    /// A snapshot with the aliases that point at it, its tensors' names and shapes (read from the
    /// weights header), and the result of verifying it (record and weights checksums, layout,
    /// model validity), so a changed value is never shown as if it were fine.
    public func describe(_ reference: ModelReference, at instant: Int64? = nil) throws -> ModelDescription {
        let (snapshot, via) = try resolve(reference, at: instant)
        var tensors: [TensorDescription] = []
        var problem: String?
        do {
            tensors = try weightsHeader(of: snapshot).tensors
        } catch {
            problem = "\(error)"
        }
        let scalars = (try? loadParameters(snapshot))?.tensors.filter { $0.shape.isEmpty }
            .map { JSONMember($0.name, .number($0.values[0])) } ?? []
        return ModelDescription(snapshot: snapshot, resolvedVia: via, aliases: try aliases(pointingAt: snapshot), tensors: tensors,
                                weightsProblem: problem, scalarParameters: scalars, verification: try verify(snapshot))
    }
}
