import ArgumentParser
import Warehouse

/// `--currency CODE` of the model commands that add up money (lifetime value, segments).
struct CurrencyOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Only orders in this currency (ISO 4217, e.g. GBP). Needed when the orders are in several currencies, which are never added together; stored with the model, and scoring uses it.",
        valueName: "code"))
    var currency: String?

    func validate() throws {
        if let currency, CurrencyCode.normalized(currency) == nil {
            throw ValidationError(CurrencyCode.refusal(currency, source: "--currency"))
        }
    }
}
