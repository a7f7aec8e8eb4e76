extension ModelSnapshot {
    /// The currency of the amounts a model was trained on (hyperparameter `currency`), which
    /// scoring reads again; nil for snapshots of models without money or saved before
    /// currencies were recorded (they score on the one currency there is).
    public var currency: String? { hyperparameters["currency"]?.stringValue }
}

/// The hyperparameter that records a model's currency.
func currencyMember(_ currency: String?) -> JSONMember {
    JSONMember("currency", currency.map(JSONValue.string) ?? .null)
}
