/// `gradient_boosted_trees`: `baseline`: [] (log-odds before any tree), `feature_count`: [],
/// `tree_node_counts`: [T], and per node, trees one after another (node 0 of each tree is its
/// root, child indices count from the tree's own first node): `node_feature`: [N] (−1 at a
/// leaf), `node_threshold`: [N] (go left when x[feature] ≤ threshold), `node_left`, `node_right`:
/// [N] (−1 at a leaf), `node_value`: [N] (the leaf's log-odds contribution), `node_gain`: [N]
/// (split gain, for importances), `node_bin`: [N] (the threshold's training bin). Integers are
/// stored as float64, exact.
extension GradientBoostedTreesModel: ParameterEncodable {
    public static let parameterKind = "gradient_boosted_trees"

    public func encodeParameters() -> ModelParameters {
        var counts: [Double] = [], feature: [Double] = [], threshold: [Double] = [], left: [Double] = []
        var right: [Double] = [], value: [Double] = [], gain: [Double] = [], bin: [Double] = []
        for tree in trees {
            counts.append(Double(tree.nodeCount))
            feature += tree.feature.map(Double.init)
            threshold += tree.threshold
            left += tree.left.map(Double.init)
            right += tree.right.map(Double.init)
            value += tree.value
            gain += tree.gain
            bin += tree.bin.map(Double.init)
        }
        return ModelParameters(kind: Self.parameterKind, tensors: [
            .scalar("baseline", baseline), .scalar("feature_count", Double(featureCount)), .vector("tree_node_counts", counts),
            .vector("node_feature", feature), .vector("node_threshold", threshold), .vector("node_left", left),
            .vector("node_right", right), .vector("node_value", value), .vector("node_gain", gain), .vector("node_bin", bin),
        ])
    }

    public init(parameters: ModelParameters) throws(LearningError) {
        let reader = try ParameterReader(parameters, kind: Self.parameterKind)
        let baseline = try reader.tensor("baseline", shape: []).values[0]
        let featureCounts = try reader.integers(try reader.tensor("feature_count", shape: []))
        let counts = try reader.integers(try reader.tensor("tree_node_counts", shape: [nil]))
        guard let featureCount = featureCounts.first, featureCount >= 1, counts.allSatisfy({ $0 >= 1 }) else {
            throw .invalidParameters(model: reader.model, reason: "feature_count and every tree's node count must be positive")
        }
        let total = counts.reduce(0, +)
        let feature = try reader.integers(try reader.tensor("node_feature", shape: [total]))
        let threshold = try reader.tensor("node_threshold", shape: [total]).values
        let left = try reader.integers(try reader.tensor("node_left", shape: [total]))
        let right = try reader.integers(try reader.tensor("node_right", shape: [total]))
        let value = try reader.tensor("node_value", shape: [total]).values
        let gain = try reader.tensor("node_gain", shape: [total]).values
        let bin = try reader.integers(try reader.tensor("node_bin", shape: [total]))
        var trees: [RegressionTree] = []
        var start = 0
        for count in counts {
            let nodes = start..<(start + count)
            for node in nodes {
                let isLeaf = feature[node] == -1
                let childrenValid = isLeaf ? left[node] == -1 && right[node] == -1
                    : (node - start + 1..<count).contains(left[node]) && (node - start + 1..<count).contains(right[node])
                guard (-1..<featureCount).contains(feature[node]), childrenValid else {
                    throw .invalidParameters(model: reader.model, reason:
                        "node \(node - start) of tree \(trees.count) has feature \(feature[node]) and children \(left[node]), \(right[node])")
                }
            }
            trees.append(RegressionTree(feature: Array(feature[nodes]), threshold: Array(threshold[nodes]), bin: Array(bin[nodes]),
                                        left: Array(left[nodes]), right: Array(right[nodes]), value: Array(value[nodes]),
                                        gain: Array(gain[nodes])))
            start += count
        }
        self.init(baseline: baseline, featureCount: featureCount, trees: trees)
    }
}
