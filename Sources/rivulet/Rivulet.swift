import ArgumentParser

@main
struct Rivulet: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "A streaming SQL server.")
}
