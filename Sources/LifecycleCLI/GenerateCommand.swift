import ArgumentParser

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate", abstract: "Write a deterministic sample of order, user and event dumps.")
    func run() throws { throw ValidationError("not yet") }
}
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Generate a sample, import it and show what is there.")
    func run() throws { throw ValidationError("not yet") }
}
