/// Pure Swift numerics for the lifecycle warehouse: an L-BFGS optimizer, logistic regression,
/// BG/NBD and Gamma-Gamma customer-base models, k-means, item-to-item recommendations and
/// evaluation metrics.
///
/// Every model is a `Sendable` value of parameters plus pure functions; nothing here touches
/// SQLite or the file system. Models expose their weights as ``NamedTensor`` arrays
/// (see ``ParameterEncodable``) so the registry can store them in a portable layout.
public enum Learning {}
