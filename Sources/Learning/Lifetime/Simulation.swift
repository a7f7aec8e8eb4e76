extension BGNBDModel {
    /// Draws one customer's purchase history from the BG/NBD generative process: λ ~ Gamma(r, α),
    /// p ~ Beta(a, b); exponential(λ) inter-purchase times from the first purchase at time 0;
    /// after each repeat purchase the customer drops out with probability p; observation ends at
    /// `age`.
    public func sampleHistory(age: Double, using generator: inout some RandomNumberGenerator) -> PurchaseHistory {
        let lambda = generator.nextGamma(shape: r, rate: alpha)
        let dropout = generator.nextBeta(a, b)
        var time = 0.0
        var frequency = 0
        var last = 0.0
        while true {
            time += generator.nextExponential(rate: lambda)
            if time > age { break }
            frequency += 1
            last = time
            if generator.nextBernoulli(dropout) { break }
        }
        return PurchaseHistory(frequency: frequency, recency: last, age: age)
    }
}

extension GammaGammaModel {
    /// Draws the mean of `frequency` transaction values from the Gamma-Gamma generative process:
    /// ν ~ Gamma(q, γ), each value ~ Gamma(p, ν).
    public func sampleSpend(frequency: Int, using generator: inout some RandomNumberGenerator) -> SpendHistory {
        precondition(frequency >= 1, "a spend history needs at least one transaction")
        let nu = generator.nextGamma(shape: q, rate: gamma)
        var total = 0.0
        for _ in 0..<frequency { total += generator.nextGamma(shape: p, rate: nu) }
        return SpendHistory(frequency: frequency, monetaryValue: total / Double(frequency))
    }
}
