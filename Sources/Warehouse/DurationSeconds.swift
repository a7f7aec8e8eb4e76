extension Duration {
    /// The duration in seconds, as trainers report a fit's time.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
