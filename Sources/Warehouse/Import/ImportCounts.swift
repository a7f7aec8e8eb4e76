/// Running counts of one import; `read == loaded + duplicate + rejected + erased` at every commit.
public struct ImportCounts: Sendable, Equatable {
    public var read = 0
    public var loaded = 0
    public var duplicate = 0
    public var rejected = 0
    /// Rows skipped because their customer was erased (`lifecycle forget`, migration 0014).
    public var erased = 0
    public var ordersCreated = 0
    public var guestOrders = 0
    public var returnOrders = 0
    /// Top-level event property keys left out of the loaded events (`--keep-properties`).
    public var propertyKeysDropped = 0

    public init() {}

    /// Whether the counts reconcile.
    public var isBalanced: Bool { read == loaded + duplicate + rejected + erased }
}
